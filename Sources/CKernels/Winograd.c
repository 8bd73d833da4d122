// Winograd F(4x4, 3x3) convolution (Lavin & Gray, "Fast Algorithms for Convolutional Neural
// Networks", 2016) for 3x3, stride-1, padding-1 layers. Each 4x4 output tile costs 36 multiplies
// per input-output channel pair instead of 144. For a range of tiles:
//   input tiles d (6x6, overlapping by 2)  →  V = Bᵀ d B        36 planes [cin, tiles]
//   M[e] = U[e] · V[e] for the 36 points e, U = G g Gᵀ packed once into microkernel panels
//   outputs Y = Aᵀ M A (+ bias, ReLU)                           4x4 per tile
// The transforms run 8 tiles at a time in AVX2 (a 4x4 transpose per 128-bit lane turns the 4-wide
// tile stride into vector lanes) or 16 in AVX-512; CPUs without AVX2 take the scalar path, a tile
// at a time.
#include "CKernels.h"
#include "Microkernel.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define OCR_X86 1
#endif

enum { POINTS = 36, KC = 256 };

static int round_up(int x, int m) { return (x + m - 1) / m * m; }

// The 1-D transforms, written once for floats and for 8-float vectors (clang splats the scalars).
// v = Bᵀ d for the points 0, ±1, ±2 and ∞.
#define WINOGRAD_INPUT(d, v) do { \
    v[0] = 4.0f * d[0] - 5.0f * d[2] + d[4]; \
    v[1] = -4.0f * (d[1] + d[2]) + d[3] + d[4]; \
    v[2] = 4.0f * (d[1] - d[2]) - d[3] + d[4]; \
    v[3] = 2.0f * (d[3] - d[1]) - d[2] + d[4]; \
    v[4] = 2.0f * (d[1] - d[3]) - d[2] + d[4]; \
    v[5] = 4.0f * d[1] - 5.0f * d[3] + d[5]; } while (0)
// y = Aᵀ m.
#define WINOGRAD_OUTPUT(m, y) do { \
    y[0] = m[0] + (m[1] + m[2]) + (m[3] + m[4]); \
    y[1] = (m[1] - m[2]) + 2.0f * (m[3] - m[4]); \
    y[2] = (m[1] + m[2]) + 4.0f * (m[3] + m[4]); \
    y[3] = (m[1] - m[2]) + 8.0f * (m[3] - m[4]) + m[5]; } while (0)

size_t ocr_winograd_weights_count(int cout, int cin) {
    return (size_t)POINTS * round_up(cout, OCR_MR) * cin;
}

// t = G k for a 3-vector k: the kernel at the points 0, ±1, ±2 and ∞ (with Winograd's scaling).
static void kernel_points(float k0, float k1, float k2, float t[6]) {
    const float sixth = 1.0f / 6, twelfth = 1.0f / 12, twentyfourth = 1.0f / 24;
    t[0] = 0.25f * k0;
    t[1] = -sixth * (k0 + k1 + k2);
    t[2] = -sixth * (k0 - k1 + k2);
    t[3] = twentyfourth * k0 + twelfth * k1 + sixth * k2;
    t[4] = twentyfourth * k0 - twelfth * k1 + sixth * k2;
    t[5] = k2;
}

void ocr_winograd_pack_weights(const float *weight, const float *scale, int cout, int cin, float *packed) {
    int cout_pad = round_up(cout, OCR_MR);
    memset(packed, 0, ocr_winograd_weights_count(cout, cin) * sizeof(float));
    for (int o = 0; o < cout; o++) {
        float s = scale ? scale[o] : 1;
        for (int i = 0; i < cin; i++) {
            const float *k = weight + ((size_t)o * cin + i) * 9;
            // U = G g Gᵀ: G down the kernel's columns, then along the rows.
            float t[3][6], u[6];
            for (int j = 0; j < 3; j++) kernel_points(s * k[j], s * k[3 + j], s * k[6 + j], t[j]);
            // Point e's matrix [cout_pad, cin] as MR-row panels: panel o/MR, row o%MR, column i.
            float *dst = packed + (size_t)(o / OCR_MR) * OCR_MR * cin + (size_t)i * OCR_MR + o % OCR_MR;
            for (int a = 0; a < 6; a++) {
                kernel_points(t[0][a], t[1][a], t[2][a], u);
                for (int b = 0; b < 6; b++) dst[(size_t)(a * 6 + b) * cout_pad * cin] = u[b];
            }
        }
    }
}

