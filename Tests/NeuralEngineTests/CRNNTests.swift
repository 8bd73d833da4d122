import TestSupport
import Testing
@testable import NeuralEngine

@Suite struct CRNNTests {
    static let tiny = CRNNArchitecture(
        name: "tiny", inputHeight: 8, inputChannels: 1,
        stages: [.conv(outputChannels: 3, kernel: 3, padding: 1), .batchNorm, .relu,
                 .maxPool(kernel: (2, 2), stride: (2, 2), padding: (0, 0)),
                 .conv(outputChannels: 4, kernel: 3, padding: 1), .relu,
                 .maxPool(kernel: (2, 2), stride: (2, 1), padding: (0, 1)),
                 .conv(outputChannels: 4, kernel: 2, padding: 0), .batchNorm, .relu],
        lstmHidden: [3, 3], linearOutputs: [4, 5])

    @Test func presetsHaveThePeersParameterCounts() {
        // What shared/bench/peer_crnn_bench.py's PyTorch models report (`# arch=small params=999552`,
        // `# arch=paper params=8361568`, run 2026-11-23).
        #expect(CRNN(.small()).parameterCount == 999_552)
        #expect(CRNN(.paper()).parameterCount == 8_361_568)
        #expect(CRNN(.small()).timeSteps(forWidth: 256) == 64)
        #expect(CRNN(.paper()).timeSteps(forWidth: 256) == 65)
    }

    @Test func pytorchNames() {
        let names = CRNN(.small()).namedParameters.map(\.0)
        #expect(names.prefix(4) == ["cnn.0.weight", "cnn.0.bias", "cnn.1.weight", "cnn.1.bias"])
        #expect(names.contains("rnn.0.rnn.weight_hh_l0_reverse") && names.last == "rnn.1.emb.bias")
    }

    /// At inference a sample's logits do not depend on the batch around it: each, padded to the
    /// widest of a batch, gives exactly the logits it gives alone at its own width.
    @Test func aSampleReadsAloneAsInABatch() {
        let network = CRNN(Self.tiny, seed: 6)
        _ = network.forward(randomValues(2 * 8 * 16, seed: 7), batch: 2, width: 16, training: true)  // running statistics
        let widths = [12, 7, 23, 9], widest = 23, h = 8
        let samples = widths.enumerated().map { randomValues(h * $0.element, seed: 10 + UInt64($0.offset)) }
        var batch = [Float](repeating: 0, count: widths.count * h * widest)
        for (n, (sample, w)) in zip(samples, widths).enumerated() {
            for y in 0..<h { for x in 0..<w { batch[(n * h + y) * widest + x] = sample[y * w + x] } }
        }
        let together = network.forward(batch, batch: widths.count, width: widest, widths: widths, training: false)
        let classes = 5
        for (n, (sample, w)) in zip(samples, widths).enumerated() {
            let alone = network.forward(sample, batch: 1, width: w, widths: [w], training: false)
            #expect(together.lengths[n] == alone.lengths[0])
            var largest: Float = 0
            for t in 0..<alone.lengths[0] {
                for k in 0..<classes {
                    largest = max(largest, abs(together.logits[(t * widths.count + n) * classes + k] - alone.logits[t * classes + k]))
                }
            }
            #expect(largest == 0, "sample \(n) (width \(w)): largest logit difference \(largest)")
        }
    }

    /// A network whose features are not finite gives NaN logits, not the finite nonsense the
    /// LSTM's bounded activations would make of them.
    @Test func nonFiniteFeaturesGiveNaNLogits() {
        let architecture = CRNNArchitecture(name: "bare", inputHeight: 8, inputChannels: 1,
                                            stages: [.conv(outputChannels: 2, kernel: 3, padding: 1),
                                                     .maxPool(kernel: (8, 2), stride: (8, 2), padding: (0, 0))],
                                            lstmHidden: [3], linearOutputs: [5])
        let network = CRNN(architecture, seed: 2)
        let images = randomValues(2 * 8 * 12, seed: 3)
        let fine = network.forward(images, batch: 2, width: 12, widths: [12, 8], training: false)
        #expect(fine.logits.allSatisfy { $0.isFinite })
        guard case .conv(let conv) = network.layers[0] else { Issue.record("no conv"); return }
        conv.weight.value[0] = .nan
        let broken = network.forward(images, batch: 2, width: 12, widths: [12, 8], training: false)
        #expect(broken.logits.allSatisfy { $0.isNaN })
    }

    /// Inference folds BatchNorm into the convolution and fuses ReLU; it must equal the layers
    /// applied one by one in evaluation mode.
    @Test func fusedInferenceEqualsLayerByLayer() {
        let network = CRNN(Self.tiny, seed: 4)
        let n = 2, w = 12
        let images = randomValues(n * 8 * w, seed: 5)
        _ = network.forward(images, batch: n, width: w, training: true)  // moves the running statistics
        var x = images
        var c = 1, h = 8, width = w
        for layer in network.layers {
            switch layer {
            case .conv(let conv):
                x = conv.forward(x, batch: n, height: h, width: width, training: false)
                (h, width) = conv.outputSize(height: h, width: width)
                c = conv.outputChannels
            case .batchNorm(let bn): x = bn.forward(x, batch: n, plane: h * width, training: false)
            case .relu: reluForward(&x)
            case .maxPool(let pool):
                x = pool.forward(x, planes: n * c, height: h, width: width, training: false)
                (h, width) = pool.outputSize(height: h, width: width)
            }
        }
        var sequence = [Float](repeating: 0, count: width * n * c * h)
        for s in 0..<n { for f in 0..<(c * h) { for t in 0..<width {
            sequence[(t * n + s) * c * h + f] = x[(s * c * h + f) * width + t]
        } } }
        for (lstm, linear) in zip(network.lstms, network.linears) {
            let hidden = lstm.forward(sequence, steps: width, batch: n, lengths: [width, width], training: false)
            sequence = linear.forward(hidden, rows: width * n, training: false)
        }
        let fused = network.forward(images, batch: n, width: w, training: false).logits
        #expect(fused.count == sequence.count)
        expectClose(fused, sequence, tolerance: 1e-5)
    }

