import CKernels
import TestSupport
import Platform
import Testing
@testable import NeuralEngine

@Suite struct CNNLayerTests {
    /// Direct convolution, the reference for im2col + GEMM.
    func referenceConv(_ conv: Conv2d, _ x: [Float], n: Int, h: Int, w: Int) -> [Float] {
        let (oh, ow) = conv.outputSize(height: h, width: w)
        let (kh, kw) = conv.kernelSize, cin = conv.inputChannels, cout = conv.outputChannels
        var y = [Float](repeating: 0, count: n * cout * oh * ow)
        for s in 0..<n { for o in 0..<cout { for oy in 0..<oh { for ox in 0..<ow {
            var sum = Double(conv.bias?.value[o] ?? 0)
            for c in 0..<cin { for ky in 0..<kh { for kx in 0..<kw {
                let iy = oy * conv.stride.height + ky - conv.padding.height
                let ix = ox * conv.stride.width + kx - conv.padding.width
                if iy < 0 || iy >= h || ix < 0 || ix >= w { continue }
                sum += Double(conv.weight.value[((o * cin + c) * kh + ky) * kw + kx]) * Double(x[((s * cin + c) * h + iy) * w + ix])
            } } }
            y[((s * cout + o) * oh + oy) * ow + ox] = Float(sum)
        } } } }
        return y
    }

    static let configurations: [((Int, Int), (Int, Int), (Int, Int), Bool)] = [
        ((3, 3), (1, 1), (1, 1), true), ((2, 2), (1, 1), (0, 0), false), ((3, 3), (2, 1), (1, 0), true),
    ]

    @Test(arguments: configurations)
    func convMatchesReferenceAndGradients(config: ((Int, Int), (Int, Int), (Int, Int), Bool)) {
        var rng = SplitMix64(seed: 31)
        let conv = Conv2d(inputChannels: 3, outputChannels: 4, kernelSize: config.0, stride: config.1,
                          padding: config.2, bias: config.3, rng: &rng)
        let n = 3, h = 6, w = 7
        var x = randomValues(n * 3 * h * w, seed: 32)
        for threads in [1, 2] {
            let y = Parallelism.withThreads(threads) { conv.forward(x, batch: n, height: h, width: w, training: false) }
            let want = referenceConv(conv, x, n: n, h: h, w: w)
            expectClose(y, want, tolerance: 1e-5)
        }
        let (oh, ow) = conv.outputSize(height: h, width: w)
        let probe = ProbeLoss(count: n * 4 * oh * ow, seed: 33)
        _ = conv.forward(x, batch: n, height: h, width: w, training: true)
        let dx = conv.backward(probe.weights)
        // Without the input gradient (a first layer): the same parameter gradients and no dx.
        let gradients = conv.parameters.map(\.gradient)
        conv.parameters.forEach { $0.zeroGradient() }
        _ = conv.forward(x, batch: n, height: h, width: w, training: true)
        #expect(conv.backward(probe.weights, inputGradient: false).isEmpty)
        #expect(conv.parameters.map(\.gradient) == gradients)
        let loss = { (x: [Float]) in probe(conv.forward(x, batch: n, height: h, width: w, training: false)) }
        #expect(gradientCheck(&x, analytic: dx, loss: loss) < 1e-2)
        for p in conv.parameters {
            #expect(gradientCheck(p) { loss(x) } < 1e-2, "\(p.name)")
        }
    }

    /// (batch, input channels, output channels, height, width): vector groups and scalar tails,
    /// heights and widths off the 4-pixel tile grid, output channels off the 6-row microkernel,
    /// over 256 input channels (two K slices), and tile chunks that cross rows and samples.
    static let winogradShapes = [(2, 3, 7, 5, 37), (3, 16, 32, 16, 70), (1, 300, 8, 4, 9), (2, 64, 128, 4, 200),
                                 (1, 2, 1, 1, 1)]

