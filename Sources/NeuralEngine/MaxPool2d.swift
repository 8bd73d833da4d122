import CKernels

/// Max pooling over `[N, C, H, W]` as PyTorch's `nn.MaxPool2d` (padding counts as -∞, floor mode).
public final class MaxPool2d {
    public let kernelSize: (height: Int, width: Int)
    public let stride: (height: Int, width: Int)
    public let padding: (height: Int, width: Int)

    private var argmax: [Int32] = []  // cache: index in the input plane of each output's maximum
    private var inputShape = (planes: 0, h: 0, w: 0)

    public init(kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) {
        precondition(padding.0 * 2 <= kernelSize.0 && padding.1 * 2 <= kernelSize.1,
                     "MaxPool2d: padding must be at most half the kernel")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
    }

    public func outputSize(height h: Int, width w: Int) -> (height: Int, width: Int) {
        (windowCount(h, kernel: kernelSize.height, stride: stride.height, padding: padding.height),
         windowCount(w, kernel: kernelSize.width, stride: stride.width, padding: padding.width))
    }

    /// x: [planes, H, W] (planes = N·C) → [planes, H', W'].
    public func forward(_ x: [Float], planes: Int, height h: Int, width w: Int, training: Bool) -> [Float] {
        precondition(x.count == planes * h * w, "MaxPool2d: input is not [\(planes), \(h), \(w)]")
        let (oh, ow) = outputSize(height: h, width: w)
        precondition(oh > 0 && ow > 0, "MaxPool2d: a \(h)x\(w) input is smaller than the window")
        var y = floatsToOverwrite(planes * oh * ow)  // the kernel writes every output (and index)
        var indices = [Int32](unsafeUninitializedCapacity: training ? y.count : 0) { _, count in count = training ? y.count : 0 }
        let (kh, kw) = kernelSize, (sh, sw) = stride, (ph, pw) = padding
        let parts = min(Parallelism.threads, planes)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                indices.withUnsafeMutableBufferPointer { ip in
                    Parallelism.forEach(parts) { part in
                        let first = planes * part / parts, last = planes * (part + 1) / parts
                        ocr_maxpool2d(xp.baseAddress! + first * h * w, yp.baseAddress! + first * oh * ow,
                                      training ? ip.baseAddress! + first * oh * ow : nil,
                                      Int32(last - first), Int32(h), Int32(w), Int32(oh), Int32(ow),
                                      Int32(kh), Int32(kw), Int32(sh), Int32(sw), Int32(ph), Int32(pw))
                    }
                }
            }
        }
        if training {
            argmax = indices
            inputShape = (planes, h, w)
        }
        return y
    }

    /// dy: [planes, H', W'] → dx: [planes, H, W], each gradient routed to its window's maximum.
    public func backward(_ dy: [Float]) -> [Float] {
        let (planes, h, w) = inputShape
        precondition(dy.count == argmax.count, "MaxPool2d backward: wrong gradient size")
        let perPlane = dy.count / max(planes, 1), parts = min(Parallelism.threads, planes)
        var dx = floatsToOverwrite(planes * h * w)  // the kernel zeroes each plane first
        dy.withUnsafeBufferPointer { g in
            argmax.withUnsafeBufferPointer { at in
                dx.withUnsafeMutableBufferPointer { d in
                    Parallelism.forEach(parts) { part in
                        let first = planes * part / parts, last = planes * (part + 1) / parts
                        ocr_maxpool2d_backward(g.baseAddress! + first * perPlane, at.baseAddress! + first * perPlane,
                                               d.baseAddress! + first * h * w, Int32(last - first), Int32(h * w),
                                               Int32(perPlane))
                    }
                }
            }
        }
        return dx
    }
}
