// Vectorized exp, sigmoid and tanh: AVX-512 and AVX2 + FMA paths chosen at run time, and a portable one.
#include "CKernels.h"

#include <math.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define OCR_X86 1
#endif

#ifdef OCR_X86
// exp(x) = 2^n * e^r with n = round(x / ln 2), r = x - n ln 2 in [-ln2/2, ln2/2]; e^r by a
// degree-6 polynomial (Cephes expf coefficients). Inputs are clamped to [-87.3, 88.7].
__attribute__((target("avx2,fma")))
static inline __m256 exp256(__m256 x) {
    const __m256 hi = _mm256_set1_ps(88.7f), lo = _mm256_set1_ps(-87.3f);
    const __m256 log2e = _mm256_set1_ps(1.44269504088896341f);
    const __m256 ln2hi = _mm256_set1_ps(0.693359375f), ln2lo = _mm256_set1_ps(-2.12194440e-4f);
    x = _mm256_min_ps(_mm256_max_ps(x, lo), hi);
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, ln2hi, x);
    r = _mm256_fnmadd_ps(n, ln2lo, r);
    __m256 p = _mm256_set1_ps(1.9875691500E-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507E-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073E-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894E-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459E-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201E-1f));
    __m256 r2 = _mm256_mul_ps(r, r);
    p = _mm256_fmadd_ps(p, r2, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

__attribute__((target("avx2,fma")))
static void vexp_avx2(const float *x, float *y, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, exp256(_mm256_loadu_ps(x + i)));
    for (; i < n; i++) y[i] = expf(x[i]);
}

__attribute__((target("avx2,fma")))
static inline __m256 sigmoid256(__m256 x) {
    const __m256 one = _mm256_set1_ps(1.0f);
    return _mm256_div_ps(one, _mm256_add_ps(one, exp256(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

// tanh(x) = 1 - 2 / (exp(2x) + 1); for |x| < 0.01 the odd Taylor series avoids cancellation.
__attribute__((target("avx2,fma")))
static inline __m256 tanh256(__m256 v) {
    const __m256 one = _mm256_set1_ps(1.0f), two = _mm256_set1_ps(2.0f);
    __m256 t = _mm256_sub_ps(one, _mm256_div_ps(two, _mm256_add_ps(exp256(_mm256_mul_ps(two, v)), one)));
    __m256 taylor = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_mul_ps(v, v), _mm256_set1_ps(-1.0f / 3.0f)), v, v);
    __m256 is_small = _mm256_cmp_ps(_mm256_andnot_ps(_mm256_set1_ps(-0.0f), v), _mm256_set1_ps(0.01f), _CMP_LT_OQ);
    return _mm256_blendv_ps(t, taylor, is_small);
}

__attribute__((target("avx2,fma")))
static void vsigmoid_avx2(const float *x, float *y, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, sigmoid256(_mm256_loadu_ps(x + i)));
    for (; i < n; i++) y[i] = 1.0f / (1.0f + expf(-x[i]));
}

__attribute__((target("avx2,fma")))
static void vtanh_avx2(const float *x, float *y, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, tanh256(_mm256_loadu_ps(x + i)));
    for (; i < n; i++) y[i] = tanhf(x[i]);
}

// One LSTM cell (see ocr_lstm_cell), 8 units at a time, the rest as the portable path computes it.
__attribute__((target("avx2,fma")))
static void lstm_cell_avx2(float *g, const float *c_prev, float *c, float *h, size_t n) {
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 i = sigmoid256(_mm256_loadu_ps(g + j)), f = sigmoid256(_mm256_loadu_ps(g + n + j));
        __m256 u = tanh256(_mm256_loadu_ps(g + 2 * n + j)), o = sigmoid256(_mm256_loadu_ps(g + 3 * n + j));
        _mm256_storeu_ps(g + j, i);
        _mm256_storeu_ps(g + n + j, f);
        _mm256_storeu_ps(g + 2 * n + j, u);
        _mm256_storeu_ps(g + 3 * n + j, o);
        __m256 cj = _mm256_add_ps(_mm256_mul_ps(f, _mm256_loadu_ps(c_prev + j)), _mm256_mul_ps(i, u));
        _mm256_storeu_ps(c + j, cj);
        _mm256_storeu_ps(h + j, _mm256_mul_ps(o, tanh256(cj)));
    }
    for (; j < n; j++) {
        float i = 1.0f / (1.0f + expf(-g[j])), f = 1.0f / (1.0f + expf(-g[n + j]));
        float u = tanhf(g[2 * n + j]), o = 1.0f / (1.0f + expf(-g[3 * n + j]));
        g[j] = i, g[n + j] = f, g[2 * n + j] = u, g[3 * n + j] = o;
        c[j] = f * c_prev[j] + i * u;
        h[j] = o * tanhf(c[j]);
    }
}

