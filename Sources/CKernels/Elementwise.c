// Vectorized exp, sigmoid and tanh: an AVX2 + FMA path chosen at run time, and a portable one.
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
static void vsigmoid_avx2(const float *x, float *y, size_t n) {
    const __m256 one = _mm256_set1_ps(1.0f);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 e = exp256(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_loadu_ps(x + i)));
        _mm256_storeu_ps(y + i, _mm256_div_ps(one, _mm256_add_ps(one, e)));
    }
    for (; i < n; i++) y[i] = 1.0f / (1.0f + expf(-x[i]));
}

// tanh(x) = 1 - 2 / (exp(2x) + 1); for |x| < 0.01 the odd Taylor series avoids cancellation.
__attribute__((target("avx2,fma")))
static void vtanh_avx2(const float *x, float *y, size_t n) {
    const __m256 one = _mm256_set1_ps(1.0f), two = _mm256_set1_ps(2.0f);
    const __m256 small = _mm256_set1_ps(0.01f), third = _mm256_set1_ps(-1.0f / 3.0f);
    const __m256 sign = _mm256_set1_ps(-0.0f);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        __m256 e = exp256(_mm256_mul_ps(two, v));
        __m256 t = _mm256_sub_ps(one, _mm256_div_ps(two, _mm256_add_ps(e, one)));
        __m256 v2 = _mm256_mul_ps(v, v);
        __m256 taylor = _mm256_fmadd_ps(_mm256_mul_ps(v2, third), v, v);
        __m256 is_small = _mm256_cmp_ps(_mm256_andnot_ps(sign, v), small, _CMP_LT_OQ);
        _mm256_storeu_ps(y + i, _mm256_blendv_ps(t, taylor, is_small));
    }
    for (; i < n; i++) y[i] = tanhf(x[i]);
}

static int has_avx2(void) { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
#endif

void ocr_vexp(const float *x, float *y, size_t n) {
#ifdef OCR_X86
    if (has_avx2()) { vexp_avx2(x, y, n); return; }
#endif
    for (size_t i = 0; i < n; i++) y[i] = expf(x[i]);
}

void ocr_vsigmoid(const float *x, float *y, size_t n) {
#ifdef OCR_X86
    if (has_avx2()) { vsigmoid_avx2(x, y, n); return; }
#endif
    for (size_t i = 0; i < n; i++) y[i] = 1.0f / (1.0f + expf(-x[i]));
}

void ocr_vtanh(const float *x, float *y, size_t n) {
#ifdef OCR_X86
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
