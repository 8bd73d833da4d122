import Testing
@testable import OCRTraining

/// The page metric as ../shared/eval/page_cer.py computes it.
@Suite struct PageErrorRatesTests {
    @Test func textsAreNormalizedAsThePageMetricDoes() {
        #expect(PageErrorRates.normalized("  a\u{201C}b\u{201D}\n\n c\u{2014}d\u{FB01}\u{00A0}e\u{00AD}f\t ") == "a\"b\" c-dfi ef")
        #expect(PageErrorRates.normalized("\n \t") == "")
        #expect(PageErrorRates.normalized("x\u{1F}y") == "x y")   // Python's \s holds the unit separator
    }

    @Test func characterErrorsAreCountedOverAllPages() {
        var rates = PageErrorRates()
        rates.add(prediction: "abc", reference: "abd")
        rates.add(prediction: "", reference: "x\ny")          // "x y": three characters missed
        #expect(rates.characterEdits == 4 && rates.referenceCharacters == 6 && rates.pages == 2)
        #expect(abs(rates.cer - 4.0 / 6) < 1e-12)
    }

    /// Words as multisets: a word read twice matches once; order does not count.
    @Test func bagOfWordsIsOneMinusF1() {
        var rates = PageErrorRates()
        rates.add(prediction: "b a a d", reference: "a b\nb c")
        #expect(rates.matchedWords == 2 && rates.extraWords == 2 && rates.missedWords == 2)
        #expect(abs(rates.bagOfWordsError - 0.5) < 1e-12)
        var swapped = PageErrorRates()
        swapped.add(prediction: "gamma delta alpha beta", reference: "alpha beta\n\ngamma delta")
        #expect(swapped.bagOfWordsError == 0 && swapped.cer > 0.3)
    }
}
