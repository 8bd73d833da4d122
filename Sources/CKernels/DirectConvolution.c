#include "CKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define OCR_X86 1
#endif

// y[0..n) += a * x[0..n)
static void axpy_portable(int n, float a, const float *x, float *y) {
    for (int i = 0; i < n; i++) y[i] += a * x[i];
}

#ifdef OCR_X86
__attribute__((target("avx2,fma")))
static void axpy_avx2(int n, float a, const float *x, float *y) {
    __m256 va = _mm256_set1_ps(a);
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; i++) y[i] += a * x[i];
}
#endif

void ocr_conv2d_direct(const float *x, const float *weight, const float *bias, float *y,
                       int cin, int h, int w, int cout, int kh, int kw, int ph, int pw) {
    void (*axpy)(int, float, const float *, float *) = axpy_portable;
#ifdef OCR_X86
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) axpy = axpy_avx2;
#endif
    int oh = h + 2 * ph - kh + 1, ow = w + 2 * pw - kw + 1;
    for (int o = 0; o < cout; o++) {
        float *out = y + (size_t)o * oh * ow;
        float b = bias ? bias[o] : 0;
        for (int i = 0; i < oh * ow; i++) out[i] = b;
        for (int c = 0; c < cin; c++) {
            const float *plane = x + (size_t)c * h * w;
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    float wv = weight[((o * cin + c) * kh + ky) * kw + kx];
                    // Output column ox reads input column ox + kx - pw: valid for ox in [lo, hi).
                    int lo = pw - kx > 0 ? pw - kx : 0;
                    int hi = w + pw - kx < ow ? w + pw - kx : ow;
                    if (hi <= lo) continue;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy + ky - ph;
                        if (iy < 0 || iy >= h) continue;
                        axpy(hi - lo, wv, plane + (size_t)iy * w + lo + kx - pw, out + (size_t)oy * ow + lo);
                    }
                }
            }
        }
    }
}
