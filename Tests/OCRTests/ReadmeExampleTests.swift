import Foundation
import Imaging
import OCRTraining
import TestSupport
import Testing
@testable import OCR

// BEGIN README EXAMPLE
func readAll(_ paths: [String]) throws -> [String] {
    let recognizer = try Recognizer()  // the shipped model; Recognizer(modelPath:) for your own
    return try paths.map { path in
        let result = try recognizer.recognize(contentsOf: URL(fileURLWithPath: path))
        for line in result.lines { print(line.text, line.confidence, line.box) }  // text, confidence, where
        return result.text  // the lines joined by newlines
    }
}
// END README EXAMPLE

/// The README's library example is this file's, word for word, and it runs with the shipped model.
@Suite struct ReadmeExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func exampleMatchesTheReadme() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "## Use it as a library"))
        let afterHeading = readme[section.upperBound...]
        let open = try #require(afterHeading.range(of: "```swift\n")), close = try #require(afterHeading.range(of: "\n```", range: open.upperBound..<afterHeading.endIndex))
        let block = afterHeading[open.upperBound..<close.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("import ") }.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let begin = try #require(source.range(of: "// BEGIN README EXAMPLE\n")), end = try #require(source.range(of: "// END README EXAMPLE"))
        #expect(block == source[begin.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func exampleReadsALine() throws {
        let text = "Printed text, read by the shipped model."
        let image = try FontRenderer(path: TestModels.fontDirectory + "/DejaVuSerif.ttf", pixelSize: 28).render(text)
        let path = try temporaryPath("readme-line.png")
        try PNGEncoder.write(image, to: path)
        let texts = try readAll([path])
        #expect(texts.count == 1)
        let errors = editDistance(Array(texts[0]), Array(text))
        #expect(errors <= 2, "read '\(texts[0])'")
    }
}
