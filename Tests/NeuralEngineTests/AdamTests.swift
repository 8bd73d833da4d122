import TestSupport
import Platform
import Testing
@testable import NeuralEngine

@Suite struct AdamTests {
    @Test func firstStepsMatchTheFormula() {
        let p = Parameter("w", shape: [2], value: [1, -2])
        let adam = Adam(parameters: [p], learningRate: 0.1)
        p.gradient = [0.5, -4]
        adam.update()
        // Step 1: m̂ = g, v̂ = g², so each weight moves by lr · sign(g).
        #expect(abs(p.value[0] - 0.9) < 1e-6 && abs(p.value[1] + 1.9) < 1e-6)
        p.gradient = [1, 0]
        adam.update()
        let m = 0.9 * 0.1 * 0.5 + 0.1 * 1.0, v = 0.999 * 0.001 * 0.25 + 0.001 * 1.0
        let mhat = m / (1 - 0.81), vhat = v / (1 - 0.998001)
        #expect(abs(Double(p.value[0]) - (0.9 - 0.1 * mhat / (vhat.squareRoot() + 1e-8))) < 1e-5)
    }

    @Test func minimizesAQuadratic() {
        let p = Parameter("w", shape: [3], value: [5, -3, 2])
        let adam = Adam(parameters: [p], learningRate: 0.05)
        for _ in 0..<2000 {
            adam.zeroGradients()
            for i in 0..<3 { p.gradient[i] = 2 * (p.value[i] - Float(i)) }
            adam.update()
        }
        expectClose(p.value, [0, 1, 2] as [Float], tolerance: 1e-2)
    }

    @Test func clippingScalesToTheGlobalNorm() {
        let a = Parameter("a", shape: [1], value: [0]), b = Parameter("b", shape: [1], value: [0])
        a.gradient = [3]
        b.gradient = [4]
        let adam = Adam(parameters: [a, b])
        #expect(adam.clipGradients(maxNorm: 1) == 5)
        #expect(abs(a.gradient[0] - 0.6) < 1e-6 && abs(b.gradient[0] - 0.8) < 1e-6)
        #expect(adam.clipGradients(maxNorm: 10) == 1)
        #expect(abs(a.gradient[0] - 0.6) < 1e-6)
    }

    @Test func weightDecayShrinks() {
        let p = Parameter("w", shape: [1], value: [1])
        let adam = Adam(parameters: [p], learningRate: 0.1, weightDecay: 0.5)
        p.gradient = [0]
        adam.update()
        #expect(abs(p.value[0] - 0.95) < 1e-6)
    }
}
