import CKernels

/// ReLU, in place: x = max(x, 0).
public func reluForward(_ x: inout [Float]) {
    x.withUnsafeMutableBufferPointer { p in
        inParts(p.count) { range in ocr_relu(p.baseAddress! + range.lowerBound, range.count) }
    }
}

/// dx = dy where the ReLU's output y was positive, else 0 (in place on dy).
public func reluBackward(_ dy: inout [Float], output y: [Float]) {
    precondition(dy.count == y.count)
    dy.withUnsafeMutableBufferPointer { d in
        y.withUnsafeBufferPointer { y in
            inParts(d.count) { range in
                ocr_relu_backward(d.baseAddress! + range.lowerBound, y.baseAddress! + range.lowerBound, range.count)
            }
        }
    }
}

/// Runs `body` on contiguous parts of 0..<count, one per thread when the work is large enough to
/// be worth it (streaming elementwise work).
func inParts(_ count: Int, _ body: (Range<Int>) -> Void) {
    let parts = count < 1 << 16 ? 1 : Parallelism.threads
    let size = (count + parts - 1) / parts
    Parallelism.forEach(parts) { part in
        let start = min(part * size, count)
        body(start..<min(start + size, count))
    }
}

import Platform