// V and M rows hold the tiles rounded up to the microkernel's 16 columns, plus 16 more: the vector
// transforms always work on 8 tiles (AVX2) or 16 (AVX-512), and a run's last group spills into
// the columns after it (the next run's, rewritten when that run is transformed, or padding).
static int row_stride(int tiles) { return round_up(tiles, OCR_NR) + 16; }

// Row buffers of the vector input transform: 16-tile groups of 64 columns (or 8-tile groups of
// 32), plus the window's overlap, in whole 16-float vectors.
static int row_length(int tiles) { return 64 * ((tiles + 15) / 16) + 16; }

size_t ocr_winograd_scratch_count(int cin, int cout, int tiles) {
    return (size_t)POINTS * (cin + round_up(cout, OCR_MR)) * row_stride(tiles) + 12 * (size_t)row_length(tiles);
}

// One tile's V = Bᵀ d B from the image plane (zero outside), written to out[e * estride].
static void input_tile(const float *plane, int h, int w, int y0, int x0, float *out, size_t estride) {
    float d[6][6], t[6][6];
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) {
            int y = y0 + i, x = x0 + j;
            d[i][j] = y >= 0 && y < h && x >= 0 && x < w ? plane[(size_t)y * w + x] : 0;
        }
    for (int j = 0; j < 6; j++) {
        float col[6] = {d[0][j], d[1][j], d[2][j], d[3][j], d[4][j], d[5][j]}, v[6];
        WINOGRAD_INPUT(col, v);
        for (int k = 0; k < 6; k++) t[k][j] = v[k];
    }
    for (int k = 0; k < 6; k++) {
        float v[6];
        WINOGRAD_INPUT(t[k], v);
        for (int l = 0; l < 6; l++) out[(size_t)(k * 6 + l) * estride] = v[l];
    }
}

// One tile's Y = Aᵀ M A + bias (ReLU) from m[e * estride], written where it falls inside the plane.
static void output_tile(const float *m, size_t estride, float bias, int relu, float *plane, int h, int w,
                        int y0, int x0) {
    float t[4][6];
    for (int l = 0; l < 6; l++) {
        float col[6], r[4];
        for (int k = 0; k < 6; k++) col[k] = m[(size_t)(k * 6 + l) * estride];
        WINOGRAD_OUTPUT(col, r);
        for (int a = 0; a < 4; a++) t[a][l] = r[a];
    }
    for (int a = 0; a < 4 && y0 + a < h; a++) {
        float o[4];
        WINOGRAD_OUTPUT(t[a], o);
        for (int q = 0; q < 4 && x0 + q < w; q++) {
            float v = o[q] + bias;
            plane[(size_t)(y0 + a) * w + x0 + q] = relu && v < 0 ? 0 : v;
        }
    }
}

// A run of `nt` tiles of one tile row: tile row `ty`, tiles tx0..<tx0+nt of a sample whose image
// is `img` [cin, h, w]; their columns in V and M start at `col`.
typedef struct {
    const float *img;
    float *plane_out;  // the sample's output [cout, h, w]
    int ty, tx0, nt, col;
} segment;

static void input_segment_scalar(const segment *s, int cin, int h, int w, float *v, int tp) {
    for (int c = 0; c < cin; c++)
        for (int t = 0; t < s->nt; t++)
            input_tile(s->img + (size_t)c * h * w, h, w, 4 * s->ty - 1, 4 * (s->tx0 + t) - 1,
                       v + (size_t)c * tp + s->col + t, (size_t)cin * tp);
}

static void output_segment_scalar(const segment *s, int cout, int h, int w, const float *m, int tp, int cout_pad,
                                  const float *bias, int relu) {
    for (int o = 0; o < cout; o++)
        for (int t = 0; t < s->nt; t++)
            output_tile(m + (size_t)o * tp + s->col + t, (size_t)cout_pad * tp, bias ? bias[o] : 0, relu,
                        s->plane_out + (size_t)o * h * w, h, w, 4 * s->ty, 4 * (s->tx0 + t));
}

// row[0..<len] = the plane's row y from column x0 on, zero outside the image (x0 may be negative).
static void padded_row(const float *plane, int h, int w, int y, int x0, int len, float *row) {
    int lo = x0 < 0 ? 0 : x0, hi = x0 + len < w ? x0 + len : w;
    if (y < 0 || y >= h || hi <= lo) {
        memset(row, 0, len * sizeof(float));
        return;
    }
    if (lo > x0) memset(row, 0, (lo - x0) * sizeof(float));
    memcpy(row + (lo - x0), plane + (size_t)y * w + lo, (hi - lo) * sizeof(float));
    if (x0 + len > hi) memset(row + (hi - x0), 0, (x0 + len - hi) * sizeof(float));
}

