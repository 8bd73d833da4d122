import Testing
@testable import NeuralEngine

@Suite struct LSTMTests {
    let T = 5, N = 3, I = 4, H = 3
    let lengths = [5, 2, 4]

    @Test(arguments: [false, true])
    func directionGradients(reverse: Bool) {
        var rng = SplitMix64(seed: 5)
        let lstm = LSTMDirection(inputSize: I, hiddenSize: H, reverse: reverse, suffix: "_l0", rng: &rng)
        var x = randomValues(T * N * I, seed: 9)
        let probe = ProbeLoss(count: T * N * H, seed: 13)
        _ = lstm.forward(x, steps: T, batch: N, lengths: lengths, training: true)
        let dx = lstm.backward(probe.weights)
        let loss = { (x: [Float]) in probe(lstm.forward(x, steps: self.T, batch: self.N, lengths: self.lengths, training: false)) }
        #expect(gradientCheck(&x, analytic: dx, loss: loss) < 2e-2)
        for p in lstm.parameters {
            let worst = gradientCheck(p) { loss(x) }
            #expect(worst < 2e-2, "\(p.name)")
        }
    }

    @Test func paddedStepsAreZeroAndIgnored() {
        var rng = SplitMix64(seed: 1)
        let lstm = BidirectionalLSTM(inputSize: I, hiddenSize: H, rng: &rng)
        var x = randomValues(T * N * I, seed: 2)
        let y = lstm.forward(x, steps: T, batch: N, lengths: lengths, training: false)
        // Sample 1 has 2 steps: its outputs at t = 2, 3, 4 are zero.
        for t in 2..<T { #expect((0..<(2 * H)).allSatisfy { y[(t * N + 1) * 2 * H + $0] == 0 }) }
        // Changing its padding does not change anything.
        for t in 2..<T { for j in 0..<I { x[(t * N + 1) * I + j] = 99 } }
        #expect(lstm.forward(x, steps: T, batch: N, lengths: lengths, training: false) == y)
        // The reverse direction of a short sample equals running it alone, unpadded.
        let alone = (0..<(2 * I)).map { x[(($0 / I) * N + 1) * I + $0 % I] }
        let single = lstm.forward(alone, steps: 2, batch: 1, lengths: [2], training: false)
        for t in 0..<2 {
            for j in 0..<(2 * H) {
                #expect(abs(single[t * 2 * H + j] - y[(t * N + 1) * 2 * H + j]) < 1e-6)
            }
        }
    }

    @Test func bidirectionalGradients() {
        var rng = SplitMix64(seed: 8)
        let lstm = BidirectionalLSTM(inputSize: I, hiddenSize: H, rng: &rng)
        var x = randomValues(T * N * I, seed: 3)
        let probe = ProbeLoss(count: T * N * 2 * H, seed: 4)
        _ = lstm.forward(x, steps: T, batch: N, lengths: lengths, training: true)
        let dx = lstm.backward(probe.weights)
        let loss = { (x: [Float]) in probe(lstm.forward(x, steps: self.T, batch: self.N, lengths: self.lengths, training: false)) }
        #expect(gradientCheck(&x, analytic: dx, loss: loss) < 2e-2)
        #expect(lstm.parameters.map(\.name) == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                                               "weight_ih_l0_reverse", "weight_hh_l0_reverse",
                                               "bias_ih_l0_reverse", "bias_hh_l0_reverse"])
        for p in lstm.parameters {
            #expect(gradientCheck(p) { loss(x) } < 2e-2, "\(p.name)")
        }
    }
}
