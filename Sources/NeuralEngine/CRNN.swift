import CKernels

/// A convolutional recurrent network: CNN → column features → (BiLSTM → Linear) × L → logits.
///
/// Images are `[N, C, H, W]` with H the architecture's height and per-sample widths (the batch is
/// padded to the widest); logits are `[T, N, classes]`, time-major, with a length per sample.
/// Parameter names follow the PyTorch definition (`cnn.0.weight`, `rnn.0.rnn.weight_ih_l0`,
/// `rnn.1.emb.bias`, ...).
public final class CRNN: ParameterHolder {
    public let architecture: CRNNArchitecture

    enum Layer {
        case conv(Conv2d)
        case batchNorm(BatchNorm2d)
        case relu
        case maxPool(MaxPool2d)
    }

    /// The CNN layers; a layer's index here is its PyTorch module index (`cnn.<index>`).
    let layers: [Layer]
    public let lstms: [BidirectionalLSTM]
    public let linears: [Linear]

    // Caches for backward.
    private var reluOutputs: [Int: [Float]] = [:]
    private var batch = 0, steps = 0, featureHeight = 0, featureChannels = 0

    /// A network with PyTorch's default random initialization, reproducible from `seed`.
    public convenience init(_ architecture: CRNNArchitecture, seed: UInt64 = 0) {
        var rng = SplitMix64(seed: seed)
        self.init(architecture, initialWeights: &rng)
    }

    /// A network whose weights come from `rng`: ``ZeroWeights`` for one about to be loaded.
    public init(_ architecture: CRNNArchitecture, initialWeights rng: inout some InitialWeights) {
        self.architecture = architecture
        var layers = [Layer]()
        var channels = architecture.inputChannels
        for stage in architecture.stages {
            switch stage {
            case let .conv(out, k, p):
                layers.append(.conv(Conv2d(inputChannels: channels, outputChannels: out, kernelSize: (k, k),
                                           padding: (p, p), rng: &rng)))
                channels = out
            case .batchNorm: layers.append(.batchNorm(BatchNorm2d(channels: channels)))
            case .relu: layers.append(.relu)
            case let .maxPool(k, s, p): layers.append(.maxPool(MaxPool2d(kernelSize: k, stride: s, padding: p)))
            }
        }
        self.layers = layers
        guard let shape = architecture.featureShape(width: architecture.minimumWidth) else {
            preconditionFailure("architecture '\(architecture.name)' reduces height \(architecture.inputHeight) to nothing")
        }
        var features = shape.channels * shape.height
        var lstms = [BidirectionalLSTM](), linears = [Linear]()
        for (hidden, out) in zip(architecture.lstmHidden, architecture.linearOutputs) {
            lstms.append(BidirectionalLSTM(inputSize: features, hiddenSize: hidden, rng: &rng))
            linears.append(Linear(inputFeatures: 2 * hidden, outputFeatures: out, rng: &rng))
            features = out
        }
        self.lstms = lstms
        self.linears = linears
    }

    /// Every parameter with its PyTorch name.
    public var namedParameters: [(String, Parameter)] {
        var out = [(String, Parameter)]()
        for (index, layer) in layers.enumerated() {
            switch layer {
            case .conv(let c): out += c.parameters.map { ("cnn.\(index).\($0.name)", $0) }
            case .batchNorm(let b): out += b.parameters.map { ("cnn.\(index).\($0.name)", $0) }
            default: break
            }
        }
        for (i, (lstm, linear)) in zip(lstms, linears).enumerated() {
            out += lstm.parameters.map { ("rnn.\(i).rnn.\($0.name)", $0) }
            out += linear.parameters.map { ("rnn.\(i).emb.\($0.name)", $0) }
        }
        return out
    }

    public var parameters: [Parameter] { namedParameters.map(\.1) }

