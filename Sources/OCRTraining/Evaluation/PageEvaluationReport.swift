import Foundation
import OCR
import Platform

/// A recognizer measured on pages: each page's text in reading order against its ground truth
/// (``PageErrorRates``), over all pages and page by page.
public struct PageEvaluationReport {
    /// One page: its file, what was read (empty when it could not be read), and its own rates.
    public struct Page: Sendable {
        public var source: String
        public var prediction: String
        public var rates: PageErrorRates
        /// Why the page could not be read, when it could not.
        public var failure: String?
    }

    public let pages: [Page]
    /// Over all pages: edits over all reference characters, F1 over all words.
    public let rates: PageErrorRates
    /// Seconds the recognition took (decoding the images included).
    public let seconds: Double

    /// Reads each page with `recognizer` and measures it; a page that cannot be read counts as
    /// read empty (every character and word missed), as page_cer.py counts a missing file.
    public init(recognizer: Recognizer, pages samples: [LineSample]) {
        let start = monotonicSeconds()
        var pages = [Page](), total = PageErrorRates()
        for sample in samples {
            var prediction = "", failure: String?
            do {
                prediction = try recognizer.recognize(contentsOf: URL(fileURLWithPath: sample.imagePath)).text
            } catch {
                failure = error.description
            }
            var rates = PageErrorRates()
            rates.add(prediction: prediction, reference: sample.text)
            total.add(prediction: prediction, reference: sample.text)
            pages.append(Page(source: sample.imagePath, prediction: prediction, rates: rates, failure: failure))
        }
        seconds = monotonicSeconds() - start
        self.pages = pages
        rates = total
    }

    /// Pages read a second.
    public var pagesPerSecond: Double { Double(pages.count) / max(seconds, 1e-9) }
}
