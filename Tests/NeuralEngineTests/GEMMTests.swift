import CKernels
import Testing
@testable import NeuralEngine

@Suite struct GEMMTests {
    /// Sizes that exercise partial microkernel tiles, several K slices and several row blocks, and
    /// with AVX-512 the 6x32, 12x16 and 6x16 tiles together.
    static let shapes: [(Int, Int, Int)] = [(1, 1, 1), (5, 7, 3), (6, 16, 8), (13, 35, 300), (130, 70, 257),
                                            (64, 2100, 20), (250, 33, 600),
                                            (1, 512, 128), (3, 40, 37), (4, 17, 300), (30, 48, 70)]

    func check(m: Int, n: Int, k: Int, ta: Bool, tb: Bool, alpha: Float, beta: Float, threads: Int) {
        var rng = SplitMix64(seed: UInt64(m * 1000 + n * 10 + k))
        let a = (0..<(m * k)).map { _ in rng.nextFloat() - 0.5 }
        let b = (0..<(k * n)).map { _ in rng.nextFloat() - 0.5 }
        let c0 = (0..<(m * n)).map { _ in rng.nextFloat() - 0.5 }
        let lda = ta ? m : k, ldb = tb ? k : n
        var got = c0, want = c0
        sgemm(transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: alpha, a, lda: lda, b, ldb: ldb,
              beta: beta, &got, ldc: n, threads: threads)
        ocr_sgemm_reference(ta ? 1 : 0, tb ? 1 : 0, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                            beta, &want, Int32(n))
        let worst = zip(got, want).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-4 * Float(k).squareRoot(), "m=\(m) n=\(n) k=\(k) ta=\(ta) tb=\(tb): \(worst)")
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matchesReference(transpose: (Bool, Bool)) {
        for (m, n, k) in Self.shapes {
            check(m: m, n: n, k: k, ta: transpose.0, tb: transpose.1, alpha: 1, beta: 0, threads: 1)
            check(m: m, n: n, k: k, ta: transpose.0, tb: transpose.1, alpha: 0.5, beta: 1, threads: 2)
            check(m: m, n: n, k: k, ta: transpose.0, tb: transpose.1, alpha: -1, beta: 0.25, threads: 3)
        }
    }

    @Test func betaZeroIgnoresNaN() {
        let a: [Float] = [1, 2], b: [Float] = [3, 4]
        var c: [Float] = [.nan]
        sgemm(m: 1, n: 1, k: 2, a, lda: 2, b, ldb: 1, &c, ldc: 1)
        #expect(c == [11])
    }

    /// The kernels below the best this CPU has (AVX2 without AVX-512, portable C), on the shapes
    /// above: every path is checked on a machine that has them all.
    @Test(arguments: [OCR_KERNELS_AVX2, OCR_KERNELS_PORTABLE])
    func limitedKernelsMatchReference(limit: Int32) {
        ocr_kernels_limit(limit)
        defer { ocr_kernels_limit(OCR_KERNELS_BEST) }
        if limit == OCR_KERNELS_PORTABLE { #expect(sgemmKernelName == "portable") }
        if limit == OCR_KERNELS_AVX2 { #expect(sgemmKernelName != "avx512") }
        for (m, n, k) in Self.shapes {
            check(m: m, n: n, k: k, ta: false, tb: true, alpha: 1, beta: 0.5, threads: 1)
            check(m: m, n: n, k: k, ta: true, tb: false, alpha: 1, beta: 0, threads: 2)
        }
    }

    /// B packed once (the LSTM weights): A read in place for every row count up to and past the
    /// 6-row block, and the blocked path for many rows (several K slices and row blocks); partial
    /// 16-column panels, both B layouts, beta 0 and 1, every kernel, and the product split over
    /// threads by blocks of columns.
    @Test(arguments: [OCR_KERNELS_BEST, OCR_KERNELS_AVX2, OCR_KERNELS_PORTABLE])
    func packedBMatchesReference(limit: Int32) {
        ocr_kernels_limit(limit)
        defer { ocr_kernels_limit(OCR_KERNELS_BEST) }
        for (m, n, k) in [(1, 512, 128), (2, 16, 1), (3, 37, 64), (4, 48, 9), (5, 512, 256), (6, 20, 130), (7, 64, 5),
                          (13, 100, 33), (32, 512, 128), (24, 40, 300), (130, 70, 257),
                          (1, 200, 50), (2, 300, 17), (40, 272, 100)] {
            for tb in [false, true] {
                for beta: Float in [0, 1] {
                    var rng = SplitMix64(seed: UInt64(m * 100 + n + k))
                    let a = (0..<(m * k)).map { _ in rng.nextFloat() - 0.5 }
                    let b = (0..<(k * n)).map { _ in rng.nextFloat() - 0.5 }
                    let initial = (0..<(m * n)).map { _ in beta == 0 ? Float.nan : rng.nextFloat() - 0.5 }
                    var got = initial, want = initial.map { $0.isNaN ? 0 : $0 }
                    var packed = [Float](repeating: .nan, count: ocr_sgemm_packed_b_count(Int32(k), Int32(n)))
                    ocr_sgemm_pack_b(tb ? 1 : 0, Int32(k), Int32(n), b, Int32(tb ? k : n), &packed)
                    ocr_sgemm_packed_b(Int32(m), Int32(n), Int32(k), a, Int32(k), packed, beta, &got, Int32(n))
                    ocr_sgemm_reference(0, tb ? 1 : 0, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(tb ? k : n),
                                        beta, &want, Int32(n))
                    let worst = zip(got, want).map { abs($0 - $1) }.max()!
                    #expect(worst <= 1e-4 * Float(k).squareRoot(), "m=\(m) n=\(n) k=\(k) tb=\(tb) beta=\(beta): \(worst)")
                    // Split over threads by blocks of columns (products of 2^20 multiply-adds and more).
                    var split = initial
                    split.withUnsafeMutableBufferPointer { out in
                        sgemm(m: m, n: n, k: k, a, lda: k, packedB: packed, beta: beta, out.baseAddress!, ldc: n, threads: 3)
                    }
                    let splitWorst = zip(split, want).map { abs($0 - $1) }.max()!
                    #expect(splitWorst <= 1e-4 * Float(k).squareRoot(), "split: m=\(m) n=\(n) k=\(k): \(splitWorst)")
                }
            }
        }
    }

    /// A thread's overrides (thread count, kernel limit) reach the threads its parallel work
    /// runs on.
    @Test func overridesReachWorkerThreads() {
        defer { ocr_kernels_limit(OCR_KERNELS_BEST) }
        ocr_kernels_limit(OCR_KERNELS_PORTABLE)
        var seen = [(threads: Int, limit: Int32)](repeating: (0, 0), count: 8)
        Parallelism.withThreads(3) {
            seen.withUnsafeMutableBufferPointer { out in
                Parallelism.forEach(8) { i in out[i] = (Parallelism.threads, ocr_kernels_limited()) }
            }
        }
        #expect(seen.allSatisfy { $0.threads == 3 && $0.limit == OCR_KERNELS_PORTABLE })
    }
}