// The same functions 16 lanes at a time, the tail through masked loads and stores.
__attribute__((target("avx512f")))
static inline __m512 exp512(__m512 x) {
    x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.3f)), _mm512_set1_ps(88.7f));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500E-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507E-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073E-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894E-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459E-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201E-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    __m512i e = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
    return _mm512_mul_ps(p, _mm512_castsi512_ps(e));
}

static inline __mmask16 tail_mask(size_t left) { return left >= 16 ? 0xFFFF : (__mmask16)((1u << left) - 1); }

__attribute__((target("avx512f")))
static void vexp_avx512(const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 m = tail_mask(n - i);
        _mm512_mask_storeu_ps(y + i, m, exp512(_mm512_maskz_loadu_ps(m, x + i)));
    }
}

__attribute__((target("avx512f")))
static inline __m512 sigmoid512(__m512 x) {
    const __m512 one = _mm512_set1_ps(1.0f);
    return _mm512_div_ps(one, _mm512_add_ps(one, exp512(_mm512_sub_ps(_mm512_setzero_ps(), x))));
}

__attribute__((target("avx512f")))
static inline __m512 tanh512(__m512 v) {
    const __m512 one = _mm512_set1_ps(1.0f), two = _mm512_set1_ps(2.0f);
    __m512 t = _mm512_sub_ps(one, _mm512_div_ps(two, _mm512_add_ps(exp512(_mm512_mul_ps(two, v)), one)));
    __m512 taylor = _mm512_fmadd_ps(_mm512_mul_ps(_mm512_mul_ps(v, v), _mm512_set1_ps(-1.0f / 3.0f)), v, v);
    __mmask16 small = _mm512_cmp_ps_mask(_mm512_abs_ps(v), _mm512_set1_ps(0.01f), _CMP_LT_OQ);
    return _mm512_mask_blend_ps(small, t, taylor);
}

__attribute__((target("avx512f")))
static void vsigmoid_avx512(const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 m = tail_mask(n - i);
        _mm512_mask_storeu_ps(y + i, m, sigmoid512(_mm512_maskz_loadu_ps(m, x + i)));
    }
}

__attribute__((target("avx512f")))
static void vtanh_avx512(const float *x, float *y, size_t n) {
    for (size_t i = 0; i < n; i += 16) {
        __mmask16 m = tail_mask(n - i);
        _mm512_mask_storeu_ps(y + i, m, tanh512(_mm512_maskz_loadu_ps(m, x + i)));
    }
}

__attribute__((target("avx512f")))
static void lstm_cell_avx512(float *g, const float *c_prev, float *c, float *h, size_t n) {
    for (size_t j = 0; j < n; j += 16) {
        __mmask16 m = tail_mask(n - j);
        __m512 i = sigmoid512(_mm512_maskz_loadu_ps(m, g + j)), f = sigmoid512(_mm512_maskz_loadu_ps(m, g + n + j));
        __m512 u = tanh512(_mm512_maskz_loadu_ps(m, g + 2 * n + j));
        __m512 o = sigmoid512(_mm512_maskz_loadu_ps(m, g + 3 * n + j));
        _mm512_mask_storeu_ps(g + j, m, i);
        _mm512_mask_storeu_ps(g + n + j, m, f);
        _mm512_mask_storeu_ps(g + 2 * n + j, m, u);
        _mm512_mask_storeu_ps(g + 3 * n + j, m, o);
        __m512 cj = _mm512_add_ps(_mm512_mul_ps(f, _mm512_maskz_loadu_ps(m, c_prev + j)), _mm512_mul_ps(i, u));
        _mm512_mask_storeu_ps(c + j, m, cj);
        _mm512_mask_storeu_ps(h + j, m, _mm512_mul_ps(o, tanh512(cj)));
    }
}

