// swift-tools-version:6.0
import PackageDescription
import Foundation

let package = Package(
    name: "ocr",
    products: [
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "NeuralEngine", targets: ["NeuralEngine"]),
        .library(name: "OCR", targets: ["OCR"]),
        .executable(name: "ocr", targets: ["OCRTool"]),
    ],
    targets: [
        // System C libraries, found through pkg-config; the providers name the package to install.
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"]), .brew(["jpeg-turbo"])]),
        .systemLibrary(name: "CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"]), .brew(["freetype"])]),
        // C calls that need setjmp (libjpeg's error exit) live here, so a longjmp never crosses a Swift frame.
        .target(name: "CImageCodecs", dependencies: ["CJPEG"]),
        .target(name: "Imaging", dependencies: ["CPNG", "CImageCodecs"]),
        // SIMD kernels (SGEMM microkernels, exp/sigmoid/tanh): AVX2+FMA chosen at run time via
        // per-function target attributes, so no unsafe flags; a portable path for other CPUs.
        .target(name: "CKernels"),
        // Kernels hand unsafe buffers to worker threads; Swift 6's Sendable checking cannot see
        // that the parts are disjoint, so this target keeps the Swift 5 language mode.
        .target(name: "NeuralEngine", dependencies: ["CKernels"], swiftSettings: [.swiftLanguageMode(.v5)]),
        // The shipped model and its word list, as resources copied beside every executable that
        // links them (here and in packages that depend on this one).
        .target(name: "ShippedModel", path: "pretrained",
                exclude: ["MODEL.md", "printed-en-5.safetensors.log.csv", "printed-en-5.safetensors.chart.png",
                          "train.sh", "train-more.sh", "train-phase3.sh", "train-phase4.sh", "train-phase5.sh"],
                sources: ["ShippedModel.swift"],
                resources: [.copy("printed-en.safetensors"), .copy("printed-en.words.txt"), .copy("printed-en.words.table")]),
        .target(name: "OCR", dependencies: ["Imaging", "NeuralEngine", "CFreeType", "ShippedModel"],
                swiftSettings: [.swiftLanguageMode(.v5)]),
        .executableTarget(name: "OCRTool", dependencies: ["Imaging", "NeuralEngine", "OCR"],
                         swiftSettings: [.swiftLanguageMode(.v5)]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"], exclude: ["Fixtures"]),
        .testTarget(name: "NeuralEngineTests", dependencies: ["NeuralEngine", "CKernels"]),
        .testTarget(name: "OCRTests", dependencies: ["OCR", "Imaging", "NeuralEngine"], exclude: ["Fixtures"]),
    ]
)

// libFuzzer targets, only with OCR_FUZZ set (they have no main of their own): see Fuzz/run.sh.
if ProcessInfo.processInfo.environment["OCR_FUZZ"] != nil {
    package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"))
    for (name, dependencies) in [("FuzzImageDecoding", ["Imaging"]), ("FuzzModelLoading", ["OCR"]), ("FuzzLineData", ["OCR"]), ("FuzzSpellingTable", ["OCR"]), ("FuzzRecognition", ["Imaging", "OCR"])] {
        package.targets.append(.executableTarget(name: name, dependencies: (dependencies + ["FuzzSupport"]).map { .target(name: $0) },
                                                 path: "Fuzz/\(name)", swiftSettings: [.swiftLanguageMode(.v5)]))
        package.products.append(.executable(name: name, targets: [name]))
    }
}
