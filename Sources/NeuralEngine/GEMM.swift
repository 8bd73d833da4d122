import CKernels

/// Single-precision matrix multiply on row-major buffers:
/// `C = alpha * op(A) * op(B) + beta * C`, `op(A)` m x k, `op(B)` k x n.
///
/// The work is split over `threads` by columns of C (or rows, when C is narrow); each part is one
/// call of the packed, register-blocked C kernel. With `beta == 0`, C is not read.
public func sgemm(transposeA: Bool = false, transposeB: Bool = false,
                  m: Int, n: Int, k: Int, alpha: Float = 1,
                  _ a: UnsafePointer<Float>, lda: Int,
                  _ b: UnsafePointer<Float>, ldb: Int,
                  beta: Float = 0,
                  _ c: UnsafeMutablePointer<Float>, ldc: Int,
                  threads: Int = Parallelism.threads) {
    precondition(m >= 0 && n >= 0 && k >= 0, "negative GEMM size \(m)x\(n)x\(k)")
    let ta: Int32 = transposeA ? 1 : 0, tb: Int32 = transposeB ? 1 : 0
    // Below ~2 MFLOP a second thread costs more than it saves.
    let parts = m * n * k < 1 << 20 ? 1 : max(1, threads)
    if parts == 1 {
        ocr_sgemm(ta, tb, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        return
    }
    if n >= m || n >= 16 * parts {
        // Column blocks, multiples of 16 (the microkernel's width).
        let step = ((n + parts - 1) / parts + 15) / 16 * 16
        let blocks = (n + step - 1) / step
        Parallelism.forEach(blocks) { part in
            let j0 = part * step, cols = min(step, n - j0)
            let bPart = transposeB ? b + j0 * ldb : b + j0
            ocr_sgemm(ta, tb, Int32(m), Int32(cols), Int32(k), alpha, a, Int32(lda), bPart, Int32(ldb),
                      beta, c + j0, Int32(ldc))
        }
    } else {
        // Row blocks, multiples of 6 (the microkernel's height).
        let step = ((m + parts - 1) / parts + 5) / 6 * 6
        let blocks = (m + step - 1) / step
        Parallelism.forEach(blocks) { part in
            let i0 = part * step, rows = min(step, m - i0)
            let aPart = transposeA ? a + i0 : a + i0 * lda
            ocr_sgemm(ta, tb, Int32(rows), Int32(n), Int32(k), alpha, aPart, Int32(lda), b, Int32(ldb),
                      beta, c + i0 * ldc, Int32(ldc))
        }
    }
}

/// The name of the microkernel in use ("avx2+fma" or "portable").
public var sgemmKernelName: String { String(cString: ocr_sgemm_kernel_name()) }

/// op(B) (k x n; B is n x k when `transposed`) packed for ``sgemm(m:n:k:_:lda:packedB:beta:_:ldc:threads:)``,
/// for a weight matrix multiplied many times.
public func packB(transposed: Bool, k: Int, n: Int, _ b: UnsafePointer<Float>, ldb: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: ocr_sgemm_packed_b_count(Int32(k), Int32(n))) { buffer, count in
        ocr_sgemm_pack_b(transposed ? 1 : 0, Int32(k), Int32(n), b, Int32(ldb), buffer.baseAddress!)
        count = buffer.count
    }
}

/// `C = A · B + beta · C` with B packed by ``packB(transposed:k:n:_:ldb:)``; A is m x k, row-major.
/// Split over `threads` by blocks of 16 columns when the product is large enough.
public func sgemm(m: Int, n: Int, k: Int, _ a: UnsafePointer<Float>, lda: Int, packedB: UnsafePointer<Float>,
                  beta: Float, _ c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int = Parallelism.threads) {
    let parts = m * n * k < 1 << 20 ? 1 : max(1, min(threads, (n + 15) / 16))
    if parts == 1 {
        ocr_sgemm_packed_b(Int32(m), Int32(n), Int32(k), a, Int32(lda), packedB, beta, c, Int32(ldc))
        return
    }
    let step = ((n + parts - 1) / parts + 15) / 16 * 16
    Parallelism.forEach((n + step - 1) / step) { part in
        let j0 = part * step
        // Panel j0 / 16 of the packed B starts at j0 * k.
        ocr_sgemm_packed_b(Int32(m), Int32(min(step, n - j0)), Int32(k), a, Int32(lda), packedB + j0 * k, beta,
                           c + j0, Int32(ldc))
    }
}