#ifdef OCR_X86
// Rows r0..r3 each hold [tile a | tile a+1] (4 floats each, e.g. phases 0-3) for tiles 2i, 2i+1;
// gives p[q] = phase q of tiles 0..7 in order. Its inverse is `untranspose8`.
__attribute__((target("avx2,fma")))
static inline void transpose8(__m256 r0, __m256 r1, __m256 r2, __m256 r3, __m256 p[4]) {
    __m256 s0 = _mm256_permute2f128_ps(r0, r2, 0x20), s1 = _mm256_permute2f128_ps(r0, r2, 0x31);
    __m256 s2 = _mm256_permute2f128_ps(r1, r3, 0x20), s3 = _mm256_permute2f128_ps(r1, r3, 0x31);
    __m256 t0 = _mm256_unpacklo_ps(s0, s1), t1 = _mm256_unpackhi_ps(s0, s1);
    __m256 t2 = _mm256_unpacklo_ps(s2, s3), t3 = _mm256_unpackhi_ps(s2, s3);
    p[0] = _mm256_shuffle_ps(t0, t2, 0x44);
    p[1] = _mm256_shuffle_ps(t0, t2, 0xEE);
    p[2] = _mm256_shuffle_ps(t1, t3, 0x44);
    p[3] = _mm256_shuffle_ps(t1, t3, 0xEE);
}

// p[q] = phase q of tiles 0..7 → 32 consecutive floats (tile 0 phases 0-3, tile 1, ...) at out.
__attribute__((target("avx2,fma")))
static inline void untranspose8(const __m256 p[4], float *out) {
    __m256 t0 = _mm256_unpacklo_ps(p[0], p[1]), t1 = _mm256_unpackhi_ps(p[0], p[1]);
    __m256 t2 = _mm256_unpacklo_ps(p[2], p[3]), t3 = _mm256_unpackhi_ps(p[2], p[3]);
    __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    // s0 = [tile 0 | tile 4], s1 = [1 | 5], s2 = [2 | 6], s3 = [3 | 7].
    _mm256_storeu_ps(out, _mm256_permute2f128_ps(s0, s1, 0x20));
    _mm256_storeu_ps(out + 8, _mm256_permute2f128_ps(s2, s3, 0x20));
    _mm256_storeu_ps(out + 16, _mm256_permute2f128_ps(s0, s1, 0x31));
    _mm256_storeu_ps(out + 24, _mm256_permute2f128_ps(s2, s3, 0x31));
}

__attribute__((target("avx2,fma")))
static void input_segment_avx2(const segment *s, int cin, int h, int w, float *v, int tp, float *buffer) {
    int groups = (s->nt + 7) / 8;  // the last may be partial: it spills (see row_stride)
    int x0 = 4 * s->tx0 - 1, len = row_length(s->nt);
    float *rows = buffer, *mixed = buffer + 6 * len;
    size_t estride = (size_t)cin * tp;
    for (int c = 0; c < cin; c++) {
        const float *plane = s->img + (size_t)c * h * w;
        // The 6 input rows under the tile row, zero outside the image.
        for (int i = 0; i < 6; i++) padded_row(plane, h, w, 4 * s->ty - 1 + i, x0, len, rows + i * len);
        // Bᵀ down the columns: mixed[k] = Σ_i Bᵀ[k][i] rows[i].
        for (int j = 0; j < len; j += 8) {
            __m256 d[6], r[6];
            for (int i = 0; i < 6; i++) d[i] = _mm256_loadu_ps(rows + i * len + j);
            WINOGRAD_INPUT(d, r);
            for (int k = 0; k < 6; k++) _mm256_storeu_ps(mixed + k * len + j, r[k]);
        }
        // B along each row, 8 tiles at a time: tile t's window starts at column 4t.
        float *out = v + (size_t)c * tp + s->col;
        for (int g = 0; g < groups; g++) {
            for (int k = 0; k < 6; k++) {
                const float *m = mixed + k * len + 32 * g;
                __m256 p[6], q[4], r[6];
                transpose8(_mm256_loadu_ps(m), _mm256_loadu_ps(m + 8), _mm256_loadu_ps(m + 16),
                           _mm256_loadu_ps(m + 24), p);
                transpose8(_mm256_loadu_ps(m + 4), _mm256_loadu_ps(m + 12), _mm256_loadu_ps(m + 20),
                           _mm256_loadu_ps(m + 28), q);
                p[4] = q[0];
                p[5] = q[1];
                WINOGRAD_INPUT(p, r);
                for (int l = 0; l < 6; l++) _mm256_storeu_ps(out + (size_t)(k * 6 + l) * estride + 8 * g, r[l]);
            }
        }
    }
}

