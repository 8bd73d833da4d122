// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ocr",
    products: [
        .library(name: "Imaging", targets: ["Imaging"]),
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
        .executableTarget(name: "OCRTool", dependencies: ["Imaging"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"], exclude: ["Fixtures"]),
    ]
)
