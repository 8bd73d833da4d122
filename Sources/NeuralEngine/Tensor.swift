import CKernels

/// A dense float32 tensor: a shape and its elements in row-major order.
public struct Tensor: Equatable, Sendable {
    public var shape: [Int]
    public var data: [Float]

    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "\(data.count) elements do not fill shape \(shape)")
        self.shape = shape
        self.data = data
    }

    public init(zeros shape: [Int]) {
        self.init(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    public var count: Int { data.count }
}

/// An array of `count` floats for a caller that writes every element before reading any: it skips
/// the zero fill (a memset of megabytes per layer and pass).
func floatsToOverwrite(_ count: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}

/// A trainable tensor with its gradient, named as PyTorch names it (`weight`, `bias_ih_l0`, ...).
public final class Parameter {
    public let name: String
    public let shape: [Int]
    public var value: [Float]
    /// Accumulated by backward passes (`+=`); zeroed by ``zeroGradient()``. Empty until a
    /// backward pass or an optimizer first needs it (``allocateGradient()``): a model loaded for
    /// inference never does, and skips zero-filling as many floats as it has weights.
    public var gradient: [Float] = []

    public init(_ name: String, shape: [Int], value: [Float]) {
        precondition(shape.reduce(1, *) == value.count, "\(name): \(value.count) values do not fill \(shape)")
        self.name = name
        self.shape = shape
        self.value = value
    }

    /// Uniform in [-bound, bound], PyTorch's default for Linear, Conv2d and LSTM with bound
    /// 1/sqrt(fan_in), drawn from `rng` (or zeros from ``ZeroWeights``, for weights a file replaces).
    public convenience init(_ name: String, shape: [Int], uniformBound bound: Float, rng: inout some InitialWeights) {
        self.init(name, shape: shape, value: rng.uniform(count: shape.reduce(1, *), bound: bound))
    }

    /// Gives the gradient its size (zeros) unless it has it; backward passes call it first.
    @inline(__always)
    public func allocateGradient() {
        if gradient.count != value.count { gradient = [Float](repeating: 0, count: value.count) }
    }

    public func zeroGradient() {
        allocateGradient()
        for i in gradient.indices { gradient[i] = 0 }
    }
}

/// Anything with parameters: layers and whole networks.
public protocol ParameterHolder: AnyObject {
    /// Every parameter, with names relative to the holder.
    var parameters: [Parameter] { get }
}

/// Whether every value is finite (vectorized: `ocr_all_finite`).
public func allFinite(_ values: [Float]) -> Bool {
    values.withUnsafeBufferPointer { $0.isEmpty || ocr_all_finite($0.baseAddress!, $0.count) != 0 }
}