__attribute__((target("avx2,fma")))
static void output_segment_avx2(const segment *s, int cout, int h, int w, const float *m, int tp, int cout_pad,
                                const float *bias, int relu) {
    int groups = (s->nt + 7) / 8;
    size_t estride = (size_t)cout_pad * tp;
    __m256 zero = _mm256_setzero_ps();
    for (int o = 0; o < cout; o++) {
        const float *mo = m + (size_t)o * tp + s->col;
        float *plane = s->plane_out + (size_t)o * h * w;
        __m256 b = _mm256_set1_ps(bias ? bias[o] : 0);
        for (int g = 0; g < groups; g++) {
            __m256 t[4][6];
            for (int l = 0; l < 6; l++) {
                __m256 col[6], r[4];
                for (int k = 0; k < 6; k++) col[k] = _mm256_loadu_ps(mo + (size_t)(k * 6 + l) * estride + 8 * g);
                WINOGRAD_OUTPUT(col, r);
                for (int a = 0; a < 4; a++) t[a][l] = r[a];
            }
            int x = 4 * (s->tx0 + 8 * g), tiles = s->nt - 8 * g < 8 ? s->nt - 8 * g : 8;
            int columns = 4 * tiles < w - x ? 4 * tiles : w - x;
            for (int a = 0; a < 4 && 4 * s->ty + a < h; a++) {
                __m256 y[4];
                WINOGRAD_OUTPUT(t[a], y);
                for (int q = 0; q < 4; q++) {
                    y[q] = _mm256_add_ps(y[q], b);
                    if (relu) y[q] = _mm256_max_ps(y[q], zero);
                }
                float *dst = plane + (size_t)(4 * s->ty + a) * w + x;
                if (columns == 32) {
                    untranspose8(y, dst);
                } else {
                    float row[32];
                    untranspose8(y, row);
                    memcpy(dst, row, columns * sizeof(float));
                }
            }
        }
    }
}
#endif

#ifdef OCR_X86
// The AVX-512 transforms, 16 tiles at a time. Rows r[0..3] hold tiles 0-3, 4-7, 8-11, 12-15 (4
// floats each, e.g. phases 0-3); gives p[q] = phase q of tiles 0..15 in order: a 4x4 transpose
// of 128-bit lanes, then a 4x4 transpose inside each lane. Its inverse is `untranspose16`.
__attribute__((target("avx512f")))
static inline void transpose16(const float *m, __m512 p[4]) {
    __m512 r0 = _mm512_loadu_ps(m), r1 = _mm512_loadu_ps(m + 16), r2 = _mm512_loadu_ps(m + 32),
           r3 = _mm512_loadu_ps(m + 48);
    __m512 a0 = _mm512_shuffle_f32x4(r0, r1, 0x88), a1 = _mm512_shuffle_f32x4(r0, r1, 0xDD);
    __m512 a2 = _mm512_shuffle_f32x4(r2, r3, 0x88), a3 = _mm512_shuffle_f32x4(r2, r3, 0xDD);
    // s_j lane L = tile 4L + j.
    __m512 s0 = _mm512_shuffle_f32x4(a0, a2, 0x88), s2 = _mm512_shuffle_f32x4(a0, a2, 0xDD);
    __m512 s1 = _mm512_shuffle_f32x4(a1, a3, 0x88), s3 = _mm512_shuffle_f32x4(a1, a3, 0xDD);
    __m512 t0 = _mm512_unpacklo_ps(s0, s1), t1 = _mm512_unpackhi_ps(s0, s1);
    __m512 t2 = _mm512_unpacklo_ps(s2, s3), t3 = _mm512_unpackhi_ps(s2, s3);
    p[0] = _mm512_shuffle_ps(t0, t2, 0x44);
    p[1] = _mm512_shuffle_ps(t0, t2, 0xEE);
    p[2] = _mm512_shuffle_ps(t1, t3, 0x44);
    p[3] = _mm512_shuffle_ps(t1, t3, 0xEE);
}

