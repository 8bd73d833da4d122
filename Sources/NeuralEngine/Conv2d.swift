import CKernels

/// A 2-D convolution as PyTorch's `nn.Conv2d` (`weight` [out, in, kh, kw], `bias` [out]). Images are
/// `[N, C, H, W]`. Computed by Winograd F(4x4, 3x3) for 3x3 stride-1 padding-1 layers (forward and
/// input gradient), directly for layers with at most 16 inputs per output, else by im2col + GEMM
/// per sample; the weight gradient by Winograd where the forward pass uses it, else by im2col + GEMM.
public final class Conv2d: ParameterHolder {
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernelSize: (height: Int, width: Int)
    public let stride: (height: Int, width: Int)
    public let padding: (height: Int, width: Int)
    public let weight: Parameter
    public let bias: Parameter?

    private var input: [Float] = []  // cache: [N, Cin, H, W]
    private var inputShape = (n: 0, h: 0, w: 0)

    public init(inputChannels: Int, outputChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), bias: Bool = true, rng: inout some InitialWeights) {
        precondition(inputChannels > 0 && outputChannels > 0 && kernelSize.0 > 0 && kernelSize.1 > 0
                     && stride.0 > 0 && stride.1 > 0 && padding.0 >= 0 && padding.1 >= 0,
                     "Conv2d: invalid configuration")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        let bound = 1 / Float(inputChannels * kernelSize.0 * kernelSize.1).squareRoot()
        weight = Parameter("weight", shape: [outputChannels, inputChannels, kernelSize.0, kernelSize.1],
                           uniformBound: bound, rng: &rng)
        self.bias = bias ? Parameter("bias", shape: [outputChannels], uniformBound: bound, rng: &rng) : nil
    }

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }

    /// The output height and width for an input of `h` x `w`.
    public func outputSize(height h: Int, width w: Int) -> (height: Int, width: Int) {
        (windowCount(h, kernel: kernelSize.height, stride: stride.height, padding: padding.height),
         windowCount(w, kernel: kernelSize.width, stride: stride.width, padding: padding.width))
    }

    private var patchSize: Int { inputChannels * kernelSize.height * kernelSize.width }

    /// x: [N, Cin, H, W] → [N, Cout, H', W'].
    ///
    /// At inference a following BatchNorm can be folded in (`affine`: y = scale · conv(x) + shift per
    /// output channel) and a ReLU fused (`relu`), so the output is written once.
    public func forward(_ x: [Float], batch n: Int, height h: Int, width w: Int, training: Bool,
                        affine: (scale: [Float], shift: [Float])? = nil, relu: Bool = false) -> [Float] {
        precondition(!training || (affine == nil && !relu), "Conv2d: fusion is for inference only")
        precondition(x.count == n * inputChannels * h * w, "Conv2d: input is not [\(n), \(inputChannels), \(h), \(w)]")
        let (oh, ow) = outputSize(height: h, width: w)
        precondition(oh > 0 && ow > 0, "Conv2d: a \(h)x\(w) input is smaller than the kernel")
        if training {
            input = x
            inputShape = (n, h, w)
        }
        let K = patchSize, P = oh * ow, Cout = outputChannels
        // Output bias with the affine folded in: b' = scale · b + shift.
        var outputBias = bias?.value ?? [Float](repeating: 0, count: Cout)
        if let affine {
            for o in 0..<Cout { outputBias[o] = affine.scale[o] * outputBias[o] + affine.shift[o] }
        }
        if allowsWinograd && winogradApplies {
            // In training the weights change every step: transform them afresh.
            let packed = training ? Self.winogradPack(weight.value, scale: nil, outputs: Cout, inputs: inputChannels)
                : winogradWeights.get(weights: weight.value, scale: affine?.scale) {
                    Self.winogradPack(weight.value, scale: affine?.scale, outputs: Cout, inputs: inputChannels)
                }
            return Self.winogradConvolve(x, batch: n, channels: inputChannels, height: h, width: w, packed: packed,
                                         outputChannels: Cout, bias: outputBias, relu: relu)
        }
        var y = floatsToOverwrite(n * Cout * P)  // the direct kernel or the GEMM (beta 0 or after the bias) writes all
        let (workers, gemmThreads) = split(batch: n)
        // Weights with the affine folded in: W' = scale · W.
        var weights = weight.value
        if let affine {
            for o in 0..<Cout {
                for j in 0..<K { weights[o * K + j] *= affine.scale[o] }
            }
        }
        let hasBias = bias != nil || affine != nil
        // Few inputs per output (the first layer: 1 channel x 3 x 3): im2col + GEMM would spend its
        // time storing tiles, a direct convolution streams rows instead.
        let direct = K <= 16 && stride == (1, 1)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                weights.withUnsafeBufferPointer { wp in
                    Parallelism.forEach(workers) { worker in
                        var columns = [Float](repeating: 0, count: direct ? 0 : K * P)
                        for sample in Swift.stride(from: worker, to: n, by: workers) {
                            let out = yp.baseAddress! + sample * Cout * P
                            if direct {
                                ocr_conv2d_direct(xp.baseAddress! + sample * inputChannels * h * w, wp.baseAddress!,
                                                  outputBias, out, Int32(inputChannels), Int32(h), Int32(w), Int32(Cout),
                                                  Int32(kernelSize.height), Int32(kernelSize.width),
                                                  Int32(padding.height), Int32(padding.width))
                                if relu {
                                    for i in 0..<(Cout * P) { out[i] = max(out[i], 0) }
                                }
                                continue
                            }
                            im2col(xp.baseAddress! + sample * inputChannels * h * w, h: h, w: w, oh: oh, ow: ow, into: &columns)
                            if hasBias {
                                for c in 0..<Cout { (out + c * P).update(repeating: outputBias[c], count: P) }
                            }
                            // [Cout, K] x [K, P]
                            sgemm(m: Cout, n: P, k: K, wp.baseAddress!, lda: K, columns, ldb: P,
                                  beta: hasBias ? 1 : 0, out, ldc: P, threads: gemmThreads)
                            if relu {
                                for i in 0..<(Cout * P) { out[i] = max(out[i], 0) }
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    // MARK: Winograd

    /// Whether Winograd F(4x4, 3x3) may compute the forward pass and the input gradient of 3x3,
    /// stride-1, padding-1 layers with more than one input channel: 4x fewer multiplies, results
    /// equal to the im2col path within float rounding. On by default; tests and benchmarks turn it
    /// off to compare.
    public var allowsWinograd = true

    /// Tiles (4x4 outputs) per kernel call, at most: bounds the scratch memory (36 planes of them
    /// per channel) and is the unit of work the threads share.
    static let winogradChunk = 64

    var winogradApplies: Bool {
        kernelSize == (3, 3) && stride == (1, 1) && padding == (1, 1) && inputChannels > 1
    }

    /// The transformed weights for the last (weights, scale) seen, shared by concurrent callers.
    private let winogradWeights = TransformedWeights()

    /// Weights [outputs, inputs, 3, 3], each output channel scaled by `scale`, transformed and packed.
    private static func winogradPack(_ weights: [Float], scale: [Float]?, outputs: Int, inputs: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: ocr_winograd_weights_count(Int32(outputs), Int32(inputs))) { buffer, count in
            ocr_winograd_pack_weights(weights, scale, Int32(outputs), Int32(inputs), buffer.baseAddress!)
            count = buffer.count
        }
    }

    /// x: [N, cin, H, W] → [N, cout, H, W], a 3x3 padding-1 convolution with packed weights.
    private static func winogradConvolve(_ x: [Float], batch n: Int, channels cin: Int, height h: Int, width w: Int,
                                         packed: [Float], outputChannels cout: Int, bias: [Float]?,
                                         relu: Bool) -> [Float] {
        // Enough chunks for every thread (a single line's deep layers have only tens of tiles), in
        // multiples of the microkernel's 16 columns.
        let total = n * ((h + 3) / 4) * ((w + 3) / 4), threads = Parallelism.threads
        let chunk = min(winogradChunk, max(16, ((total + threads - 1) / threads + 15) / 16 * 16))
        let chunks = (total + chunk - 1) / chunk
        let workers = min(threads, chunks)
        let scratchCount = ocr_winograd_scratch_count(Int32(cin), Int32(cout), Int32(chunk))
        // Every output is written by the kernel.
        return [Float](unsafeUninitializedCapacity: n * cout * h * w) { y, count in
            x.withUnsafeBufferPointer { xp in
                packed.withUnsafeBufferPointer { up in
                    forEachTileChunk(total: total, chunk: chunk, workers: workers, scratch: scratchCount) { _, tiles, scratch in
                        ocr_winograd_conv3x3(xp.baseAddress!, Int32(cin), Int32(h), Int32(w), up.baseAddress!,
                                             Int32(cout), bias, relu ? 1 : 0, y.baseAddress!, tiles.lowerBound,
                                             tiles.upperBound, scratch)
                    }
                }
            }
            count = n * cout * h * w
        }
    }

    /// Runs `body(worker, tiles, scratch)` for the chunks of `chunk` tiles covering 0..<total, the
    /// chunks dealt round-robin to `workers` threads, each with its own `scratch` floats.
    private static func forEachTileChunk(total: Int, chunk: Int, workers: Int, scratch count: Int,
                                         _ body: (Int, Range<Int>, UnsafeMutablePointer<Float>) -> Void) {
        let chunks = (total + chunk - 1) / chunk
        Parallelism.forEach(workers) { worker in
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: count)
            defer { scratch.deallocate() }
            for part in Swift.stride(from: worker, to: chunks, by: workers) {
                body(worker, (part * chunk)..<min(total, (part + 1) * chunk), scratch)
            }
        }
    }

    /// dx for dy [N, Cout, H, W]: the convolution of dy with the weights flipped in both axes and
    /// with input and output channels swapped (W'[i][o][2-ky][2-kx] = W[o][i][ky][kx]).
    private func winogradInputGradient(_ dy: [Float], batch n: Int, height h: Int, width w: Int) -> [Float] {
        let cin = inputChannels, cout = outputChannels
        var flipped = [Float](repeating: 0, count: cout * cin * 9)
        weight.value.withUnsafeBufferPointer { wp in
            for o in 0..<cout {
                for i in 0..<cin {
                    for k in 0..<9 { flipped[(i * cout + o) * 9 + 8 - k] = wp[(o * cin + i) * 9 + k] }
                }
            }
        }
        return Self.winogradConvolve(dy, batch: n, channels: cout, height: h, width: w,
                                     packed: Self.winogradPack(flipped, scale: nil, outputs: cin, inputs: cout),
                                     outputChannels: cin, bias: nil, relu: false)
    }

    /// dW for dy [N, Cout, H, W], accumulated into the weight's gradient: Winograd's transformed
    /// domain (4x fewer multiplies than im2col), each worker summing its chunks of tiles into a
    /// private [36, Cout, Cin], transformed back once.
    private func winogradWeightGradient(_ dy: [Float], batch n: Int, height h: Int, width w: Int) {
        let cin = inputChannels, cout = outputChannels, threads = Parallelism.threads
        let total = n * ((h + 3) / 4) * ((w + 3) / 4)
        guard total > 0 else { return }
        // Up to 256 tiles per chunk (the GEMMs' reduction length), as many chunks per worker.
        let perWorker = (total + threads * 256 - 1) / (threads * 256)
        let chunk = (total + threads * perWorker - 1) / (threads * perWorker)
        let chunks = (total + chunk - 1) / chunk, workers = min(threads, chunks)
        let scratchCount = ocr_winograd_gradient_scratch_count(Int32(cin), Int32(cout), Int32(chunk))
        let size = 36 * cout * cin
        var transformed = [Float](repeating: 0, count: workers * size)  // [workers, 36, Cout, Cin]
        input.withUnsafeBufferPointer { xp in
            dy.withUnsafeBufferPointer { dyp in
                transformed.withUnsafeMutableBufferPointer { tp in
                    Self.forEachTileChunk(total: total, chunk: chunk, workers: workers, scratch: scratchCount) {
                        worker, tiles, scratch in
                        ocr_winograd_weight_gradient(xp.baseAddress!, Int32(cin), Int32(h), Int32(w), dyp.baseAddress!,
                                                     Int32(cout), tiles.lowerBound, tiles.upperBound,
                                                     tp.baseAddress! + worker * size, scratch)
                    }
                    for worker in 1..<workers {
                        for i in 0..<size { tp[i] += tp[worker * size + i] }
                    }
                    ocr_winograd_gradient_to_weights(tp.baseAddress!, Int32(cout), Int32(cin), &weight.gradient)
                }
            }
        }
    }

    /// dy: [N, Cout, H', W'] → dx: [N, Cin, H, W]; accumulates dW and db. Without
    /// `inputGradient` (the first layer, whose input is the image) dx is not computed and the
    /// result is empty.
    public func backward(_ dy: [Float], inputGradient: Bool = true) -> [Float] {
        parameters.forEach { $0.allocateGradient() }
        let (n, h, w) = inputShape
        let (oh, ow) = outputSize(height: h, width: w)
        let K = patchSize, P = oh * ow, Cout = outputChannels
        precondition(dy.count == n * Cout * P, "Conv2d backward: gradient is not [\(n), \(Cout), \(oh), \(ow)]")
        if let bias {
            // db += Σ over samples and positions of dy.
            dy.withUnsafeBufferPointer { g in
                for sample in 0..<n {
                    for c in 0..<Cout { bias.gradient[c] += vectorSum(g.baseAddress! + (sample * Cout + c) * P, P) }
                }
            }
        }
        if allowsWinograd && winogradApplies {
            winogradWeightGradient(dy, batch: n, height: h, width: w)
            return inputGradient ? winogradInputGradient(dy, batch: n, height: h, width: w) : []
        }
        var dx = [Float](repeating: 0, count: inputGradient ? n * inputChannels * h * w : 0)
        let (workers, gemmThreads) = split(batch: n)
        // Each worker sums its samples' dW privately; the partial sums are added after.
        var partialWeight = [[Float]](repeating: [], count: workers)
        input.withUnsafeBufferPointer { xp in
            dy.withUnsafeBufferPointer { dyp in
                dx.withUnsafeMutableBufferPointer { dxp in
                    partialWeight.withUnsafeMutableBufferPointer { pw in
                        Parallelism.forEach(workers) { worker in
                            var columns = [Float](repeating: 0, count: K * P)
                            var dColumns = [Float](repeating: 0, count: inputGradient ? K * P : 0)
                            var dW = [Float](repeating: 0, count: Cout * K)
                            for sample in Swift.stride(from: worker, to: n, by: workers) {
                                let g = dyp.baseAddress! + sample * Cout * P
                                im2col(xp.baseAddress! + sample * inputChannels * h * w, h: h, w: w, oh: oh, ow: ow,
                                       into: &columns)
                                // y = W · cols + b  ⇒  dW += dy · colsᵀ,  dcols = Wᵀ · dy
                                sgemm(transposeB: true, m: Cout, n: K, k: P, g, lda: P, columns, ldb: P,
                                      beta: 1, &dW, ldc: K, threads: gemmThreads)
                                guard inputGradient else { continue }
                                sgemm(transposeA: true, m: K, n: P, k: Cout, weight.value, lda: K, g, ldb: P,
                                      &dColumns, ldc: P, threads: gemmThreads)
                                col2im(dColumns, h: h, w: w, oh: oh, ow: ow,
                                       into: dxp.baseAddress! + sample * inputChannels * h * w)
                            }
                            pw[worker] = dW
                        }
                    }
                }
            }
        }
        for dW in partialWeight {
            for i in 0..<dW.count { weight.gradient[i] += dW[i] }
        }
        return dx
    }

    /// Samples in parallel when there are enough of them, else threads inside each GEMM.
    private func split(batch n: Int) -> (workers: Int, gemmThreads: Int) {
        let threads = Parallelism.threads
        return n >= threads ? (threads, 1) : (1, threads)
    }

    /// One image [Cin, H, W] → columns [Cin·kh·kw, H'·W'] (zero where the window is in the padding).
    private func im2col(_ x: UnsafePointer<Float>, h: Int, w: Int, oh: Int, ow: Int, into columns: inout [Float]) {
        let (kh, kw) = kernelSize, (sh, sw) = stride, (ph, pw) = padding
        columns.withUnsafeMutableBufferPointer { col in
            var row = 0
            for c in 0..<inputChannels {
                let plane = x + c * h * w
                for ky in 0..<kh {
                    for kx in 0..<kw {
                        let dst = col.baseAddress! + row * oh * ow
                        for oy in 0..<oh {
                            let iy = oy &* sh &+ ky &- ph
                            let out = dst + oy * ow
                            if iy < 0 || iy >= h {
                                out.update(repeating: 0, count: ow)
                                continue
                            }
                            let src = plane + iy * w
                            if sw == 1 {
                                // Input column ox + kx - pw: valid for ox in lo..<hi, a contiguous run.
                                let lo = min(max(0, pw - kx), ow), hi = max(min(ow, w + pw - kx), lo)
                                out.update(repeating: 0, count: lo)
                                (out + lo).update(from: src + (lo + kx - pw), count: hi - lo)
                                (out + hi).update(repeating: 0, count: ow - hi)
                            } else {
                                for ox in 0..<ow {
                                    let ix = ox &* sw &+ kx &- pw
                                    out[ox] = (ix >= 0 && ix < w) ? src[ix] : 0
                                }
                            }
                        }
                        row += 1
                    }
                }
            }
        }
    }

    /// Adds columns [Cin·kh·kw, H'·W'] back into an image gradient [Cin, H, W] (the adjoint of im2col).
    private func col2im(_ columns: [Float], h: Int, w: Int, oh: Int, ow: Int, into dx: UnsafeMutablePointer<Float>) {
        let (kh, kw) = kernelSize, (sh, sw) = stride, (ph, pw) = padding
        columns.withUnsafeBufferPointer { col in
            var row = 0
            for c in 0..<inputChannels {
                let plane = dx + c * h * w
                for ky in 0..<kh {
                    for kx in 0..<kw {
                        let src = col.baseAddress! + row * oh * ow
                        for oy in 0..<oh {
                            let iy = oy &* sh &+ ky &- ph
                            if iy < 0 || iy >= h { continue }
                            let dst = plane + iy * w
                            for ox in 0..<ow {
                                let ix = ox &* sw &+ kx &- pw
                                if ix >= 0 && ix < w { dst[ix] += src[oy * ow + ox] }
                            }
                        }
                        row += 1
                    }
                }
            }
        }
    }
}