    /// Winograd F(4x4, 3x3) equals the im2col path (and the direct reference), with and without
    /// a folded affine and ReLU, in training (forward, input and weight gradients), on the AVX2 and the
    /// portable kernels, on 1 and 2 threads.
    @Test(arguments: winogradShapes)
    func winogradEqualsIm2col(shape: (Int, Int, Int, Int, Int)) {
        let (n, cin, cout, h, w) = shape
        var rng = SplitMix64(seed: 41)
        let conv = Conv2d(inputChannels: cin, outputChannels: cout, kernelSize: (3, 3), padding: (1, 1), rng: &rng)
        #expect(conv.winogradApplies)
        let x = randomValues(n * cin * h * w, seed: 42)
        let affine = (scale: randomValues(cout, seed: 43), shift: randomValues(cout, seed: 44))
        let want = referenceConv(conv, x, n: n, h: h, w: w)
        let magnitude = want.map(abs).max()!
        defer { ocr_kernels_limit(OCR_KERNELS_BEST) }
        // Limited on this thread (and the workers it starts) only.
        for limit in [OCR_KERNELS_BEST, OCR_KERNELS_AVX2, OCR_KERNELS_PORTABLE] {
          for threads in [1, 2] {
            ocr_kernels_limit(limit)
            Parallelism.withThreads(threads) {
                conv.allowsWinograd = true
                let plain = conv.forward(x, batch: n, height: h, width: w, training: false)
                let fused = conv.forward(x, batch: n, height: h, width: w, training: false, affine: affine, relu: true)
                conv.allowsWinograd = false
                let fusedIm2col = conv.forward(x, batch: n, height: h, width: w, training: false, affine: affine, relu: true)
                expectClose(plain, want, tolerance: 1e-5 * magnitude, "kernels \(limit), \(threads) threads")
                expectClose(fused, fusedIm2col, tolerance: 1e-5 * magnitude)
                // Training: the forward pass and the input gradient (a convolution with flipped weights).
                let dy = randomValues(n * cout * h * w, seed: 47)
                var results = [(y: [Float], dx: [Float], dW: [Float])]()
                for winograd in [true, false] {
                    conv.allowsWinograd = winograd
                    conv.weight.zeroGradient()
                    let y = conv.forward(x, batch: n, height: h, width: w, training: true)
                    results.append((y, conv.backward(dy), conv.weight.gradient))
                }
                conv.allowsWinograd = true
                let dxMagnitude = results[1].dx.map(abs).max()!
                expectClose(results[0].y, results[1].y, tolerance: 1e-5 * magnitude)
                expectClose(results[0].dx, results[1].dx, tolerance: 1e-5 * dxMagnitude)
                let dWMagnitude = results[1].dW.map(abs).max()!
                let dWError = zip(results[0].dW, results[1].dW).map { abs($0 - $1) }.max()!
                #expect(dWError <= 1e-5 * dWMagnitude, "dW: \(dWError) of \(dWMagnitude)")
            }
          }
        }
    }

    /// The direct convolution (layers with at most 16 inputs per output, such as the first)
    /// equals the reference over several 32-column blocks and a partial one, on both kernels.
    @Test(arguments: [(1, 16, 3, 1), (2, 5, 2, 0), (1, 3, 4, 2)])
    func directConvolutionMatchesReference(config: (Int, Int, Int, Int)) {
        let (cin, cout, k, p) = config
        var rng = SplitMix64(seed: 48)
        let conv = Conv2d(inputChannels: cin, outputChannels: cout, kernelSize: (k, k), padding: (p, p), rng: &rng)
        let n = 2, h = 9, w = 75
        let x = randomValues(n * cin * h * w, seed: 49)
        let want = referenceConv(conv, x, n: n, h: h, w: w)
        defer { ocr_kernels_limit(OCR_KERNELS_BEST) }
        for limit in [OCR_KERNELS_BEST, OCR_KERNELS_PORTABLE] {
            ocr_kernels_limit(limit)
            let y = Parallelism.withThreads(1) { conv.forward(x, batch: n, height: h, width: w, training: false) }
            expectClose(y, want, tolerance: 1e-5, "kernels \(limit)")
        }
    }

