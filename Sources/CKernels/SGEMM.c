// Packed, register-blocked SGEMM in the BLIS style: C is split into NC-column and MC-row blocks,
// K into KC slices; A and B slices are packed into contiguous MR-row / NR-column panels, and a
// 6x16 microkernel keeps its tile of C in registers across the whole KC slice.
#include "CKernels.h"
#include "Microkernel.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define OCR_X86 1
#endif

enum { MR = OCR_MR, NR = OCR_NR, KC = 256, MC = 120, NC = 2040 };

// op(A)[i][p] and op(B)[p][j] for any transposition.
static inline float a_at(const float *a, int lda, int trans, int i, int p) {
    return trans ? a[(size_t)p * lda + i] : a[(size_t)i * lda + p];
}
static inline float b_at(const float *b, int ldb, int trans, int p, int j) {
    return trans ? b[(size_t)j * ldb + p] : b[(size_t)p * ldb + j];
}

void ocr_pack_a(float *packed, const float *a, int lda, int trans, int i0, int mc, int p0, int kc) {
    for (int r = 0; r < mc; r += MR) {
        int rows = mc - r < MR ? mc - r : MR;
        float *dst = packed + (size_t)r * kc;
        if (rows == MR && !trans) {
            // Six row streams read side by side, the panel written in order.
            const float *s0 = a + (size_t)(i0 + r) * lda + p0, *s1 = s0 + lda, *s2 = s1 + lda, *s3 = s2 + lda,
                        *s4 = s3 + lda, *s5 = s4 + lda;
            for (int p = 0; p < kc; p++, dst += MR) {
                dst[0] = s0[p]; dst[1] = s1[p]; dst[2] = s2[p];
                dst[3] = s3[p]; dst[4] = s4[p]; dst[5] = s5[p];
            }
            continue;
        }
        if (rows == MR) {
            // op(A)'s rows are A's columns: six consecutive floats of each row of A.
            const float *src = a + (size_t)p0 * lda + i0 + r;
            for (int p = 0; p < kc; p++, src += lda, dst += MR) memcpy(dst, src, MR * sizeof(float));
            continue;
        }
        for (int p = 0; p < kc; p++) {
            for (int i = 0; i < MR; i++)
                dst[p * MR + i] = i >= rows ? 0 : trans ? a[(size_t)(p0 + p) * lda + i0 + r + i]
                                                        : a[(size_t)(i0 + r + i) * lda + p0 + p];
        }
    }
}

// Packs rows [p0, p0+kc) x cols [j0, j0+nc) of op(B) into NR-column panels, zero-padded:
// panel s holds packed[s*NR*kc + p*NR + j].
static void pack_b(float *packed, const float *b, int ldb, int trans, int p0, int kc, int j0, int nc) {
    for (int s = 0; s < nc; s += NR) {
        int cols = nc - s < NR ? nc - s : NR;
        float *dst = packed + (size_t)s * kc;
        if (!trans) {
            for (int p = 0; p < kc; p++) {
                const float *src = b + (size_t)(p0 + p) * ldb + j0 + s;
                float *d = dst + p * NR;
                int j = 0;
                for (; j < cols; j++) d[j] = src[j];
                for (; j < NR; j++) d[j] = 0;
            }
        } else if (cols == NR) {
            // op(B)'s columns are B's rows: 16 row streams read side by side, 8 values of each
            // at a time, so every store fills whole panel rows in order.
            const float *src = b + (size_t)(j0 + s) * ldb + p0;
            int p = 0;
            for (; p + 8 <= kc; p += 8) {
                float block[8][NR];
                for (int j = 0; j < NR; j++)
                    for (int q = 0; q < 8; q++) block[q][j] = src[(size_t)j * ldb + p + q];
                memcpy(dst + (size_t)p * NR, block, sizeof block);
            }
            for (; p < kc; p++)
                for (int j = 0; j < NR; j++) dst[p * NR + j] = src[(size_t)j * ldb + p];
        } else {
            for (int j = 0; j < cols; j++) {
                const float *src = b + (size_t)(j0 + s + j) * ldb + p0;
                for (int p = 0; p < kc; p++) dst[p * NR + j] = src[p];
            }
            for (int j = cols; j < NR; j++)
                for (int p = 0; p < kc; p++) dst[p * NR + j] = 0;
        }
    }
}