// p[q] = phase q of tiles 0..15 → 64 consecutive floats (tile 0 phases 0-3, tile 1, ...) at out.
__attribute__((target("avx512f")))
static inline void untranspose16(const __m512 p[4], float *out) {
    __m512 t0 = _mm512_unpacklo_ps(p[0], p[1]), t1 = _mm512_unpackhi_ps(p[0], p[1]);
    __m512 t2 = _mm512_unpacklo_ps(p[2], p[3]), t3 = _mm512_unpackhi_ps(p[2], p[3]);
    // s_j lane L = tile 4L + j.
    __m512 s0 = _mm512_shuffle_ps(t0, t2, 0x44), s1 = _mm512_shuffle_ps(t0, t2, 0xEE);
    __m512 s2 = _mm512_shuffle_ps(t1, t3, 0x44), s3 = _mm512_shuffle_ps(t1, t3, 0xEE);
    __m512 u0 = _mm512_shuffle_f32x4(s0, s1, 0x44), u1 = _mm512_shuffle_f32x4(s2, s3, 0x44);
    __m512 u2 = _mm512_shuffle_f32x4(s0, s1, 0xEE), u3 = _mm512_shuffle_f32x4(s2, s3, 0xEE);
    _mm512_storeu_ps(out, _mm512_shuffle_f32x4(u0, u1, 0x88));
    _mm512_storeu_ps(out + 16, _mm512_shuffle_f32x4(u0, u1, 0xDD));
    _mm512_storeu_ps(out + 32, _mm512_shuffle_f32x4(u2, u3, 0x88));
    _mm512_storeu_ps(out + 48, _mm512_shuffle_f32x4(u2, u3, 0xDD));
}

__attribute__((target("avx512f")))
static void input_segment_avx512(const segment *s, int cin, int h, int w, float *v, int tp, float *buffer) {
    int groups = (s->nt + 15) / 16;  // the last may be partial: it spills (see row_stride)
    int x0 = 4 * s->tx0 - 1, len = row_length(s->nt), y0 = 4 * s->ty - 1;
    float *mixed = buffer;
    size_t estride = (size_t)cin * tp;
    for (int c = 0; c < cin; c++) {
        const float *plane = s->img + (size_t)c * h * w;
        // Bᵀ down the columns, straight from the 6 image rows under the tile row: masked loads
        // give the zeros outside the image (masked-off lanes are never read).
        for (int j = 0; j < len; j += 16) {
            int x = x0 + j, lo = x < 0 ? -x : 0, hi = w - x < 16 ? w - x : 16;
            __mmask16 inside = hi > lo ? (__mmask16)(((1u << hi) - 1) & ~((1u << lo) - 1)) : 0;
            __m512 d[6], r[6];
            for (int i = 0; i < 6; i++) {
                int y = y0 + i;
                d[i] = y >= 0 && y < h ? _mm512_maskz_loadu_ps(inside, plane + (size_t)y * w + x) : _mm512_setzero_ps();
            }
            WINOGRAD_INPUT(d, r);
            for (int k = 0; k < 6; k++) _mm512_storeu_ps(mixed + k * len + j, r[k]);
        }
        // B along each row, 16 tiles at a time: tile t's window starts at column 4t.
        float *out = v + (size_t)c * tp + s->col;
        for (int g = 0; g < groups; g++) {
            for (int k = 0; k < 6; k++) {
                const float *m = mixed + k * len + 64 * g;
                __m512 p[6], q[4], r[6];
                transpose16(m, p);
                transpose16(m + 4, q);
                p[4] = q[0];
                p[5] = q[1];
                WINOGRAD_INPUT(p, r);
                for (int l = 0; l < 6; l++) _mm512_storeu_ps(out + (size_t)(k * 6 + l) * estride + 16 * g, r[l]);
            }
        }
    }
}