    /// The BatchNorm layers with their PyTorch prefixes (`cnn.1`), for their running statistics.
    public var namedBatchNorms: [(String, BatchNorm2d)] {
        layers.enumerated().compactMap { index, layer in
            if case .batchNorm(let bn) = layer { return ("cnn.\(index)", bn) } else { return nil }
        }
    }

    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Whether 3x3 convolutions may be computed with Winograd F(4x4, 3x3) (see
    /// ``Conv2d/allowsWinograd``); true unless set false.
    public var allowsWinograd: Bool {
        get { layers.allSatisfy { if case .conv(let c) = $0 { c.allowsWinograd } else { true } } }
        set { for case .conv(let c) in layers { c.allowsWinograd = newValue } }
    }

    /// The number of time steps (output columns) for an image `width` pixels wide.
    public func timeSteps(forWidth width: Int) -> Int {
        architecture.featureShape(width: width)?.width ?? 0
    }

    /// images: [N, C, H, W] → logits [T, N, classes] and the valid steps per sample.
    ///
    /// At inference with several threads and several images, each thread runs the whole network
    /// on its own share of the batch: no thread waits for another between layers or time steps.
    public func forward(_ images: [Float], batch n: Int, width: Int, widths: [Int]? = nil,
                        training: Bool) -> (logits: [Float], steps: Int, lengths: [Int]) {
        let h0 = architecture.inputHeight, c0 = architecture.inputChannels
        precondition(images.count == n * c0 * h0 * width, "CRNN: input is not [\(n), \(c0), \(h0), \(width)]")
        precondition(widths == nil || widths!.count == n, "CRNN: \(widths!.count) widths for \(n) images")
        let parts = min(Parallelism.threads, n)
        if training || parts < 2 {
            return forwardWhole(images, batch: n, width: width, widths: widths, training: training)
        }
        return forwardSplit(images, batch: n, width: width, widths: widths, parts: parts)
    }

    /// Inference on `parts` shares of the batch side by side, one thread each, the logits merged.
    private func forwardSplit(_ images: [Float], batch n: Int, width: Int, widths: [Int]?,
                              parts: Int) -> (logits: [Float], steps: Int, lengths: [Int]) {
        let imageSize = architecture.inputChannels * architecture.inputHeight * width
        // Share p holds samples bounds[p]..<bounds[p + 1].
        let bounds = (0...parts).map { $0 * n / parts }
        var results = [(logits: [Float], steps: Int, lengths: [Int])?](repeating: nil, count: parts)
        results.withUnsafeMutableBufferPointer { out in
            Parallelism.forEach(parts) { p in
                let range = bounds[p]..<bounds[p + 1]
                let share = Array(images[range.lowerBound * imageSize..<range.upperBound * imageSize])
                out[p] = Parallelism.withThreads(1) {
                    forwardWhole(share, batch: range.count, width: width, widths: widths.map { Array($0[range]) },
                                 training: false)
                }
            }
        }
        // [T, share, classes] per share → [T, N, classes]
        let T = results[0]!.steps, classes = linears.last!.outputFeatures
        var logits = floatsToOverwrite(T * n * classes)  // the shares write every element
        logits.withUnsafeMutableBufferPointer { dst in
            for p in 0..<parts {
                let m = bounds[p + 1] - bounds[p]
                results[p]!.logits.withUnsafeBufferPointer { src in
                    for t in 0..<T {
                        (dst.baseAddress! + (t * n + bounds[p]) * classes)
                            .update(from: src.baseAddress! + t * m * classes, count: m * classes)
                    }
                }
            }
        }
        return (logits, T, results.flatMap { $0!.lengths })
    }

    private func forwardWhole(_ images: [Float], batch n: Int, width: Int, widths: [Int]?,
                              training: Bool) -> (logits: [Float], steps: Int, lengths: [Int]) {
        var x = images
        var c = architecture.inputChannels, h = architecture.inputHeight, w = width
        if training { reluOutputs = [:] }
        // At inference, each sample's columns past its own width are zeroed after every layer, so
        // that a sample reads exactly as it would alone: the next layer's window sees zeros there,
        // as it sees its zero padding at the edge of an image alone (batch padding after a layer
        // with a bias is not zero).
        var sampleWidths = training ? nil : widths.map { $0.map { min(max($0, 0), width) } }
        // At inference, the samples whose activations stopped being finite (a damaged model, an
        // overflow): ReLU and max pooling could hide a NaN from the layers after them.
        var broken = [Bool](repeating: false, count: training ? 0 : n)
        func mask() {
            if !training {
                let size = c * h * w
                x.withUnsafeBufferPointer { p in
                    for s in 0..<n where !broken[s] { broken[s] = ocr_all_finite(p.baseAddress! + s * size, size) == 0 }
                }
            }
            guard let ws = sampleWidths, ws.contains(where: { $0 < w }) else { return }
            maskColumns(&x, batch: n, planes: c * h, width: w, widths: ws)
        }
        var index = 0
        while index < layers.count {
            switch layers[index] {
            case .conv(let conv):
                // At inference, fold a following BatchNorm and fuse a following ReLU.
                var affine: (scale: [Float], shift: [Float])?
                var relu = false
                var next = index + 1
                if !training {
                    if next < layers.count, case .batchNorm(let bn) = layers[next] {
                        affine = bn.inferenceAffine
                        next += 1
                    }
                    if next < layers.count, case .relu = layers[next] {
                        relu = true
                        next += 1
                    }
                }
                x = conv.forward(x, batch: n, height: h, width: w, training: training, affine: affine, relu: relu)
                (h, w) = conv.outputSize(height: h, width: w)
                sampleWidths = sampleWidths?.map {
                    windowCount($0, kernel: conv.kernelSize.width, stride: conv.stride.width, padding: conv.padding.width)
                }
                c = conv.outputChannels
                mask()
                index = next
                continue
            case .batchNorm(let bn):
                x = bn.forward(x, batch: n, plane: h * w, training: training)
                mask()
            case .relu:
                // A ReLU then max pooling equals the pooling then the ReLU (the maximum commutes with
                // a monotone function), so training pools first and rectifies a quarter (or half) as many values.
                if training, index + 1 < layers.count, case .maxPool(let pool) = layers[index + 1] {
                    x = pool.forward(x, planes: n * c, height: h, width: w, training: true)
                    (h, w) = pool.outputSize(height: h, width: w)
                    reluForward(&x)
                    reluOutputs[index] = x
                    index += 2
                    continue
                }
                reluForward(&x)
                if training { reluOutputs[index] = x }
            case .maxPool(let pool):
                x = pool.forward(x, planes: n * c, height: h, width: w, training: training)
                (h, w) = pool.outputSize(height: h, width: w)
                sampleWidths = sampleWidths?.map {
                    windowCount($0, kernel: pool.kernelSize.width, stride: pool.stride.width, padding: pool.padding.width)
                }
                mask()
            }
            index += 1
        }
        // [N, C, H', W'] → [T = W', N, C·H']
        let features = c * h, T = w
        var sequence = floatsToOverwrite(T * n * features)  // the transposes write every element
        // feature f = channel · H' + row; per sample, [features, T] transposed into rows n·features apart.
        x.withUnsafeBufferPointer { src in
            sequence.withUnsafeMutableBufferPointer { dst in
                Parallelism.forEachItem(n) { s in
                    transpose(src.baseAddress! + s * features * T, rowStride: T, rows: features, columns: T,
                              into: dst.baseAddress! + s * features, rowStride: n * features)
                }
            }
        }
        let lengths = (widths ?? [Int](repeating: width, count: n)).map { min(timeSteps(forWidth: $0), T) }
        if training { batch = n; steps = T; featureHeight = h; featureChannels = c }
        for (lstm, linear) in zip(lstms, linears) {
            let hidden = lstm.forward(sequence, steps: T, batch: n, lengths: lengths, training: training)
            sequence = linear.forward(hidden, rows: T * n, training: training)
        }
        // A sample that went non-finite gives NaN logits, not the finite nonsense the LSTM's
        // bounded activations would make of it.
        let classes = linears.last!.outputFeatures
        for s in broken.indices where broken[s] {
            for t in 0..<T { sequence.replaceSubrange(((t * n + s) * classes)..<((t * n + s + 1) * classes), with: repeatElement(.nan, count: classes)) }
        }
        return (sequence, T, lengths)
    }

    /// dLogits: [T, N, classes] → accumulates every parameter's gradient.
    public func backward(_ dLogits: [Float]) {
        var d = dLogits
        let n = batch, T = steps
        for (lstm, linear) in zip(lstms, linears).reversed() {
            d = linear.backward(d, rows: T * n)
            d = lstm.backward(d)
        }
        let c = featureChannels, h = featureHeight, w = T
        let features = c * h
        var dx = floatsToOverwrite(n * features * w)  // the transposes write every element
        d.withUnsafeBufferPointer { src in
            dx.withUnsafeMutableBufferPointer { dst in
                Parallelism.forEachItem(n) { s in
                    transpose(src.baseAddress! + s * features, rowStride: n * features, rows: T, columns: features,
                              into: dst.baseAddress! + s * features * T, rowStride: T)
                }
            }
        }
        for (index, layer) in layers.enumerated().reversed() {
            switch layer {
            case .conv(let conv): dx = conv.backward(dx, inputGradient: index > 0)
            case .batchNorm(let bn): dx = bn.backward(dx)
            case .relu:
                // Done with the pooling that follows it (see forward).
                if index + 1 < layers.count, case .maxPool = layers[index + 1] { continue }
                reluBackward(&dx, output: reluOutputs[index]!)
            case .maxPool(let pool):
                if index > 0, case .relu = layers[index - 1] {
                    reluBackward(&dx, output: reluOutputs[index - 1]!)
                }
                dx = pool.backward(dx)
            }
        }
    }
}

/// Zeroes the columns at and past `widths[s]` of every plane of sample s: x is [N, planes, W].
func maskColumns(_ x: inout [Float], batch n: Int, planes: Int, width: Int, widths: [Int]) {
    x.withUnsafeMutableBufferPointer { p in
        for s in 0..<n where widths[s] < width {
            let keep = max(widths[s], 0)
            for plane in 0..<planes {
                (p.baseAddress! + (s * planes + plane) * width + keep).update(repeating: 0, count: width - keep)
            }
        }
    }
}

/// to[c · toStride + r] = from[r · fromStride + c] for r < rows, c < columns, in 16x16 blocks so
/// both sides stay in cache (a plain loop misses the cache on every element of the strided side).
func transpose(_ from: UnsafePointer<Float>, rowStride fromStride: Int, rows: Int, columns: Int,
               into to: UnsafeMutablePointer<Float>, rowStride toStride: Int) {
    let block = 16
    for r0 in Swift.stride(from: 0, to: rows, by: block) {
        let r1 = min(r0 + block, rows)
        for c0 in Swift.stride(from: 0, to: columns, by: block) {
            let c1 = min(c0 + block, columns)
            for r in r0..<r1 {
                let source = from + r &* fromStride
                for c in c0..<c1 { to[c &* toStride &+ r] = source[c] }
            }
        }
    }
}
