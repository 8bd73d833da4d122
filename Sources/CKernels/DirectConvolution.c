#include "CKernels.h"
#include "Microkernel.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define OCR_X86 1
#endif

// y[0..n) += a * x[0..n)
static void axpy_portable(int n, float a, const float *x, float *y) {
    for (int i = 0; i < n; i++) y[i] += a * x[i];
}

#ifdef OCR_X86
// The image copied once into zero-padded rows, then each output row computed 32 columns at a time
// in registers over all taps: every output is written once, and a tap's weight is broadcast once
// per 32 outputs. `padded` holds cin * (h + 2ph) rows of `stride` floats.
__attribute__((target("avx2,fma")))
static void conv_rows_avx2(const float *x, const float *weight, const float *bias, float *y, int cin, int h,
                           int w, int cout, int kh, int kw, int ph, int pw, float *padded, int stride, float *row) {
    int oh = h + 2 * ph - kh + 1, ow = w + 2 * pw - kw + 1, hp = h + 2 * ph;
    memset(padded, 0, (size_t)cin * hp * stride * sizeof(float));
    for (int c = 0; c < cin; c++)
        for (int iy = 0; iy < h; iy++)
            memcpy(padded + ((size_t)c * hp + iy + ph) * stride + pw, x + ((size_t)c * h + iy) * w, w * sizeof(float));
    int blocks = (ow + 31) / 32;
    for (int o = 0; o < cout; o++) {
        const float *wo = weight + (size_t)o * cin * kh * kw;
        __m256 b = _mm256_set1_ps(bias ? bias[o] : 0);
        for (int oy = 0; oy < oh; oy++) {
            for (int blk = 0; blk < blocks; blk++) {
                __m256 a0 = b, a1 = b, a2 = b, a3 = b;
                for (int c = 0; c < cin; c++)
                    for (int ky = 0; ky < kh; ky++) {
                        const float *src = padded + ((size_t)c * hp + oy + ky) * stride + 32 * blk;
                        for (int kx = 0; kx < kw; kx++) {
                            __m256 wv = _mm256_broadcast_ss(wo + (c * kh + ky) * kw + kx);
                            a0 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(src + kx), a0);
                            a1 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(src + kx + 8), a1);
                            a2 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(src + kx + 16), a2);
                            a3 = _mm256_fmadd_ps(wv, _mm256_loadu_ps(src + kx + 24), a3);
                        }
                    }
                _mm256_storeu_ps(row + 32 * blk, a0);
                _mm256_storeu_ps(row + 32 * blk + 8, a1);
                _mm256_storeu_ps(row + 32 * blk + 16, a2);
                _mm256_storeu_ps(row + 32 * blk + 24, a3);
            }
            memcpy(y + ((size_t)o * oh + oy) * ow, row, ow * sizeof(float));
        }
    }
}
#endif

void ocr_conv2d_direct(const float *x, const float *weight, const float *bias, float *y,
                       int cin, int h, int w, int cout, int kh, int kw, int ph, int pw) {
    int oh = h + 2 * ph - kh + 1, ow = w + 2 * pw - kw + 1;
#ifdef OCR_X86
    if (ocr_has_avx2_fma()) {
        // Rows long enough for whole 32-column blocks and the window past them.
        int stride = (ow + 31) / 32 * 32 + kw;
        float *padded = malloc(((size_t)cin * (h + 2 * ph) * stride + (ow + 31) / 32 * 32) * sizeof(float));
        if (padded) {
            conv_rows_avx2(x, weight, bias, y, cin, h, w, cout, kh, kw, ph, pw, padded,
                           stride, padded + (size_t)cin * (h + 2 * ph) * stride);
            free(padded);
            return;
        }
    }
#endif
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
                        axpy_portable(hi - lo, wv, plane + (size_t)iy * w + lo + kx - pw, out + (size_t)oy * ow + lo);
                    }
                }
            }
        }
    }
}
