import CKernels
import Foundation
import Testing

/// The vectorized exp, sigmoid and tanh (each path: AVX-512, AVX2, portable) against the C
/// library's, over values from tiny to saturating, lengths with every tail, and in place.
@Suite struct ElementwiseTests {
    static let values: [Float] = [0, -0.0, 1e-8, -1e-8, 0.004, -0.009, 0.011, 0.5, -0.5, 1, -1, 3, -3, 9.5, -9.5,
                                  20, -20, 80, -80, 87, -87, 88, -100, 100] + randomValues(200, seed: 7, scale: 12)

    func check(_ name: String, _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void,
               _ reference: (Double) -> Double, limit: Int32, range: ClosedRange<Float> = -.infinity ... .infinity) {
        let values = Self.values.filter { range.contains($0) }
        for count in [values.count, 1, 7, 15, 16, 17, 33] {
            let x = Array(values.prefix(count))
            var y = [Float](repeating: .nan, count: count)
            kernel(x, &y, count)
            var inPlace = x
            inPlace.withUnsafeMutableBufferPointer { kernel($0.baseAddress!, $0.baseAddress!, count) }
            for i in 0..<count {
                let want = reference(Double(x[i]))
                // Relative error within a few float ulps, or absolute near zero (sigmoid, tanh).
                let tolerance = max(abs(want) * 2e-6, 1e-7)
                #expect(abs(Double(y[i]) - want) <= tolerance, "\(name) kernels \(limit) x=\(x[i]): \(y[i]) vs \(want)")
                #expect(y[i] == inPlace[i], "\(name) in place differs at x=\(x[i])")
            }
        }
    }

    @Test(arguments: [OCR_KERNELS_BEST, OCR_KERNELS_AVX2, OCR_KERNELS_PORTABLE])
    func matchTheCLibrary(limit: Int32) {
        ocr_kernels_limit(limit)
        defer { ocr_kernels_limit(OCR_KERNELS_BEST) }
        // exp over its documented range (the result a normal float).
        check("exp", { ocr_vexp($0, $1, $2) }, { Foundation.exp($0) }, limit: limit, range: -87 ... 88)
        check("sigmoid", { ocr_vsigmoid($0, $1, $2) }, { 1 / (1 + Foundation.exp(-$0)) }, limit: limit)
        check("tanh", { ocr_vtanh($0, $1, $2) }, { Foundation.tanh($0) }, limit: limit)
    }

    /// The finiteness check says what a plain loop says, on every path, with the odd value at
    /// every position of lengths with every tail.
    @Test(arguments: [OCR_KERNELS_BEST, OCR_KERNELS_AVX2, OCR_KERNELS_PORTABLE])
    func allFiniteMatchesALoop(limit: Int32) {
        ocr_kernels_limit(limit)
        defer { ocr_kernels_limit(OCR_KERNELS_BEST) }
        for count in [0, 1, 7, 8, 9, 33] {
            let finite = randomValues(count, seed: UInt64(count), scale: 3e38)
            #expect(ocr_all_finite(finite, count) == 1)
            for i in 0..<count {
                for odd in [Float.nan, .infinity, -.infinity] {
                    var x = finite
                    x[i] = odd
                    #expect(ocr_all_finite(x, count) == 0, "\(odd) at \(i) of \(count), kernels \(limit)")
                }
            }
        }
    }

    /// The fused LSTM cell equals the unfused steps (activations, then c = f c_prev + i g and
    /// h = o tanh(c), plain loops) on every path, for sizes with every tail.
    @Test(arguments: [OCR_KERNELS_BEST, OCR_KERNELS_AVX2, OCR_KERNELS_PORTABLE])
    func lstmCellEqualsItsSteps(limit: Int32) {
        ocr_kernels_limit(limit)
        defer { ocr_kernels_limit(OCR_KERNELS_BEST) }
        for hidden in [1, 7, 8, 16, 21, 128] {
            let pre = randomValues(4 * hidden, seed: UInt64(hidden), scale: 4)
            let cPrev = randomValues(hidden, seed: UInt64(100 + hidden), scale: 2)
            var gates = pre, c = [Float](repeating: .nan, count: hidden), h = c
            ocr_lstm_cell(&gates, cPrev, &c, &h, hidden)
            let sigmoid = { (x: Float) in 1 / (1 + Foundation.exp(-x)) }
            for j in 0..<hidden {
                let i = sigmoid(pre[j]), f = sigmoid(pre[hidden + j]), g = Foundation.tanh(pre[2 * hidden + j])
                let o = sigmoid(pre[3 * hidden + j])
                let wantC = f * cPrev[j] + i * g, wantH = o * Foundation.tanh(wantC)
                for (got, want) in [(gates[j], i), (gates[hidden + j], f), (gates[2 * hidden + j], g),
                                    (gates[3 * hidden + j], o), (c[j], wantC), (h[j], wantH)] {
                    #expect(abs(got - want) <= 1e-6 * max(1, abs(want)), "kernels \(limit) H=\(hidden) j=\(j): \(got) vs \(want)")
                }
            }
        }
    }
}
