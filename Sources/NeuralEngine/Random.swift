/// A small, fast, seedable generator (SplitMix64): weights and data order are reproducible
/// from a seed, and its whole state is one integer that a checkpoint can save.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * (1.0 / Float(1 << 24))
    }

    /// Standard normal (Box-Muller).
    public mutating func nextGaussian() -> Float {
        let u1 = max(Double(next() >> 11) * (1.0 / Double(1 << 53)), 1e-300)
        let u2 = Double(next() >> 11) * (1.0 / Double(1 << 53))
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}

/// Where a new layer's weights come from: random draws for training from scratch, or zeros for a
/// network whose weights a model file is about to replace (skips a million random draws at load).
public protocol InitialWeights {
    /// `count` values for a tensor initialized uniformly in [-bound, bound].
    mutating func uniform(count: Int, bound: Float) -> [Float]
}

extension SplitMix64: InitialWeights {
    public mutating func uniform(count: Int, bound: Float) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count { buffer[i] = (nextFloat() * 2 - 1) * bound }
            initialized = count
        }
    }
}

/// Zeros in place of random weights, for a network whose weights are loaded right after.
public struct ZeroWeights: InitialWeights {
    public init() {}

    public func uniform(count: Int, bound: Float) -> [Float] { [Float](repeating: 0, count: count) }
}

import Platform