    /// New weights (a training step, a loaded model) replace the cached transformed ones.
    @Test func winogradFollowsWeightChanges() {
        var rng = SplitMix64(seed: 45)
        let conv = Conv2d(inputChannels: 4, outputChannels: 5, kernelSize: (3, 3), padding: (1, 1), rng: &rng)
        let x = randomValues(4 * 8 * 8, seed: 46)
        _ = conv.forward(x, batch: 1, height: 8, width: 8, training: false)
        conv.weight.value[7] += 0.5
        let y = conv.forward(x, batch: 1, height: 8, width: 8, training: false)
        let want = referenceConv(conv, x, n: 1, h: 8, w: 8)
        expectClose(y, want, tolerance: 1e-5)
    }

    @Test func batchNormGradientsAndStatistics() {
        let bn = BatchNorm2d(channels: 3)
        bn.weight.value = [1.5, 0.5, -1]
        bn.bias.value = [0.1, -0.2, 0.3]
        let n = 4, plane = 5
        var x = randomValues(n * 3 * plane, seed: 41, scale: 3)
        let y = bn.forward(x, batch: n, plane: plane, training: true)
        // Each channel of y/γ has zero mean and unit (biased) variance before the shift.
        for c in 0..<3 {
            let values = (0..<n).flatMap { s in (0..<plane).map { y[(s * 3 + c) * plane + $0] } }
            let mean = values.reduce(0, +) / Float(values.count)
            #expect(abs(mean - bn.bias.value[c]) < 1e-4)
        }
        #expect(bn.runningMean.allSatisfy { $0 != 0 })
        let probe = ProbeLoss(count: x.count, seed: 42)
        let dx = bn.backward(probe.weights)
        // Finite differences through training-mode statistics (running stats are not used there).
        let loss = { (x: [Float]) -> Double in
            let saved = (bn.runningMean, bn.runningVariance)
            defer { (bn.runningMean, bn.runningVariance) = saved }
            return probe(bn.forward(x, batch: n, plane: plane, training: true))
        }
        #expect(gradientCheck(&x, analytic: dx, epsilon: 1e-2, loss: loss) < 2e-2)
        for p in bn.parameters {
            #expect(gradientCheck(p) { loss(x) } < 1e-2, "\(p.name)")
        }
    }

    /// Batch statistics of values far from zero (the one-pass sums are shifted): y/γ still has
    /// zero mean and unit variance.
    @Test func batchNormStatisticsOfLargeValues() {
        let bn = BatchNorm2d(channels: 1)
        let x = randomValues(4 * 1000, seed: 43).map { 1000 + $0 }
        let y = bn.forward(x, batch: 4, plane: 1000, training: true)
        let mean = y.reduce(0, +) / Float(y.count)
        let variance = y.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(y.count)
        #expect(abs(mean) < 1e-3 && abs(variance - 1) < 1e-3, "mean \(mean), variance \(variance)")
    }

    @Test func batchNormInferenceUsesRunningStatistics() {
        let bn = BatchNorm2d(channels: 1)
        bn.runningMean = [2]
        bn.runningVariance = [4]
        let y = bn.forward([2, 4, 6], batch: 1, plane: 3, training: false)
        let k = 1 / (4 + bn.epsilon).squareRoot()
        expectClose(y, [0, 2 * k, 4 * k], tolerance: 1e-6)
        let (scale, shift) = bn.inferenceAffine
        #expect(abs(scale[0] * 6 + shift[0] - y[2]) < 1e-6)
    }

    @Test func maxPoolWindowsAndGradient() {
        let pool = MaxPool2d(kernelSize: (2, 2), stride: (2, 1), padding: (0, 1))
        let h = 4, w = 3
        var x = randomValues(2 * h * w, seed: 51)
        let y = pool.forward(x, planes: 2, height: h, width: w, training: true)
        let (oh, ow) = pool.outputSize(height: h, width: w)
        #expect(oh == 2 && ow == 4)
        // Output (0, 0) covers input columns -1 (padding) and 0 of rows 0 and 1.
        #expect(y[0] == max(x[0], x[3]))
        let probe = ProbeLoss(count: y.count, seed: 52)
        let dx = pool.backward(probe.weights)
        let loss = { (x: [Float]) in probe(pool.forward(x, planes: 2, height: h, width: w, training: false)) }
        #expect(gradientCheck(&x, analytic: dx, epsilon: 1e-3, loss: loss) < 1e-2)
    }

