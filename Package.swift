// swift-tools-version:6.0
import PackageDescription
import Foundation

let package = Package(
    name: "ocr",
    products: [
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "NeuralEngine", targets: ["NeuralEngine"]),
        .library(name: "OCR", targets: ["OCR"]),
        .library(name: "OCRTraining", targets: ["OCRTraining"]),
        .executable(name: "ocr", targets: ["OCRTool"]),
    ],
    targets: [
        // System C libraries, found through pkg-config; the providers name the package to install.
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"]), .brew(["jpeg-turbo"])]),
        // zlib, which libpng needs anyway: Flate streams of the PDFs we write.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4", providers: [.apt(["libtiff-dev"]), .brew(["libtiff"])]),
        .systemLibrary(name: "CFreeType", pkgConfig: "freetype2", providers: [.apt(["libfreetype-dev"]), .brew(["freetype"])]),
        // The C library, reading whole files within a bound, atomic writes, the file-and-reason error.
        .target(name: "Platform"),
        // C calls that need setjmp (libjpeg's error exit) or C varargs (libtiff's error handlers)
        // live here, so a longjmp never crosses a Swift frame.
        .target(name: "CImageCodecs", dependencies: ["CJPEG", "CTIFF"]),
        .target(name: "Imaging", dependencies: ["Platform", "CPNG", "CImageCodecs", "CZlib"]),
        // SIMD kernels (SGEMM microkernels, exp/sigmoid/tanh): AVX2+FMA chosen at run time via
        // per-function target attributes, so no unsafe flags; a portable path for other CPUs.
        .target(name: "CKernels"),
        // Kernels hand unsafe buffers to worker threads; Swift 6's Sendable checking cannot see
        // that the parts are disjoint, so this target keeps the Swift 5 language mode.
        .target(name: "NeuralEngine", dependencies: ["Platform", "CKernels"], swiftSettings: [.swiftLanguageMode(.v5)]),
        // The shipped model and its word list, as resources copied beside every executable that
        // links them (here and in packages that depend on this one).
        .target(name: "ShippedModel", path: "pretrained",
                exclude: ["MODEL.md", "printed-en-5.safetensors.log.csv", "printed-en-5.safetensors.chart.png",
                          "train.sh", "train-more.sh", "train-phase3.sh", "train-phase4.sh", "train-phase5.sh",
                          // Phases 6 and 7 (#21), not shipped: weights, checkpoint, log and chart.
                          "train-phase6.sh", "printed-en-6.safetensors", "printed-en-6.safetensors.ckpt",
                          "printed-en-6.safetensors.log.csv", "printed-en-6.safetensors.chart.png",
                          "train-phase7.sh", "printed-en-7.safetensors", "printed-en-7.safetensors.ckpt",
                          "printed-en-7.safetensors.log.csv", "printed-en-7.safetensors.chart.png"],
                sources: ["ShippedModel.swift"],
                resources: [.copy("printed-en.safetensors"), .copy("printed-en.words.txt"), .copy("printed-en.words.table")]),
        // Recognition, what an embedder imports: model files, preprocessing, line finding,
        // decoding with the spelling model, results and their output formats, `Recognizer`.
        .target(name: "OCR", dependencies: ["Platform", "Imaging", "NeuralEngine", "ShippedModel"],
                swiftSettings: [.swiftLanguageMode(.v5)]),
        // Training beside it: datasets, synthetic lines (FreeType), the trainer and its runs,
        // evaluation reports.
        .target(name: "OCRTraining", dependencies: ["Platform", "Imaging", "NeuralEngine", "OCR", "CFreeType"],
                swiftSettings: [.swiftLanguageMode(.v5)]),
        // The command line: parses arguments, calls the libraries, prints.
        .executableTarget(name: "OCRTool", dependencies: ["Platform", "Imaging", "NeuralEngine", "OCR", "OCRTraining"],
                         swiftSettings: [.swiftLanguageMode(.v5)]),
        // What the tests share: a scratch folder, a bitmap font, approximate comparisons, the
        // shipped model's path. The test targets mirror the modules.
        .target(name: "TestSupport", dependencies: ["Imaging", "OCR", "OCRTraining"], path: "Tests/TestSupport"),
        .testTarget(name: "PlatformTests", dependencies: ["Platform", "TestSupport"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "Platform", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "NeuralEngineTests", dependencies: ["NeuralEngine", "CKernels", "Platform", "TestSupport"]),
        // OCRTraining only renders and degrades test lines here (FontRenderer, ScanDegradation).
        .testTarget(name: "OCRTests", dependencies: ["OCR", "OCRTraining", "Imaging", "NeuralEngine", "Platform", "TestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "OCRTrainingTests", dependencies: ["OCRTraining", "OCR", "Imaging", "NeuralEngine", "Platform",
                                                             "TestSupport"]),
        .testTarget(name: "OCRToolTests", dependencies: ["OCRTraining", "OCR", "Imaging", "NeuralEngine", "Platform",
                                                         "TestSupport"]),
    ]
)

// libFuzzer targets, only with OCR_FUZZ set (they have no main of their own): see Fuzz/run.sh.
if ProcessInfo.processInfo.environment["OCR_FUZZ"] != nil {
    package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/FuzzSupport"))
    for (name, dependencies) in [("FuzzImageDecoding", ["Imaging"]), ("FuzzModelLoading", ["OCR", "OCRTraining", "Platform"]), ("FuzzLineData", ["OCR", "OCRTraining"]), ("FuzzSpellingTable", ["OCR"]), ("FuzzRecognition", ["Imaging", "OCR"]), ("FuzzPageLayout", ["Imaging", "OCR"]), ("FuzzTIFFDecoding", ["Imaging"])] {
        package.targets.append(.executableTarget(name: name, dependencies: (dependencies + ["FuzzSupport"]).map { .target(name: $0) },
                                                 path: "Fuzz/\(name)", swiftSettings: [.swiftLanguageMode(.v5)]))
        package.products.append(.executable(name: name, targets: [name]))
    }
}
