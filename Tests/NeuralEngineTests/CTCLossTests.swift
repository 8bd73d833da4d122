import Platform
import Testing
@testable import NeuralEngine

@Suite struct CTCLossTests {
    /// -log Σ over every path of length T (classes^T of them) that collapses to `target`.
    func bruteForce(_ logits: [Float], T: Int, classes: Int, batch: Int, b: Int, target: [Int]) -> Double {
        var logProbs = [[Double]]()
        for t in 0..<T {
            let row = (0..<classes).map { Double(logits[(t * batch + b) * classes + $0]) }
            let top = row.max()!
            let lse = top + log(row.reduce(0) { $0 + exp($1 - top) })
            logProbs.append(row.map { $0 - lse })
        }
        var total = 0.0
        var path = [Int](repeating: 0, count: T)
        func collapse(_ p: [Int]) -> [Int] {
            var out = [Int](), previous = -1
            for c in p {
                if c != previous && c != 0 { out.append(c) }
                previous = c
            }
            return out
        }
        func visit(_ t: Int) {
            if t == T {
                if collapse(path) == target {
                    total += exp((0..<T).reduce(0.0) { $0 + logProbs[$1][path[$1]] })
                }
                return
            }
            for c in 0..<classes {
                path[t] = c
                visit(t + 1)
            }
        }
        visit(0)
        return -log(total)
    }

    @Test(arguments: [[1], [1, 2], [2, 2], [1, 1, 2], [3, 1, 3], [] as [Int]])
    func equalsBruteForce(target: [Int]) {
        let T = 5, classes = 4, batch = 2
        let logits = randomValues(T * batch * classes, seed: 7, scale: 2)
        // Sample 1 uses only 4 of the 5 steps.
        let result = CTCLoss.compute(logits: logits, timeSteps: T, batch: batch, classes: classes,
                                     inputLengths: [5, 4], targets: [target, target], scales: [1, 1])
        let want0 = bruteForce(logits, T: 5, classes: classes, batch: batch, b: 0, target: target)
        let want1 = bruteForce(logits, T: 4, classes: classes, batch: batch, b: 1, target: target)
        #expect(abs(Double(result.losses[0]) - want0) < 1e-4)
        if want1.isFinite {
            #expect(abs(Double(result.losses[1]) - want1) < 1e-4)
        }
    }

    @Test func gradientMatchesFiniteDifferences() {
        let T = 6, classes = 5, batch = 3
        var logits = randomValues(T * batch * classes, seed: 11, scale: 1.5)
        let lengths = [6, 4, 5], targets = [[1, 2, 2], [3], [4, 1]], scales: [Float] = [0.5, 1, 2]
        let analytic = CTCLoss.compute(logits: logits, timeSteps: T, batch: batch, classes: classes,
                                       inputLengths: lengths, targets: targets, scales: scales).gradient
        let worst = gradientCheck(&logits, analytic: analytic, epsilon: 1e-2) { x in
            let r = CTCLoss.compute(logits: x, timeSteps: T, batch: batch, classes: classes,
                                    inputLengths: lengths, targets: targets, scales: scales)
            return zip(r.losses, scales).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        }
        #expect(worst < 1e-2)
        // Steps past a sample's length get no gradient.
        #expect((0..<classes).allSatisfy { analytic[(5 * batch + 1) * classes + $0] == 0 })
    }

    @Test func impossibleAlignmentIsZeroed() {
        // "aa" needs 3 steps (a, blank, a); 2 are given.
        let logits = randomValues(2 * 1 * 3, seed: 3)
        let r = CTCLoss.compute(logits: logits, timeSteps: 2, batch: 1, classes: 3,
                                inputLengths: [2], targets: [[1, 1]], scales: [1])
        #expect(r.losses == [0] && r.impossible == 1)
        #expect(r.gradient.allSatisfy { $0 == 0 })
    }

    /// NaN logits give a NaN loss (which a trainer skips), not an impossible alignment's 0.
    @Test func nanLogitsGiveANaNLoss() {
        var logits = randomValues(4 * 1 * 3, seed: 4)
        logits[5] = .nan
        let r = CTCLoss.compute(logits: logits, timeSteps: 4, batch: 1, classes: 3,
                                inputLengths: [4], targets: [[1, 2]], scales: [1])
        #expect(r.losses[0].isNaN && r.impossible == 0)
    }
}