typedef ocr_microkernel_fn microkernel_fn;  // shorter, in this file

static void store_tile(const float *tile, float *c, int ldc, int rows, int cols, float alpha, float beta);
static void store_block(const float *tile, int tstride, float *c, int ldc, int rows, int cols, float alpha,
                        float beta);

static void microkernel_portable(int kc, const float *apanel, const float *bpanel, int bstride, float *tile,
                                 float *c, int ldc, float alpha, float beta) {
    float acc[MR][NR];
    memset(acc, 0, sizeof acc);
    for (int p = 0; p < kc; p++) {
        const float *ap = apanel + p * MR, *bp = bpanel + (size_t)p * bstride;
        for (int i = 0; i < MR; i++) {
            float av = ap[i];
            for (int j = 0; j < NR; j++) acc[i][j] += av * bp[j];
        }
    }
    if (c) store_tile(&acc[0][0], c, ldc, MR, NR, alpha, beta);
    else memcpy(tile, acc, sizeof acc);
}

#ifdef OCR_X86
__attribute__((target("avx2,fma")))
static void microkernel_avx2(int kc, const float *apanel, const float *bpanel, int bstride, float *tile,
                             float *c, int ldc, float alpha, float beta) {
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    for (int p = 0; p < kc; p++) {
        __m256 b0 = _mm256_loadu_ps(bpanel), b1 = _mm256_loadu_ps(bpanel + 8);
        __m256 a;
        a = _mm256_broadcast_ss(apanel + 0); c00 = _mm256_fmadd_ps(a, b0, c00); c01 = _mm256_fmadd_ps(a, b1, c01);
        a = _mm256_broadcast_ss(apanel + 1); c10 = _mm256_fmadd_ps(a, b0, c10); c11 = _mm256_fmadd_ps(a, b1, c11);
        a = _mm256_broadcast_ss(apanel + 2); c20 = _mm256_fmadd_ps(a, b0, c20); c21 = _mm256_fmadd_ps(a, b1, c21);
        a = _mm256_broadcast_ss(apanel + 3); c30 = _mm256_fmadd_ps(a, b0, c30); c31 = _mm256_fmadd_ps(a, b1, c31);
        a = _mm256_broadcast_ss(apanel + 4); c40 = _mm256_fmadd_ps(a, b0, c40); c41 = _mm256_fmadd_ps(a, b1, c41);
        a = _mm256_broadcast_ss(apanel + 5); c50 = _mm256_fmadd_ps(a, b0, c50); c51 = _mm256_fmadd_ps(a, b1, c51);
        apanel += MR;
        bpanel += bstride;
    }
    if (c) {
        __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
        __m256 rows[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
        for (int i = 0; i < MR; i++) {
            float *ci = c + (size_t)i * ldc;
            for (int h = 0; h < 2; h++) {
                __m256 v = _mm256_mul_ps(va, rows[i][h]);
                if (beta != 0) v = _mm256_fmadd_ps(vb, _mm256_loadu_ps(ci + 8 * h), v);
                _mm256_storeu_ps(ci + 8 * h, v);
            }
        }
        return;
    }
    _mm256_store_ps(tile + 0, c00);  _mm256_store_ps(tile + 8, c01);
    _mm256_store_ps(tile + 16, c10); _mm256_store_ps(tile + 24, c11);
    _mm256_store_ps(tile + 32, c20); _mm256_store_ps(tile + 40, c21);
    _mm256_store_ps(tile + 48, c30); _mm256_store_ps(tile + 56, c31);
    _mm256_store_ps(tile + 64, c40); _mm256_store_ps(tile + 72, c41);
    _mm256_store_ps(tile + 80, c50); _mm256_store_ps(tile + 88, c51);
}
#endif

#ifdef OCR_X86
// The 6x32 tile on AVX-512: the 6x16 kernel's scheme at twice the width, two panels side by side.
__attribute__((target("avx512f")))
static void pair_microkernel_avx512(int kc, const float *apanel, const float *b0, const float *b1, int bstride,
                                    float *c, int ldc, float alpha, float beta) {
    __m512 c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps();
    __m512 c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps();
    __m512 c20 = _mm512_setzero_ps(), c21 = _mm512_setzero_ps();
    __m512 c30 = _mm512_setzero_ps(), c31 = _mm512_setzero_ps();
    __m512 c40 = _mm512_setzero_ps(), c41 = _mm512_setzero_ps();
    __m512 c50 = _mm512_setzero_ps(), c51 = _mm512_setzero_ps();
    for (int p = 0; p < kc; p++) {
        __m512 x0 = _mm512_loadu_ps(b0), x1 = _mm512_loadu_ps(b1);
        __m512 a;
        a = _mm512_set1_ps(apanel[0]); c00 = _mm512_fmadd_ps(a, x0, c00); c01 = _mm512_fmadd_ps(a, x1, c01);
        a = _mm512_set1_ps(apanel[1]); c10 = _mm512_fmadd_ps(a, x0, c10); c11 = _mm512_fmadd_ps(a, x1, c11);
        a = _mm512_set1_ps(apanel[2]); c20 = _mm512_fmadd_ps(a, x0, c20); c21 = _mm512_fmadd_ps(a, x1, c21);
        a = _mm512_set1_ps(apanel[3]); c30 = _mm512_fmadd_ps(a, x0, c30); c31 = _mm512_fmadd_ps(a, x1, c31);
        a = _mm512_set1_ps(apanel[4]); c40 = _mm512_fmadd_ps(a, x0, c40); c41 = _mm512_fmadd_ps(a, x1, c41);
        a = _mm512_set1_ps(apanel[5]); c50 = _mm512_fmadd_ps(a, x0, c50); c51 = _mm512_fmadd_ps(a, x1, c51);
        apanel += MR;
        b0 += bstride;
        b1 += bstride;
    }
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    __m512 rows[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
    for (int i = 0; i < MR; i++) {
        float *ci = c + (size_t)i * ldc;
        for (int h = 0; h < 2; h++) {
            __m512 v = _mm512_mul_ps(va, rows[i][h]);
            if (beta != 0) v = _mm512_fmadd_ps(vb, _mm512_loadu_ps(ci + 16 * h), v);
            _mm512_storeu_ps(ci + 16 * h, v);
        }
    }
}

// A 12x16 tile on AVX-512 from two A panels and one B panel: for the last, unpaired 16-column
// panel (tall, narrow products such as Winograd's on short lines), with 12 accumulators where a
// 6x16 tile in zmm registers would wait on its 6 chains.
__attribute__((target("avx512f")))
static void tall_microkernel_avx512(int kc, const float *a0, const float *a1, const float *b, int bstride,
                                    float *c, int ldc, float alpha, float beta) {
    __m512 acc[2 * MR];
    for (int i = 0; i < 2 * MR; i++) acc[i] = _mm512_setzero_ps();
    for (int p = 0; p < kc; p++) {
        __m512 x = _mm512_loadu_ps(b);
        for (int i = 0; i < MR; i++) acc[i] = _mm512_fmadd_ps(_mm512_set1_ps(a0[i]), x, acc[i]);
        for (int i = 0; i < MR; i++) acc[MR + i] = _mm512_fmadd_ps(_mm512_set1_ps(a1[i]), x, acc[MR + i]);
        a0 += MR;
        a1 += MR;
        b += bstride;
    }
    __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    for (int i = 0; i < 2 * MR; i++) {
        float *ci = c + (size_t)i * ldc;
        __m512 v = _mm512_mul_ps(va, acc[i]);
        if (beta != 0) v = _mm512_fmadd_ps(vb, _mm512_loadu_ps(ci), v);
        _mm512_storeu_ps(ci, v);
    }
}
#endif

// Per thread, so a test limiting the kernels cannot change the kernels under another test.
static _Thread_local int kernels_limit = OCR_KERNELS_BEST;

void ocr_kernels_limit(int limit) { kernels_limit = limit; }

int ocr_kernels_limited(void) { return kernels_limit; }

ocr_microkernel_fn ocr_choose_microkernel(void) {
#ifdef OCR_X86
    if (kernels_limit != OCR_KERNELS_PORTABLE && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return microkernel_avx2;
#endif
    return microkernel_portable;
}

ocr_pair_microkernel_fn ocr_choose_pair_microkernel(void) {
#ifdef OCR_X86
    if (kernels_limit == OCR_KERNELS_BEST && __builtin_cpu_supports("avx512f") && ocr_has_avx2_fma())
        return pair_microkernel_avx512;
#endif
    return NULL;
}

int ocr_has_avx2_fma(void) { return ocr_choose_microkernel() != microkernel_portable; }

const char *ocr_sgemm_kernel_name(void) {
    return ocr_choose_pair_microkernel() ? "avx512" : ocr_has_avx2_fma() ? "avx2+fma" : "portable";
}

// One 6x16 tile of C at `c` (rows x cols of it valid): straight to C when full, else through
// `tile`.
static inline void one_tile(microkernel_fn kernel, int kc, const float *apanel, const float *bpanel, int bstride,
                            float *c, int ldc, int rows, int cols, float alpha, float beta, float *tile) {
    if (rows == MR && cols == NR) {
        kernel(kc, apanel, bpanel, bstride, NULL, c, ldc, alpha, beta);
    } else {
        kernel(kc, apanel, bpanel, bstride, tile, NULL, 0, 0, 0);
        store_tile(tile, c, ldc, rows, cols, alpha, beta);
    }
}

// C [mc, nc] = alpha · A · B + beta · C for A panels at `a` (MR rows each, panel i at
// a + i * a_step) and B panels at `b` (panel j at b + j * b_step, rows `bstride` apart): for each
// B panel, or pair of panels with the pair kernel, (kept in L1) the A panels stream past. With
// AVX-512, 6x32 tiles, then 12x16 ones for an unpaired last panel.
void ocr_macro_kernel(int mc, int nc, int kc, const float *a, size_t a_step, const float *b, size_t b_step,
                      int bstride, float *c, int ldc, float alpha, float beta) {
    microkernel_fn kernel = ocr_choose_microkernel();
    ocr_pair_microkernel_fn pair = ocr_choose_pair_microkernel();
    float tile[MR * NR] __attribute__((aligned(64))), wide[MR * 2 * NR] __attribute__((aligned(64)));
    for (int s = 0; s < nc;) {
        const float *b0 = b + (size_t)(s / NR) * b_step;
        if (pair && nc - s >= 2 * NR) {
            const float *b1 = b0 + b_step;
            for (int r = 0; r < mc; r += MR) {
                int rows = mc - r < MR ? mc - r : MR;
                const float *ar = a + (size_t)(r / MR) * a_step;
                float *cij = c + (size_t)r * ldc + s;
                if (rows == MR) {
                    pair(kc, ar, b0, b1, bstride, cij, ldc, alpha, beta);
                } else {
                    // The last rows: the whole 6x32 tile (A's panel is zero-padded), the valid rows stored.
                    pair(kc, ar, b0, b1, bstride, wide, 2 * NR, 1, 0);
                    store_block(wide, 2 * NR, cij, ldc, rows, 2 * NR, alpha, beta);
                }
            }
            s += 2 * NR;
            continue;
        }
        int cols = nc - s < NR ? nc - s : NR;
        for (int r = 0; r < mc;) {
#ifdef OCR_X86
            if (pair && cols == NR && mc - r >= 2 * MR) {
                const float *ar = a + (size_t)(r / MR) * a_step;
                tall_microkernel_avx512(kc, ar, ar + a_step, b0, bstride, c + (size_t)r * ldc + s, ldc, alpha, beta);
                r += 2 * MR;
                continue;
            }
#endif
            one_tile(kernel, kc, a + (size_t)(r / MR) * a_step, b0, bstride, c + (size_t)r * ldc + s, ldc,
                     mc - r < MR ? mc - r : MR, cols, alpha, beta, tile);
            r += MR;
        }
        s += NR;
    }
}

// C block (rows x cols) = alpha * tile + beta * C, the tile's rows `tstride` apart.
static void store_block(const float *tile, int tstride, float *c, int ldc, int rows, int cols, float alpha,
                        float beta) {
    for (int i = 0; i < rows; i++) {
        float *ci = c + (size_t)i * ldc;
        const float *ti = tile + i * tstride;
        if (beta == 0) {
            for (int j = 0; j < cols; j++) ci[j] = alpha * ti[j];
        } else if (beta == 1) {
            for (int j = 0; j < cols; j++) ci[j] += alpha * ti[j];
        } else {
            for (int j = 0; j < cols; j++) ci[j] = beta * ci[j] + alpha * ti[j];
        }
    }
}

// C tile (rows x cols of it valid) = alpha * tile + beta * C.
static void store_tile(const float *tile, float *c, int ldc, int rows, int cols, float alpha, float beta) {
    store_block(tile, NR, c, ldc, rows, cols, alpha, beta);
}

// A few rows of C (batch-1 recurrences, single lines): packing B would cost as much as the
// product, so each row is computed straight from A and B. With B transposed every output is a
// dot product of two contiguous rows; otherwise a row of C accumulates scaled rows of B.
enum { SMALL_M = 4 };

static void small_m_portable(int trans_a, int trans_b, int m, int n, int k, float alpha,
                             const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    for (int i = 0; i < m; i++) {
        float *ci = c + (size_t)i * ldc;
        for (int j = 0; j < n; j++) ci[j] = beta == 0 ? 0 : beta * ci[j];
        for (int p = 0; p < k; p++) {
            float av = alpha * a_at(a, lda, trans_a, i, p);
            if (av == 0) continue;
            for (int j = 0; j < n; j++) ci[j] += av * b_at(b, ldb, trans_b, p, j);
        }
    }
}

#ifdef OCR_X86
__attribute__((target("avx2,fma")))
static void small_m_avx2(int trans_a, int trans_b, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    for (int i = 0; i < m; i++) {
        float *ci = c + (size_t)i * ldc;
        if (trans_b && !trans_a) {
            const float *ai = a + (size_t)i * lda;
            for (int j = 0; j < n; j++) {
                const float *bj = b + (size_t)j * ldb;
                __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
                int p = 0;
                for (; p + 16 <= k; p += 16) {
                    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(ai + p), _mm256_loadu_ps(bj + p), s0);
                    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(ai + p + 8), _mm256_loadu_ps(bj + p + 8), s1);
                }
                s0 = _mm256_add_ps(s0, s1);
                __m128 h = _mm_add_ps(_mm256_castps256_ps128(s0), _mm256_extractf128_ps(s0, 1));
                h = _mm_add_ps(h, _mm_movehl_ps(h, h));
                h = _mm_add_ss(h, _mm_shuffle_ps(h, h, 1));
                float sum = _mm_cvtss_f32(h);
                for (; p < k; p++) sum += ai[p] * bj[p];
                ci[j] = alpha * sum + (beta == 0 ? 0 : beta * ci[j]);
            }
        } else if (!trans_b) {
            for (int j = 0; j < n; j++) ci[j] = beta == 0 ? 0 : beta * ci[j];
            for (int p = 0; p < k; p++) {
                float av = alpha * a_at(a, lda, trans_a, i, p);
                __m256 va = _mm256_set1_ps(av);
                const float *bp = b + (size_t)p * ldb;
                int j = 0;
                for (; j + 8 <= n; j += 8)
                    _mm256_storeu_ps(ci + j, _mm256_fmadd_ps(va, _mm256_loadu_ps(bp + j), _mm256_loadu_ps(ci + j)));
                for (; j < n; j++) ci[j] += av * bp[j];
            }
        } else {
            small_m_portable(trans_a, trans_b, 1, n, k, alpha, trans_a ? a + i : a + (size_t)i * lda, lda, b, ldb,
                             beta, ci, ldc);
        }
    }
}
#endif

void ocr_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha,
               const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    if (m <= 0 || n <= 0) return;
    if (m <= SMALL_M && k > 0) {
#ifdef OCR_X86
        if (ocr_choose_microkernel() == microkernel_avx2) {
            small_m_avx2(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
#endif
        small_m_portable(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    if (k <= 0 || alpha == 0) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) c[(size_t)i * ldc + j] = beta == 0 ? 0 : beta * c[(size_t)i * ldc + j];
        return;
    }
    int kc_max = k < KC ? k : KC;
    int nc_max = n < NC ? n : NC, mc_max = m < MC ? m : MC;
    size_t b_size = (size_t)((nc_max + NR - 1) / NR * NR) * kc_max;
    size_t a_size = (size_t)((mc_max + MR - 1) / MR * MR) * kc_max;
    float *bpack = aligned_alloc(64, (b_size * sizeof(float) + 63) / 64 * 64);
    float *apack = aligned_alloc(64, (a_size * sizeof(float) + 63) / 64 * 64);

    for (int j0 = 0; j0 < n; j0 += NC) {
        int nc = n - j0 < NC ? n - j0 : NC;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = k - p0 < KC ? k - p0 : KC;
            float beta_here = p0 == 0 ? beta : 1.0f;
            pack_b(bpack, b, ldb, trans_b, p0, kc, j0, nc);
            for (int i0 = 0; i0 < m; i0 += MC) {
                int mc = m - i0 < MC ? m - i0 : MC;
                ocr_pack_a(apack, a, lda, trans_a, i0, mc, p0, kc);
                ocr_macro_kernel(mc, nc, kc, apack, (size_t)MR * kc, bpack, (size_t)NR * kc, NR,
                                 c + (size_t)i0 * ldc + j0, ldc, alpha, beta_here);
            }
        }
    }
    free(apack);
    free(bpack);
}

// MARK: B packed once, A read in place

size_t ocr_sgemm_packed_b_count(int k, int n) { return (size_t)(n + NR - 1) / NR * NR * k; }

void ocr_sgemm_pack_b(int trans_b, int k, int n, const float *b, int ldb, float *packed) {
    pack_b(packed, b, ldb, trans_b, 0, k, 0, n);
}

// C rows [0, rows) x the 16 columns of one panel (`cols` of them valid) = A · panel + beta · C,
// A's rows read in place. `rows` is a constant at each call site, so the accumulators stay in
// registers.
static inline void rows_portable(int rows, int k, const float *a, int lda, const float *panel, float beta,
                                 float *c, int ldc, int cols) {
    float acc[MR][NR];
    memset(acc, 0, sizeof acc);
    for (int p = 0; p < k; p++)
        for (int i = 0; i < rows; i++) {
            float av = a[(size_t)i * lda + p];
            for (int j = 0; j < NR; j++) acc[i][j] += av * panel[p * NR + j];
        }
    store_tile(&acc[0][0], c, ldc, rows, cols, 1, beta);
}

#ifdef OCR_X86
// As rows_portable over `panels` consecutive full panels at once (rows · panels <= 6), so even a
// single row has 8 independent accumulators instead of a 2-long chain of dependent FMAs.
__attribute__((target("avx2,fma"), always_inline))
static inline void rows_avx2(const int rows, const int panels, int k, const float *a, int lda, const float *panel,
                             float beta, float *c, int ldc, int cols) {
    __m256 acc[MR][8];
    for (int i = 0; i < rows; i++)
        for (int h = 0; h < 2 * panels; h++) acc[i][h] = _mm256_setzero_ps();
    for (int p = 0; p < k; p++) {
        __m256 b[8];
        for (int q = 0; q < panels; q++) {
            b[2 * q] = _mm256_loadu_ps(panel + (size_t)q * k * NR + p * NR);
            b[2 * q + 1] = _mm256_loadu_ps(panel + (size_t)q * k * NR + p * NR + 8);
        }
        for (int i = 0; i < rows; i++) {
            __m256 av = _mm256_broadcast_ss(a + (size_t)i * lda + p);
            for (int h = 0; h < 2 * panels; h++) acc[i][h] = _mm256_fmadd_ps(av, b[h], acc[i][h]);
        }
    }
    if (cols == NR * panels) {
        __m256 vb = _mm256_set1_ps(beta);
        for (int i = 0; i < rows; i++) {
            float *ci = c + (size_t)i * ldc;
            for (int h = 0; h < 2 * panels; h++) {
                __m256 v = acc[i][h];
                if (beta != 0) v = _mm256_fmadd_ps(vb, _mm256_loadu_ps(ci + 8 * h), v);
                _mm256_storeu_ps(ci + 8 * h, v);
            }
        }
        return;
    }
    // One partial panel.
    float tile[MR * NR] __attribute__((aligned(32)));
    for (int i = 0; i < rows; i++) {
        _mm256_store_ps(tile + i * NR, acc[i][0]);
        _mm256_store_ps(tile + i * NR + 8, acc[i][1]);
    }
    store_tile(tile, c, ldc, rows, cols, 1, beta);
}

__attribute__((target("avx2,fma")))
static void packed_b_avx2(int m, int n, int k, const float *a, int lda, const float *packed, float beta,
                          float *c, int ldc) {
    for (int i = 0; i < m; i += MR) {
        const float *ai = a + (size_t)i * lda;
        int rows = m - i < MR ? m - i : MR;
        // Panels per call: as many as 6 accumulator pairs allow, only full ones grouped.
        int group = rows == 1 ? 3 : rows == 2 ? 3 : rows == 3 ? 2 : 1;
        for (int s = 0; s < n;) {
            const float *panel = packed + (size_t)s * k;
            float *ci = c + (size_t)i * ldc + s;
            int full = (n - s) / NR, g = full >= group ? group : full > 0 ? full : 1;
            int cols = g * NR <= n - s ? g * NR : n - s;
            switch (rows * 4 + g) {
            case 1 * 4 + 1: rows_avx2(1, 1, k, ai, lda, panel, beta, ci, ldc, cols); break;
            case 1 * 4 + 2: rows_avx2(1, 2, k, ai, lda, panel, beta, ci, ldc, cols); break;
            case 1 * 4 + 3: rows_avx2(1, 3, k, ai, lda, panel, beta, ci, ldc, cols); break;
            case 2 * 4 + 1: rows_avx2(2, 1, k, ai, lda, panel, beta, ci, ldc, cols); break;
            case 2 * 4 + 2: rows_avx2(2, 2, k, ai, lda, panel, beta, ci, ldc, cols); break;
            case 2 * 4 + 3: rows_avx2(2, 3, k, ai, lda, panel, beta, ci, ldc, cols); break;
            case 3 * 4 + 1: rows_avx2(3, 1, k, ai, lda, panel, beta, ci, ldc, cols); break;
            case 3 * 4 + 2: rows_avx2(3, 2, k, ai, lda, panel, beta, ci, ldc, cols); break;
            case 4 * 4 + 1: rows_avx2(4, 1, k, ai, lda, panel, beta, ci, ldc, cols); break;
            case 5 * 4 + 1: rows_avx2(5, 1, k, ai, lda, panel, beta, ci, ldc, cols); break;
            default: rows_avx2(6, 1, k, ai, lda, panel, beta, ci, ldc, cols); break;
            }
            s += g * NR;
        }
    }
}

// As rows_avx2 with one 16-float register per row and panel: rows · panels accumulators.
__attribute__((target("avx512f"), always_inline))
static inline void rows_avx512(const int rows, const int panels, int k, const float *a, int lda, const float *panel,
                               float beta, float *c, int ldc, int cols) {
    __m512 acc[MR][8];
    for (int i = 0; i < rows; i++)
        for (int q = 0; q < panels; q++) acc[i][q] = _mm512_setzero_ps();
    for (int p = 0; p < k; p++) {
        __m512 b[8];
        for (int q = 0; q < panels; q++) b[q] = _mm512_loadu_ps(panel + (size_t)q * k * NR + p * NR);
        for (int i = 0; i < rows; i++) {
            __m512 av = _mm512_set1_ps(a[(size_t)i * lda + p]);
            for (int q = 0; q < panels; q++) acc[i][q] = _mm512_fmadd_ps(av, b[q], acc[i][q]);
        }
    }
    if (cols == NR * panels) {
        __m512 vb = _mm512_set1_ps(beta);
        for (int i = 0; i < rows; i++) {
            float *ci = c + (size_t)i * ldc;
            for (int q = 0; q < panels; q++) {
                __m512 v = acc[i][q];
                if (beta != 0) v = _mm512_fmadd_ps(vb, _mm512_loadu_ps(ci + NR * q), v);
                _mm512_storeu_ps(ci + NR * q, v);
            }
        }
        return;
    }
    // One partial panel.
    float tile[MR * NR] __attribute__((aligned(64)));
    for (int i = 0; i < rows; i++) _mm512_store_ps(tile + i * NR, acc[i][0]);
    store_tile(tile, c, ldc, rows, cols, 1, beta);
}

__attribute__((target("avx512f")))
static void packed_b_avx512(int m, int n, int k, const float *a, int lda, const float *packed, float beta,
                            float *c, int ldc) {
    for (int i = 0; i < m; i += MR) {
        const float *ai = a + (size_t)i * lda;
        int rows = m - i < MR ? m - i : MR;
        // Panels per call: 8 to 12 accumulators (enough to hide the FMA latency), full ones grouped.
        int group = rows == 1 ? 8 : rows == 2 ? 4 : rows <= 4 ? 3 : 2;
        for (int s = 0; s < n;) {
            const float *panel = packed + (size_t)s * k;
            float *ci = c + (size_t)i * ldc + s;
            int full = (n - s) / NR, g = full >= group ? group : full > 0 ? full : 1;
            int cols = g * NR <= n - s ? g * NR : n - s;
#define OCR_ROWS_CASE(r, q) case r * 16 + q: rows_avx512(r, q, k, ai, lda, panel, beta, ci, ldc, cols); break;
            switch (rows * 16 + g) {
            OCR_ROWS_CASE(1, 1) OCR_ROWS_CASE(1, 2) OCR_ROWS_CASE(1, 3) OCR_ROWS_CASE(1, 4)
            OCR_ROWS_CASE(1, 5) OCR_ROWS_CASE(1, 6) OCR_ROWS_CASE(1, 7) OCR_ROWS_CASE(1, 8)
            OCR_ROWS_CASE(2, 1) OCR_ROWS_CASE(2, 2) OCR_ROWS_CASE(2, 3) OCR_ROWS_CASE(2, 4)
            OCR_ROWS_CASE(3, 1) OCR_ROWS_CASE(3, 2) OCR_ROWS_CASE(3, 3)
            OCR_ROWS_CASE(4, 1) OCR_ROWS_CASE(4, 2) OCR_ROWS_CASE(4, 3)
            OCR_ROWS_CASE(5, 1) OCR_ROWS_CASE(5, 2)
            OCR_ROWS_CASE(6, 1) default: rows_avx512(6, 2, k, ai, lda, panel, beta, ci, ldc, cols); break;
            }
#undef OCR_ROWS_CASE
            s += g * NR;
        }
    }
}
#endif

// Many rows: BLIS blocking with A packed per MC x KC block and B's panels read in place (a KC
// slice of a full-K panel is contiguous too).
static void packed_b_blocked(int m, int n, int k, const float *a, int lda, const float *packed, float beta,
                             float *c, int ldc) {
    int kc_max = k < KC ? k : KC, mc_max = m < MC ? m : MC;
    float *apack = aligned_alloc(64, ((size_t)(mc_max + MR - 1) / MR * MR * kc_max * sizeof(float) + 63) / 64 * 64);
    for (int p0 = 0; p0 < k; p0 += KC) {
        int kc = k - p0 < KC ? k - p0 : KC;
        float beta_here = p0 == 0 ? beta : 1.0f;
        for (int i0 = 0; i0 < m; i0 += MC) {
            int mc = m - i0 < MC ? m - i0 : MC;
            ocr_pack_a(apack, a, lda, 0, i0, mc, p0, kc);
            ocr_macro_kernel(mc, n, kc, apack, (size_t)MR * kc, packed + (size_t)p0 * NR, (size_t)NR * k, NR,
                             c + (size_t)i0 * ldc, ldc, 1, beta_here);
        }
    }
    free(apack);
}

void ocr_sgemm_packed_b(int m, int n, int k, const float *a, int lda, const float *packed, float beta,
                        float *c, int ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) c[(size_t)i * ldc + j] = beta == 0 ? 0 : beta * c[(size_t)i * ldc + j];
        return;
    }
    if (m >= 4 * MR) {
        packed_b_blocked(m, n, k, a, lda, packed, beta, c, ldc);
        return;
    }
#ifdef OCR_X86
    if (ocr_choose_pair_microkernel()) {
        packed_b_avx512(m, n, k, a, lda, packed, beta, c, ldc);
        return;
    }
    if (ocr_has_avx2_fma()) {
        packed_b_avx2(m, n, k, a, lda, packed, beta, c, ldc);
        return;
    }
#endif
    for (int s = 0; s < n; s += NR)
        for (int i = 0; i < m; i += MR)
            rows_portable(m - i < MR ? m - i : MR, k, a + (size_t)i * lda, lda, packed + (size_t)s * k, beta,
                          c + (size_t)i * ldc + s, ldc, n - s < NR ? n - s : NR);
}

void ocr_sgemm_reference(int trans_a, int trans_b, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            double sum = 0;
            for (int p = 0; p < k; p++) sum += (double)a_at(a, lda, trans_a, i, p) * b_at(b, ldb, trans_b, p, j);
            float *cij = c + (size_t)i * ldc + j;
            *cij = (float)(alpha * sum + (beta == 0 ? 0 : beta * *cij));
        }
    }
}