__attribute__((target("avx512f")))
static void output_segment_avx512(const segment *s, int cout, int h, int w, const float *m, int tp, int cout_pad,
                                  const float *bias, int relu) {
    int groups = (s->nt + 15) / 16;
    size_t estride = (size_t)cout_pad * tp;
    __m512 zero = _mm512_setzero_ps();
    for (int o = 0; o < cout; o++) {
        const float *mo = m + (size_t)o * tp + s->col;
        float *plane = s->plane_out + (size_t)o * h * w;
        __m512 b = _mm512_set1_ps(bias ? bias[o] : 0);
        for (int g = 0; g < groups; g++) {
            __m512 t[4][6];
            for (int l = 0; l < 6; l++) {
                __m512 col[6], r[4];
                for (int k = 0; k < 6; k++) col[k] = _mm512_loadu_ps(mo + (size_t)(k * 6 + l) * estride + 16 * g);
                WINOGRAD_OUTPUT(col, r);
                for (int a = 0; a < 4; a++) t[a][l] = r[a];
            }
            int x = 4 * (s->tx0 + 16 * g), tiles = s->nt - 16 * g < 16 ? s->nt - 16 * g : 16;
            int columns = 4 * tiles < w - x ? 4 * tiles : w - x;
            for (int a = 0; a < 4 && 4 * s->ty + a < h; a++) {
                __m512 y[4];
                WINOGRAD_OUTPUT(t[a], y);
                for (int q = 0; q < 4; q++) {
                    y[q] = _mm512_add_ps(y[q], b);
                    if (relu) y[q] = _mm512_max_ps(y[q], zero);
                }
                float *dst = plane + (size_t)(4 * s->ty + a) * w + x;
                if (columns == 64) {
                    untranspose16(y, dst);
                } else {
                    float row[64];
                    untranspose16(y, row);
                    memcpy(dst, row, columns * sizeof(float));
                }
            }
        }
    }
}
#endif

// The tiles [begin, end) as runs within tile rows, for images `in` [n, cin, h, w] and `out`
// [n, cout, h, w]. Uses `stack` (capacity entries) or a malloc'ed array, returned in *list.
static int make_segments(const float *in, int cin, float *out, int cout, int h, int w, long begin, long end,
                         segment *stack, int capacity, segment **list) {
    int per_row = (w + 3) / 4, count = 0;
    long per_sample = (long)((h + 3) / 4) * per_row;
    segment *segments = stack;
    for (long t = begin; t < end;) {
        long sample = t / per_sample, rest = t % per_sample;
        int ty = (int)(rest / per_row), tx = (int)(rest % per_row);
        int n = per_row - tx < end - t ? per_row - tx : (int)(end - t);
        if (count == capacity) {
            capacity *= 2;
            segment *grown = malloc(capacity * sizeof(segment));
            memcpy(grown, segments, count * sizeof(segment));
            if (segments != stack) free(segments);
            segments = grown;
        }
        segments[count++] = (segment){in + (size_t)sample * cin * h * w, out + (size_t)sample * cout * h * w, ty, tx, n,
                                      (int)(t - begin)};
        t += n;
    }
    *list = segments;
    return count;
}

void ocr_winograd_conv3x3(const float *x, int cin, int h, int w, const float *packed, int cout, const float *bias,
                          int relu, float *y, long begin, long end, float *scratch) {
    if (end <= begin) return;
    // tp: the row stride of V and M; the GEMM computes the first round_up(nt, 16) columns.
    int nt = (int)(end - begin), tp = row_stride(nt), columns = round_up(nt, OCR_NR);
    int cout_pad = round_up(cout, OCR_MR);
    float *v = scratch, *m = v + (size_t)POINTS * cin * tp, *buffer = m + (size_t)POINTS * cout_pad * tp;
#ifdef OCR_X86
    int vector = ocr_has_avx2_fma(), wide = ocr_choose_pair_microkernel() != NULL;
#endif

    // Columns the GEMM computes past the tiles: zero, so it never reads garbage (a vector
    // transform's spill may overwrite them with finite values).
    if (columns > nt)
        for (size_t r = 0; r < (size_t)POINTS * cin; r++) memset(v + r * tp + nt, 0, (columns - nt) * sizeof(float));

    segment stack[16], *segments = stack;
    int count = make_segments(x, cin, y, cout, h, w, begin, end, stack, 16, &segments);
    for (int i = 0; i < count; i++) {
#ifdef OCR_X86
        if (wide) { input_segment_avx512(&segments[i], cin, h, w, v, tp, buffer); continue; }
        if (vector) { input_segment_avx2(&segments[i], cin, h, w, v, tp, buffer); continue; }
#endif
        input_segment_scalar(&segments[i], cin, h, w, v, tp);
    }

    // M[e] [cout_pad, tp] = U[e] [cout_pad, cin] · V[e] [cin, tp], V read in place (row stride tp).
    for (int e = 0; e < POINTS; e++) {
        const float *a = packed + (size_t)e * cout_pad * cin, *b = v + (size_t)e * cin * tp;
        float *c = m + (size_t)e * cout_pad * tp;
        for (int p0 = 0; p0 < cin; p0 += KC) {
            int kc = cin - p0 < KC ? cin - p0 : KC;
            ocr_macro_kernel(cout_pad, columns, kc, a + (size_t)p0 * OCR_MR, (size_t)OCR_MR * cin, b + (size_t)p0 * tp,
                             OCR_NR, tp, c, tp, 1, p0 == 0 ? 0 : 1);
        }
        // The columns past the GEMM's, which the last vector group of a run may read (and drop).
        for (int r = 0; r < cout_pad; r++) memset(c + (size_t)r * tp + columns, 0, (tp - columns) * sizeof(float));
    }

    for (int i = 0; i < count; i++) {
#ifdef OCR_X86
        if (wide) { output_segment_avx512(&segments[i], cout, h, w, m, tp, cout_pad, bias, relu); continue; }
        if (vector) { output_segment_avx2(&segments[i], cout, h, w, m, tp, cout_pad, bias, relu); continue; }
#endif
        output_segment_scalar(&segments[i], cout, h, w, m, tp, cout_pad, bias, relu);
    }
    if (segments != stack) free(segments);
}