// Which vector path: the CPU's best, unless the calling thread limits the kernels
// (`ocr_kernels_limit`) so that tests can check every path on one machine.
static int has_avx2(void) {
    return ocr_kernels_limited() != OCR_KERNELS_PORTABLE && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

static int has_avx512(void) { return ocr_kernels_limited() == OCR_KERNELS_BEST && __builtin_cpu_supports("avx512f") && has_avx2(); }
#endif

void ocr_vexp(const float *x, float *y, size_t n) {
#ifdef OCR_X86
    if (has_avx512()) { vexp_avx512(x, y, n); return; }
    if (has_avx2()) { vexp_avx2(x, y, n); return; }
#endif
    for (size_t i = 0; i < n; i++) y[i] = expf(x[i]);
}

void ocr_vsigmoid(const float *x, float *y, size_t n) {
#ifdef OCR_X86
    if (has_avx512()) { vsigmoid_avx512(x, y, n); return; }
    if (has_avx2()) { vsigmoid_avx2(x, y, n); return; }
#endif
    for (size_t i = 0; i < n; i++) y[i] = 1.0f / (1.0f + expf(-x[i]));
}

void ocr_vtanh(const float *x, float *y, size_t n) {
#ifdef OCR_X86
    if (has_avx512()) { vtanh_avx512(x, y, n); return; }
    if (has_avx2()) { vtanh_avx2(x, y, n); return; }
#endif
    for (size_t i = 0; i < n; i++) y[i] = tanhf(x[i]);
}

#ifdef OCR_X86
__attribute__((target("avx2,fma")))
static void relu_avx2(float *x, size_t n) {
    __m256 zero = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, _mm256_max_ps(_mm256_loadu_ps(x + i), zero));
    for (; i < n; i++) x[i] = x[i] > 0 ? x[i] : 0;
}

__attribute__((target("avx2,fma")))
static void relu_backward_avx2(float *dy, const float *y, size_t n) {
    __m256 zero = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 positive = _mm256_cmp_ps(_mm256_loadu_ps(y + i), zero, _CMP_GT_OQ);
        _mm256_storeu_ps(dy + i, _mm256_and_ps(_mm256_loadu_ps(dy + i), positive));
    }
    for (; i < n; i++) dy[i] = y[i] > 0 ? dy[i] : 0;
}
#endif

void ocr_relu(float *x, size_t n) {
#ifdef OCR_X86
    if (has_avx2()) { relu_avx2(x, n); return; }
#endif
    for (size_t i = 0; i < n; i++) x[i] = x[i] > 0 ? x[i] : 0;
}

void ocr_relu_backward(float *dy, const float *y, size_t n) {
#ifdef OCR_X86
    if (has_avx2()) { relu_backward_avx2(dy, y, n); return; }
#endif
    for (size_t i = 0; i < n; i++) dy[i] = y[i] > 0 ? dy[i] : 0;
}

void ocr_lstm_cell(float *gates, const float *c_prev, float *c, float *h, size_t hidden) {
#ifdef OCR_X86
    if (has_avx512()) { lstm_cell_avx512(gates, c_prev, c, h, hidden); return; }
    if (has_avx2()) { lstm_cell_avx2(gates, c_prev, c, h, hidden); return; }
#endif
    size_t n = hidden;
    ocr_vsigmoid(gates, gates, 2 * n);
    ocr_vtanh(gates + 2 * n, gates + 2 * n, n);
    ocr_vsigmoid(gates + 3 * n, gates + 3 * n, n);
    for (size_t j = 0; j < n; j++) c[j] = gates[n + j] * c_prev[j] + gates[j] * gates[2 * n + j];
    ocr_vtanh(c, h, n);
    for (size_t j = 0; j < n; j++) h[j] *= gates[3 * n + j];
}

// 1 when every x[i] is finite: x · 0 is 0 for a finite value and NaN for an infinite or NaN one,
// and a sum holding a NaN is NaN.
#ifdef OCR_X86
__attribute__((target("avx2,fma")))
static int all_finite_avx2(const float *x, size_t n) {
    __m256 zero = _mm256_setzero_ps(), acc = zero;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_loadu_ps(x + i), zero));
    float lanes[8], sum = 0;
    _mm256_storeu_ps(lanes, acc);
    for (int k = 0; k < 8; k++) sum += lanes[k];
    for (; i < n; i++) sum += x[i] * 0.0f;
    return sum == 0;
}
#endif

int ocr_all_finite(const float *x, size_t n) {
#ifdef OCR_X86
    if (has_avx2()) return all_finite_avx2(x, n);
#endif
    float sum = 0;
    for (size_t i = 0; i < n; i++) sum += x[i] * 0.0f;
    return sum == 0;
}
