import Foundation

/// Finds files in folder trees by how their names end (ignoring case): training images, fonts,
/// images to recognize.
public enum FolderSearch {
    /// The paths, relative to `root`, of the files below it whose names end with one of
    /// `suffixes` (lowercase), in walking order; nil if `root` cannot be listed.
    public static func files(under root: String, endingWith suffixes: [String]) -> [String]? {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return nil }
        var out = [String]()
        for case let relative as String in walker {
            let lower = relative.lowercased()
            if suffixes.contains(where: { lower.hasSuffix($0) }) { out.append(relative) }
        }
        return out
    }

    /// Whether `path` names an existing folder (nil: nothing there).
    public static func isFolder(_ path: String) -> Bool? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        return isDirectory.boolValue
    }
}
