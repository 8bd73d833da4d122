// Packed, register-blocked SGEMM in the BLIS style: C is split into NC-column and MC-row blocks,
// K into KC slices; A and B slices are packed into contiguous MR-row / NR-column panels, and a
// 6x16 microkernel keeps its tile of C in registers across the whole KC slice.
#include "CKernels.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define OCR_X86 1
#endif

enum { MR = 6, NR = 16, KC = 256, MC = 120, NC = 2040 };

// op(A)[i][p] and op(B)[p][j] for any transposition.
static inline float a_at(const float *a, int lda, int trans, int i, int p) {
    return trans ? a[(size_t)p * lda + i] : a[(size_t)i * lda + p];
}
static inline float b_at(const float *b, int ldb, int trans, int p, int j) {
    return trans ? b[(size_t)j * ldb + p] : b[(size_t)p * ldb + j];
}

// Packs rows [i0, i0+mc) x cols [p0, p0+kc) of op(A) into MR-row panels, k-major, zero-padded:
// panel r holds packed[r*MR*kc + p*MR + i].
static void pack_a(float *packed, const float *a, int lda, int trans, int i0, int mc, int p0, int kc) {
    for (int r = 0; r < mc; r += MR) {
        int rows = mc - r < MR ? mc - r : MR;
        float *dst = packed + (size_t)r * kc;
        if (!trans) {
            for (int i = 0; i < rows; i++) {
                const float *src = a + (size_t)(i0 + r + i) * lda + p0;
                for (int p = 0; p < kc; p++) dst[p * MR + i] = src[p];
            }
        } else {
            for (int p = 0; p < kc; p++) {
                const float *src = a + (size_t)(p0 + p) * lda + i0 + r;
                for (int i = 0; i < rows; i++) dst[p * MR + i] = src[i];
            }
        }
        for (int i = rows; i < MR; i++)
            for (int p = 0; p < kc; p++) dst[p * MR + i] = 0;
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

// tile[MR][NR] = sum_p apanel[p][i] * bpanel[p][j]; when `c` is not NULL the tile is full and
// is written straight to C instead: c[i][j] = alpha * tile[i][j] + beta * c[i][j].
typedef void (*microkernel_fn)(int kc, const float *apanel, const float *bpanel, float *tile,
                               float *c, int ldc, float alpha, float beta);

static void store_tile(const float *tile, float *c, int ldc, int rows, int cols, float alpha, float beta);

static void microkernel_portable(int kc, const float *apanel, const float *bpanel, float *tile,
                                 float *c, int ldc, float alpha, float beta) {
    float acc[MR][NR];
    memset(acc, 0, sizeof acc);
    for (int p = 0; p < kc; p++) {
        const float *ap = apanel + p * MR, *bp = bpanel + p * NR;
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
static void microkernel_avx2(int kc, const float *apanel, const float *bpanel, float *tile,
                             float *c, int ldc, float alpha, float beta) {
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    for (int p = 0; p < kc; p++) {
        __m256 b0 = _mm256_load_ps(bpanel), b1 = _mm256_load_ps(bpanel + 8);
        __m256 a;
        a = _mm256_broadcast_ss(apanel + 0); c00 = _mm256_fmadd_ps(a, b0, c00); c01 = _mm256_fmadd_ps(a, b1, c01);
        a = _mm256_broadcast_ss(apanel + 1); c10 = _mm256_fmadd_ps(a, b0, c10); c11 = _mm256_fmadd_ps(a, b1, c11);
        a = _mm256_broadcast_ss(apanel + 2); c20 = _mm256_fmadd_ps(a, b0, c20); c21 = _mm256_fmadd_ps(a, b1, c21);
        a = _mm256_broadcast_ss(apanel + 3); c30 = _mm256_fmadd_ps(a, b0, c30); c31 = _mm256_fmadd_ps(a, b1, c31);
        a = _mm256_broadcast_ss(apanel + 4); c40 = _mm256_fmadd_ps(a, b0, c40); c41 = _mm256_fmadd_ps(a, b1, c41);
        a = _mm256_broadcast_ss(apanel + 5); c50 = _mm256_fmadd_ps(a, b0, c50); c51 = _mm256_fmadd_ps(a, b1, c51);
        apanel += MR;
        bpanel += NR;
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

static int force_portable = 0;

void ocr_sgemm_force_portable(int force) { force_portable = force; }

static microkernel_fn choose_microkernel(void) {
#ifdef OCR_X86
    if (!force_portable && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return microkernel_avx2;
#endif
    return microkernel_portable;
}

const char *ocr_sgemm_kernel_name(void) {
    return choose_microkernel() == microkernel_portable ? "portable" : "avx2+fma";
}

// C tile (rows x cols of it valid) = alpha * tile + beta * C.
static void store_tile(const float *tile, float *c, int ldc, int rows, int cols, float alpha, float beta) {
    for (int i = 0; i < rows; i++) {
        float *ci = c + (size_t)i * ldc;
        const float *ti = tile + i * NR;
        if (beta == 0) {
            for (int j = 0; j < cols; j++) ci[j] = alpha * ti[j];
        } else if (beta == 1) {
            for (int j = 0; j < cols; j++) ci[j] += alpha * ti[j];
        } else {
            for (int j = 0; j < cols; j++) ci[j] = beta * ci[j] + alpha * ti[j];
        }
    }
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
        if (choose_microkernel() == microkernel_avx2) {
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
    microkernel_fn kernel = choose_microkernel();
    int kc_max = k < KC ? k : KC;
    int nc_max = n < NC ? n : NC, mc_max = m < MC ? m : MC;
    size_t b_size = (size_t)((nc_max + NR - 1) / NR * NR) * kc_max;
    size_t a_size = (size_t)((mc_max + MR - 1) / MR * MR) * kc_max;
    float *bpack = aligned_alloc(64, (b_size * sizeof(float) + 63) / 64 * 64);
    float *apack = aligned_alloc(64, (a_size * sizeof(float) + 63) / 64 * 64);
    float tile[MR * NR] __attribute__((aligned(64)));

    for (int j0 = 0; j0 < n; j0 += NC) {
        int nc = n - j0 < NC ? n - j0 : NC;
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = k - p0 < KC ? k - p0 : KC;
            float beta_here = p0 == 0 ? beta : 1.0f;
            pack_b(bpack, b, ldb, trans_b, p0, kc, j0, nc);
            for (int i0 = 0; i0 < m; i0 += MC) {
                int mc = m - i0 < MC ? m - i0 : MC;
                pack_a(apack, a, lda, trans_a, i0, mc, p0, kc);
                for (int s = 0; s < nc; s += NR) {
                    int cols = nc - s < NR ? nc - s : NR;
                    for (int r = 0; r < mc; r += MR) {
                        int rows = mc - r < MR ? mc - r : MR;
                        float *cij = c + (size_t)(i0 + r) * ldc + j0 + s;
                        if (rows == MR && cols == NR) {
                            kernel(kc, apack + (size_t)r * kc, bpack + (size_t)s * kc, NULL, cij, ldc, alpha, beta_here);
                        } else {
                            kernel(kc, apack + (size_t)r * kc, bpack + (size_t)s * kc, tile, NULL, 0, 0, 0);
                            store_tile(tile, cij, ldc, rows, cols, alpha, beta_here);
                        }
                    }
                }
            }
        }
    }
    free(apack);
    free(bpack);
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
