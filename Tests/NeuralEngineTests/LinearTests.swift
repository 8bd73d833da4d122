import Testing
@testable import NeuralEngine

@Suite struct LinearTests {
    @Test func gradients() {
        var rng = SplitMix64(seed: 21)
        let layer = Linear(inputFeatures: 7, outputFeatures: 5, rng: &rng)
        var x = randomValues(4 * 7, seed: 22)
        let probe = ProbeLoss(count: 4 * 5, seed: 23)
        _ = layer.forward(x, rows: 4, training: true)
        let dx = layer.backward(probe.weights, rows: 4)
        let loss = { (x: [Float]) in probe(layer.forward(x, rows: 4, training: false)) }
        #expect(gradientCheck(&x, analytic: dx, loss: loss) < 1e-2)
        for p in layer.parameters {
            #expect(gradientCheck(p) { loss(x) } < 1e-2, "\(p.name)")
        }
    }

    @Test func matchesDefinition() {
        var rng = SplitMix64(seed: 2)
        let layer = Linear(inputFeatures: 3, outputFeatures: 2, rng: &rng)
        let x: [Float] = [1, 2, 3]
        let y = layer.forward(x, rows: 1, training: false)
        for o in 0..<2 {
            let want = layer.bias.value[o] + (0..<3).reduce(0) { $0 + layer.weight.value[o * 3 + $1] * x[$1] }
            #expect(abs(y[o] - want) < 1e-6)
        }
    }
}