    /// 2x2/2 and (2,1) windows take fast paths (with and without the argmax that training keeps):
    /// the same maxima as a plain loop, and the gradient goes to the first maximum of each window in
    /// row-major order, also among ties (ReLU outputs are full of zeros).
    @Test(arguments: [((2, 2), (2, 2)), ((2, 1), (2, 1)), ((3, 2), (1, 2))])
    func maxPoolFastPathsEqualGeneral(window: ((Int, Int), (Int, Int))) {
        let pool = MaxPool2d(kernelSize: window.0, stride: window.1)
        // 37 columns: 2x2 windows give 18 outputs a row, two vector groups of 8 and a tail.
        let w = 37
        let x = randomValues(3 * 6 * w, seed: 53).map { max($0, 0) }
        let general = pool.forward(x, planes: 3, height: 6, width: w, training: true)
        #expect(pool.forward(x, planes: 3, height: 6, width: w, training: false) == general)
        let (oh, ow) = pool.outputSize(height: 6, width: w)
        let dy = randomValues(3 * oh * ow, seed: 54)
        var dxWant = [Float](repeating: 0, count: x.count)
        for p in 0..<3 { for oy in 0..<oh { for ox in 0..<ow {
            var best = -Float.infinity, at = 0
            for ky in 0..<window.0.0 { for kx in 0..<window.0.1 {
                let i = (p * 6 + oy * window.1.0 + ky) * w + ox * window.1.1 + kx
                if x[i] > best { best = x[i]; at = i }
            } }
            #expect(general[(p * oh + oy) * ow + ox] == best)
            dxWant[at] += dy[(p * oh + oy) * ow + ox]
        } } }
        #expect(pool.backward(dy) == dxWant)
    }

    @Test func reluAndLogSoftmax() {
        var x: [Float] = [-1, 0, 2, -3]
        reluForward(&x)
        #expect(x == [0, 0, 2, 0])
        var dy: [Float] = [1, 1, 1, 1]
        reluBackward(&dy, output: x)
        #expect(dy == [0, 0, 1, 0])
        // Long enough for the vector kernels and a split over threads, with exact zeros.
        var long = randomValues(100_003, seed: 50).enumerated().map { $0.offset % 7 == 0 ? 0 : $0.element }
        let original = long
        Parallelism.withThreads(2) { reluForward(&long) }
        #expect(long == original.map { max($0, 0) })
        var gradient = randomValues(100_003, seed: 51)
        let want = zip(gradient, long).map { $1 > 0 ? $0 : 0 }
        Parallelism.withThreads(2) { reluBackward(&gradient, output: long) }
        #expect(gradient == want)
        let logits: [Float] = [1, 2, 3, 1000, 1000, 1000]
        var logProbabilities = [Double](repeating: 0, count: 6), probabilities = [Float](repeating: 0, count: 6)
        logits.withUnsafeBufferPointer { p in
            logProbabilities.withUnsafeMutableBufferPointer { out in
                for row in 0..<2 { Softmax.logProbabilities(p.baseAddress! + 3 * row, classes: 3, into: out.baseAddress! + 3 * row) }
            }
            probabilities.withUnsafeMutableBufferPointer { Softmax.probabilities(p.baseAddress! + 3, classes: 3, into: $0.baseAddress!) }
        }
        let lse = log(exp(1.0) + exp(2.0) + exp(3.0))
        #expect(abs(logProbabilities[0] - (1 - lse)) < 1e-12 && abs(logProbabilities[5] + log(3.0)) < 1e-12)
        expectClose(probabilities[0..<3], [1, 1, 1].map { Float($0) / 3 }, tolerance: 1e-7)
        #expect(logAdd(-Double.infinity, 2.0) == 2 && abs(logAdd(Float(1), Float(1)) - (1 + Float(log(2.0)))) < 1e-6)
    }
}
