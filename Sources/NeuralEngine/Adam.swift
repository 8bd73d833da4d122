/// Adam (Kingma & Ba 2015) with bias correction and optional decoupled weight decay (AdamW), plus
/// global-norm gradient clipping. Its state (moments and step) is what a checkpoint saves.
public final class Adam {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    /// Steps taken so far.
    public private(set) var step = 0
    /// First and second moments, one pair per parameter, in the order of `parameters`.
    public var firstMoments: [[Float]]
    public var secondMoments: [[Float]]
    public let parameters: [Parameter]

    public init(parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0) {
        precondition(learningRate >= 0, "Adam: learning rate must not be negative, got \(learningRate)")
        precondition((0..<1).contains(beta1) && (0..<1).contains(beta2), "Adam: betas must be in [0, 1)")
        precondition(epsilon > 0 && weightDecay >= 0, "Adam: epsilon must be positive, weight decay not negative")
        self.parameters = parameters
        for p in parameters { p.allocateGradient() }
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        firstMoments = parameters.map { [Float](repeating: 0, count: $0.value.count) }
        secondMoments = firstMoments
    }

    /// Restores a saved step count (with the moments, from a checkpoint).
    public func restore(step: Int, firstMoments: [[Float]], secondMoments: [[Float]]) {
        precondition(firstMoments.map(\.count) == parameters.map(\.value.count)
                     && secondMoments.map(\.count) == parameters.map(\.value.count), "Adam: moment shapes differ")
        self.step = step
        self.firstMoments = firstMoments
        self.secondMoments = secondMoments
    }

    /// The L2 norm of all gradients together.
    public func gradientNorm() -> Float {
        var sum = 0.0
        for p in parameters { for g in p.gradient { sum += Double(g) * Double(g) } }
        return Float(sum.squareRoot())
    }

    /// Scales all gradients so their global norm is at most `maxNorm`; returns the norm before.
    @discardableResult
    public func clipGradients(maxNorm: Float) -> Float {
        let norm = gradientNorm()
        if norm > maxNorm && norm > 0 {
            let scale = maxNorm / norm
            for p in parameters { for i in p.gradient.indices { p.gradient[i] *= scale } }
        }
        return norm
    }

    /// One update from the current gradients (which it leaves as they are).
    public func update() {
        step += 1
        let correction1 = 1 - pow(beta1, Float(step)), correction2 = 1 - pow(beta2, Float(step))
        let stepSize = learningRate / correction1
        for (index, p) in parameters.enumerated() {
            p.value.withUnsafeMutableBufferPointer { w in
                p.gradient.withUnsafeBufferPointer { g in
                    firstMoments[index].withUnsafeMutableBufferPointer { m in
                        secondMoments[index].withUnsafeMutableBufferPointer { v in
                            for i in 0..<w.count {
                                m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
                                if weightDecay > 0 { w[i] -= learningRate * weightDecay * w[i] }
                                w[i] -= stepSize * m[i] / ((v[i] / correction2).squareRoot() + epsilon)
                            }
                        }
                    }
                }
            }
        }
    }

    public func zeroGradients() {
        for p in parameters { p.zeroGradient() }
    }
}

import Platform
