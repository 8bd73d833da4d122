import Foundation

/// Where the shipped model's files are: this target carries `printed-en.safetensors` and
/// `printed-en.words.txt` as SwiftPM resources, which `swift build` copies beside every
/// executable that links it (a `PACKAGE_ShippedModel.resources` folder), in this package and in
/// any package that depends on it.
public enum ShippedModelFiles {
    /// The file names of the model and its word list.
    public static let model = "printed-en.safetensors"
    public static let wordList = "printed-en.words.txt"

    /// The resource folder's name ends with this (it starts with the package's name, which a
    /// dependent package may spell differently).
    public static let resourceFolderSuffixes = ["_ShippedModel.resources", "_ShippedModel.bundle"]

    /// The folder that held this file when it was built: the checkout's `pretrained/`, which holds
    /// the files too as long as the checkout is there.
    public static let sourceFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
}
