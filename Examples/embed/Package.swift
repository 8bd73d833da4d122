// swift-tools-version:6.0
// A program that embeds the OCR library the way another package would: it depends on this
// repository by path and calls `Recognizer()` with no configuration. CI builds it and runs it
// from another folder (.ci/run).
import Foundation
import PackageDescription

// A path dependency is known by its folder's name, which is whatever the checkout is called.
let ocrFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
let ocrIdentity = ocrFolder.lastPathComponent.lowercased()

let package = Package(
    name: "embed",
    dependencies: [.package(path: ocrFolder.path)],
    targets: [
        .executableTarget(name: "embed", dependencies: [.product(name: "OCR", package: ocrIdentity)]),
    ]
)