    /// Inference with several threads runs each thread's share of the batch through the whole
    /// network; the merged logits and lengths must equal one thread's pass over the whole batch,
    /// with shares of unequal size and padded samples.
    @Test(arguments: [2, 3, 8])
    func splitInferenceEqualsOneThread(threads: Int) {
        let network = CRNN(Self.tiny, seed: 8)
        let n = 5, w = 20, widths = [20, 9, 14, 20, 5]
        let images = randomValues(n * 8 * w, seed: 9)
        let whole = Parallelism.withThreads(1) { network.forward(images, batch: n, width: w, widths: widths, training: false) }
        let split = Parallelism.withThreads(threads) { network.forward(images, batch: n, width: w, widths: widths, training: false) }
        #expect(split.steps == whole.steps && split.lengths == whole.lengths)
        #expect(split.logits.count == whole.logits.count)
        let worst = zip(split.logits, whole.logits).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-5, "largest difference \(worst)")
    }

    /// Without ReLU and max pooling, whose kinks make finite differences through a whole network
    /// unreliable (each has its own gradient test).
    static let smooth = CRNNArchitecture(
        name: "smooth", inputHeight: 4, inputChannels: 1,
        stages: [.conv(outputChannels: 3, kernel: 3, padding: 1), .batchNorm,
                 .conv(outputChannels: 4, kernel: 2, padding: 0), .batchNorm,
                 .conv(outputChannels: 2, kernel: 2, padding: 0)],
        lstmHidden: [3, 3], linearOutputs: [4, 5])

    /// The whole network's backward against finite differences of its CTC loss (training mode):
    /// the reshapes between CNN and LSTM, per-sample lengths, and every parameter's name and order.
    /// With a ReLU before a max pooling, which training computes in the other order (pool, then
    /// rectify the pooled values). Inputs keep clear of the kinks for the finite differences.
    static let rectified = CRNNArchitecture(
        name: "rectified", inputHeight: 4, inputChannels: 1,
        stages: [.conv(outputChannels: 3, kernel: 3, padding: 1), .batchNorm, .relu,
                 .maxPool(kernel: (2, 2), stride: (2, 1), padding: (0, 0)),
                 .conv(outputChannels: 4, kernel: 2, padding: 0), .relu],
        lstmHidden: [3], linearOutputs: [5])

    @Test(arguments: [smooth, rectified])
    func gradientsThroughCTC(architecture: CRNNArchitecture) {
        let network = CRNN(architecture, seed: 6)
        let n = 2, w = 10
        let images = randomValues(n * 4 * w, seed: 7)
        let targets = [[1, 2], [3]]
        func loss() -> (Double, [Float]) {
            let saved = network.layers.compactMap { layer -> BatchNorm2d? in
                if case .batchNorm(let bn) = layer { return bn } else { return nil }
            }.map { ($0, $0.runningMean, $0.runningVariance) }
            defer { for (bn, m, v) in saved { bn.runningMean = m; bn.runningVariance = v } }
            let (logits, steps, lengths) = network.forward(images, batch: n, width: w, widths: [10, 7], training: true)
            let ctc = CTCLoss.compute(logits: logits, timeSteps: steps, batch: n, classes: 5,
                                      inputLengths: lengths, targets: targets, scales: [0.5, 0.5])
            return (Double(ctc.losses[0] + ctc.losses[1]) / 2, ctc.gradient)
        }
        let (_, gradient) = loss()
        for p in network.parameters { p.zeroGradient() }
        network.backward(gradient)
        for (name, p) in network.namedParameters {
            let worst = gradientCheck(p, epsilon: 1e-2, maxChecks: 40) { loss().0 }
            #expect(worst < 2e-2, "\(name): \(worst)")
        }
    }
}

@Suite struct ArchitectureSpecTests {
    @Test func presetsRoundTrip() throws {
        for architecture in [CRNNArchitecture.small(), .paper(), CRNNTests.tiny] {
            let parsed = try CRNNArchitecture(spec: architecture.spec, name: architecture.name)
            #expect(parsed == architecture, "\(architecture.spec)")
        }
        #expect(CRNNArchitecture.small(classes: 80).spec.hasSuffix("L128 F128 L128 F80"))
        #expect(CRNNArchitecture.paper().spec.contains("M2x2s2x1p0x1"))
    }

    @Test func classesReplaceTheLastLayer() throws {
        let a = try CRNNArchitecture(spec: "H16 C8k3p1 R M2x2 L16 F10", classes: 42)
        #expect(a.linearOutputs == [42] && a.inputHeight == 16)
    }

    @Test(arguments: ["H32 C8k3 L16 F10", "H32 C8k3p1 Q L16 F10", "H32 C8k3p1 L16", "H32 L16 F10",
                      "H4 C8k3p1 M2x2 M2x2 M2x2 L8 F4", "H32 C8k3p1 M2x2p2x2 L8 F4"])
    func badSpecsAreRefused(spec: String) {
        #expect(throws: ArchitectureError.self) { try CRNNArchitecture(spec: spec) }
    }
}