// ---- The weight gradient ----
// Forward, per point e: M[e] = U[e] · V[e] and Y = Aᵀ M A per tile, U = G g Gᵀ. Backward:
//   Q = A dY Aᵀ (6x6 from each 4x4 output-gradient tile, zero outside the image)
//   dU[e] += Q[e] · V[e]ᵀ    [cout, tiles] x [tiles, cin], summed over the tiles
//   dg = Gᵀ dU G             (3x3 from 6x6), once after all tiles

// q = A y: the adjoint of WINOGRAD_OUTPUT, 6 points from 4 values.
#define WINOGRAD_GRADIENT(y, q) do { \
    q[0] = y[0]; \
    q[1] = (y[0] + y[2]) + (y[1] + y[3]); \
    q[2] = (y[0] + y[2]) - (y[1] + y[3]); \
    q[3] = (y[0] + 4.0f * y[2]) + (2.0f * y[1] + 8.0f * y[3]); \
    q[4] = (y[0] + 4.0f * y[2]) - (2.0f * y[1] + 8.0f * y[3]); \
    q[5] = y[3]; } while (0)

size_t ocr_winograd_gradient_scratch_count(int cin, int cout, int tiles) {
    return (size_t)POINTS * (cin + cout) * row_stride(tiles) + 12 * (size_t)row_length(tiles);
}

// One tile's Q = A dY Aᵀ from the gradient plane (zero outside), written to out[e * estride].
static void gradient_tile(const float *plane, int h, int w, int y0, int x0, float *out, size_t estride) {
    float d[4][4], t[6][4];
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 4; c++)
            d[r][c] = y0 + r < h && x0 + c < w ? plane[(size_t)(y0 + r) * w + x0 + c] : 0;
    for (int c = 0; c < 4; c++) {
        float col[4] = {d[0][c], d[1][c], d[2][c], d[3][c]}, q[6];
        WINOGRAD_GRADIENT(col, q);
        for (int k = 0; k < 6; k++) t[k][c] = q[k];
    }
    for (int k = 0; k < 6; k++) {
        float q[6];
        WINOGRAD_GRADIENT(t[k], q);
        for (int l = 0; l < 6; l++) out[(size_t)(k * 6 + l) * estride] = q[l];
    }
}

// Q for a run of tiles: s->plane_out is the sample's gradient [cout, h, w].
static void gradient_segment_scalar(const segment *s, int cout, int h, int w, float *q, int tp) {
    for (int o = 0; o < cout; o++)
        for (int t = 0; t < s->nt; t++)
            gradient_tile(s->plane_out + (size_t)o * h * w, h, w, 4 * s->ty, 4 * (s->tx0 + t),
                          q + (size_t)o * tp + s->col + t, (size_t)cout * tp);
}

