#include "CKernels.h"
#include "Microkernel.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define OCR_X86 1
#endif

#ifdef OCR_X86
// out[ox] = max of the 2x2 window at columns 2ox, 2ox+1 of rows r0 and r1, 8 outputs at a time;
// returns how many outputs it wrote (a multiple of 8).
__attribute__((target("avx2,fma")))
static int pool2x2_row_avx2(const float *r0, const float *r1, float *out, int ow) {
    int ox = 0;
    for (; ox + 8 <= ow; ox += 8) {
        __m256 v = _mm256_max_ps(_mm256_loadu_ps(r0 + 2 * ox), _mm256_loadu_ps(r1 + 2 * ox));
        __m256 w = _mm256_max_ps(_mm256_loadu_ps(r0 + 2 * ox + 8), _mm256_loadu_ps(r1 + 2 * ox + 8));
        // Even and odd columns side by side (per 128-bit lane), their maximum, lanes back in order.
        __m256 m = _mm256_max_ps(_mm256_shuffle_ps(v, w, 0x88), _mm256_shuffle_ps(v, w, 0xDD));
        _mm256_storeu_ps(out + ox, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(m), 0xD8)));
    }
    return ox;
}
#endif

void ocr_maxpool2d(const float *x, float *y, int *argmax, int planes, int h, int w, int oh, int ow,
                   int kh, int kw, int sh, int sw, int ph, int pw) {
    for (int plane = 0; plane < planes; plane++) {
        const float *src = x + (size_t)plane * h * w;
        float *dst = y + (size_t)plane * oh * ow;
        int *idx = argmax ? argmax + (size_t)plane * oh * ow : 0;
        for (int oy = 0; oy < oh; oy++) {
            int y0 = oy * sh - ph, y1 = y0 + kh;
            if (y0 < 0) y0 = 0;
            if (y1 > h) y1 = h;
            // The fast paths pick the same element as the general loop below: the first maximum in
            // row-major order (a later element wins only when strictly greater).
            if (kh == 2 && kw == 2 && sw == 2 && pw == 0 && y1 - y0 == 2 && 2 * ow <= w) {
                // The common 2x2 / stride 2 window: two rows, pairs of columns.
                const float *r0 = src + (size_t)y0 * w, *r1 = r0 + w;
                float *out = dst + (size_t)oy * ow;
                if (!idx) {
                    int ox = 0;
#ifdef OCR_X86
                    if (ocr_has_avx2_fma()) ox = pool2x2_row_avx2(r0, r1, out, ow);
#endif
                    for (; ox < ow; ox++) {
                        float a = r0[2 * ox + 1] > r0[2 * ox] ? r0[2 * ox + 1] : r0[2 * ox];
                        float b = r1[2 * ox + 1] > r1[2 * ox] ? r1[2 * ox + 1] : r1[2 * ox];
                        out[ox] = b > a ? b : a;
                    }
                    continue;
                }
                int *at = idx + (size_t)oy * ow, base = y0 * w;
                for (int ox = 0; ox < ow; ox++) {
                    int ia = r0[2 * ox + 1] > r0[2 * ox], ib = r1[2 * ox + 1] > r1[2 * ox];
                    float a = r0[2 * ox + ia], b = r1[2 * ox + ib];
                    int lower = b > a;
                    out[ox] = lower ? b : a;
                    at[ox] = base + 2 * ox + (lower ? w + ib : ia);
                }
                continue;
            }
            if (kw == 1 && sw == 1 && pw == 0) {
                // Height-only windows, e.g. (2, 1): an elementwise max of rows.
                float *out = dst + (size_t)oy * ow;
                int *at = idx ? idx + (size_t)oy * ow : 0;
                const float *r = src + (size_t)y0 * w;
                for (int ox = 0; ox < ow; ox++) out[ox] = r[ox];
                if (at)
                    for (int ox = 0; ox < ow; ox++) at[ox] = y0 * w + ox;
                for (int iy = y0 + 1; iy < y1; iy++) {
                    r = src + (size_t)iy * w;
                    if (at) {
                        for (int ox = 0; ox < ow; ox++) {
                            int greater = r[ox] > out[ox];
                            out[ox] = greater ? r[ox] : out[ox];
                            at[ox] = greater ? iy * w + ox : at[ox];
                        }
                    } else {
                        for (int ox = 0; ox < ow; ox++) out[ox] = r[ox] > out[ox] ? r[ox] : out[ox];
                    }
                }
                continue;
            }
            for (int ox = 0; ox < ow; ox++) {
                int x0 = ox * sw - pw, x1 = x0 + kw;
                if (x0 < 0) x0 = 0;
                if (x1 > w) x1 = w;
                int best_index = y0 * w + x0;
                float best = src[best_index];
                for (int iy = y0; iy < y1; iy++)
                    for (int ix = x0; ix < x1; ix++)
                        if (src[iy * w + ix] > best) { best = src[iy * w + ix]; best_index = iy * w + ix; }
                dst[(size_t)oy * ow + ox] = best;
                if (idx) idx[(size_t)oy * ow + ox] = best_index;
            }
        }
    }
}

void ocr_maxpool2d_backward(const float *dy, const int *argmax, float *dx, int planes, int plane_in, int plane_out) {
    for (int plane = 0; plane < planes; plane++) {
        float *d = dx + (size_t)plane * plane_in;
        const float *g = dy + (size_t)plane * plane_out;
        const int *at = argmax + (size_t)plane * plane_out;
        memset(d, 0, (size_t)plane_in * sizeof(float));
        for (int o = 0; o < plane_out; o++) d[at[o]] += g[o];
    }
}
