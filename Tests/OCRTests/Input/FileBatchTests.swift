import Foundation
import Imaging
import Testing
import TestSupport
@testable import OCR

@Suite struct FileBatchTests {
    /// Outcomes come in input order whatever the workers finish first, an unreadable file is an
    /// outcome in its place, and a reader that says stop gets nothing more.
    @Test func outcomesComeInOrderAndStopWhenAsked() throws {
        let dir = try temporaryDirectory()
        var paths = [String]()
        for i in 0..<40 {
            let path = dir + "/\(i).png"
            if i == 17 {
                try "not an image".write(toFile: path, atomically: true, encoding: .utf8)
            } else {
                try PNGEncoder.write(BitmapFont.render(String(i % 10)), to: path)
            }
            paths.append(path)
        }
        let batch = FileBatch(paths: paths, recognizer: Recognizer(model: try RecognizerTests.model()), jobs: 3)
        var seen = [Int](), unreadable = [Int]()
        batch.run { done in
            for (i, outcome) in done {
                seen.append(i)
                if case .failure(.unreadable) = outcome { unreadable.append(i) }
            }
            return true
        }
        #expect(seen == Array(0..<40) && unreadable == [17])
        var delivered = 0
        FileBatch(paths: paths, recognizer: batch.recognizer, jobs: 1).run { done in
            delivered += done.count
            return false
        }
        #expect(delivered == FileBatch.chunk)
    }
}