#ifdef OCR_X86
// Q for a run of tiles, 8 at a time: the 4 gradient rows under the tile row (tiles do not
// overlap: tile t is columns 4t..4t+3), A down the columns, then along the rows after a transpose.
__attribute__((target("avx2,fma")))
static void gradient_segment_avx2(const segment *s, int cout, int h, int w, float *q, int tp, float *buffer) {
    int groups = (s->nt + 7) / 8, len = 32 * groups, x0 = 4 * s->tx0;
    float *rows = buffer, *mixed = buffer + 4 * len;
    size_t estride = (size_t)cout * tp;
    for (int o = 0; o < cout; o++) {
        const float *plane = s->plane_out + (size_t)o * h * w;
        for (int r = 0; r < 4; r++) padded_row(plane, h, w, 4 * s->ty + r, x0, len, rows + r * len);
        for (int j = 0; j < len; j += 8) {
            __m256 d[4], r[6];
            for (int i = 0; i < 4; i++) d[i] = _mm256_loadu_ps(rows + i * len + j);
            WINOGRAD_GRADIENT(d, r);
            for (int k = 0; k < 6; k++) _mm256_storeu_ps(mixed + k * len + j, r[k]);
        }
        float *out = q + (size_t)o * tp + s->col;
        for (int g = 0; g < groups; g++) {
            for (int k = 0; k < 6; k++) {
                const float *m = mixed + k * len + 32 * g;
                __m256 p[4], r[6];
                transpose8(_mm256_loadu_ps(m), _mm256_loadu_ps(m + 8), _mm256_loadu_ps(m + 16),
                           _mm256_loadu_ps(m + 24), p);
                WINOGRAD_GRADIENT(p, r);
                for (int l = 0; l < 6; l++) _mm256_storeu_ps(out + (size_t)(k * 6 + l) * estride + 8 * g, r[l]);
            }
        }
    }
}
#endif

void ocr_winograd_weight_gradient(const float *x, int cin, int h, int w, const float *dy, int cout, long begin,
                                  long end, float *du, float *scratch) {
    if (end <= begin) return;
    int nt = (int)(end - begin), tp = row_stride(nt);
    float *v = scratch, *q = v + (size_t)POINTS * cin * tp, *buffer = q + (size_t)POINTS * cout * tp;
#ifdef OCR_X86
    int vector = ocr_has_avx2_fma();
#endif
    segment stack[16], *segments = stack;
    // The gradient stands where the forward output was (read only).
    int count = make_segments(x, cin, (float *)dy, cout, h, w, begin, end, stack, 16, &segments);
    for (int i = 0; i < count; i++) {
#ifdef OCR_X86
        if (vector) {
            input_segment_avx2(&segments[i], cin, h, w, v, tp, buffer);
            gradient_segment_avx2(&segments[i], cout, h, w, q, tp, buffer);
            continue;
        }
#endif
        input_segment_scalar(&segments[i], cin, h, w, v, tp);
        gradient_segment_scalar(&segments[i], cout, h, w, q, tp);
    }
    if (segments != stack) free(segments);
    // dU[e] [cout, cin] += Q[e] [cout, nt] · V[e]ᵀ; only the first nt columns are read.
    for (int e = 0; e < POINTS; e++)
        ocr_sgemm(0, 1, cout, cin, nt, 1, q + (size_t)e * cout * tp, tp, v + (size_t)e * cin * tp, tp, 1,
                  du + (size_t)e * cout * cin, cin);
}

// r = Gᵀ u: the adjoint of `kernel_points`, 3 kernel taps from 6 points.
static void kernel_points_adjoint(const float u[6], float r[3]) {
    const float sixth = 1.0f / 6, twelfth = 1.0f / 12, twentyfourth = 1.0f / 24;
    r[0] = 0.25f * u[0] - sixth * (u[1] + u[2]) + twentyfourth * (u[3] + u[4]);
    r[1] = sixth * (u[2] - u[1]) + twelfth * (u[3] - u[4]);
    r[2] = sixth * (u[3] + u[4] - u[1] - u[2]) + u[5];
}

void ocr_winograd_gradient_to_weights(const float *du, int cout, int cin, float *dw) {
    size_t plane = (size_t)cout * cin;
    for (size_t oi = 0; oi < plane; oi++) {
        // u[a][b] = dU[a * 6 + b]: a the vertical point, b the horizontal one.
        float t[6][3];
        for (int a = 0; a < 6; a++) {
            float u[6];
            for (int b = 0; b < 6; b++) u[b] = du[(size_t)(a * 6 + b) * plane + oi];
            kernel_points_adjoint(u, t[a]);
        }
        for (int kx = 0; kx < 3; kx++) {
            float u[6] = {t[0][kx], t[1][kx], t[2][kx], t[3][kx], t[4][kx], t[5][kx]}, r[3];
            kernel_points_adjoint(u, r);
            for (int ky = 0; ky < 3; ky++) dw[oi * 9 + ky * 3 + kx] += r[ky];
        }
    }
}
