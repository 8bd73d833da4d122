// The SGEMM microkernel, shared by the kernels in this target (not part of the public header).
#ifndef OCR_MICROKERNEL_H
#define OCR_MICROKERNEL_H

#include <stddef.h>

enum { OCR_MR = 6, OCR_NR = 16 };

/// tile[MR][NR] = sum_p apanel[p*MR + i] * bpanel[p*bstride + j]; when `c` is not NULL the tile is
/// full and is written straight to C instead: c[i][j] = alpha * tile[i][j] + beta * c[i][j]
/// (with beta == 0, C is not read). `bstride` is NR for a packed panel, or the row length of an
/// unpacked row-major B whose 16 columns are read in place.
typedef void (*ocr_microkernel_fn)(int kc, const float *apanel, const float *bpanel, int bstride,
                                   float *tile, float *c, int ldc, float alpha, float beta);

/// The AVX2+FMA microkernel when the CPU has it (and the portable one is not forced), else portable.
ocr_microkernel_fn ocr_choose_microkernel(void);

/// 1 when `ocr_choose_microkernel` gives a vector kernel (AVX2+FMA, or AVX-512).
int ocr_has_avx2_fma(void);

/// tile = a 6x32 block: one MR-row A panel times two 16-column B panels `b0` and `b1` (each read
/// with row stride `bstride`), written straight to C as the full-tile case above. Only on CPUs
/// with AVX-512 (12 of the 32 vector registers accumulate), where it runs at twice the 6x16
/// kernel's width.
typedef void (*ocr_pair_microkernel_fn)(int kc, const float *apanel, const float *b0, const float *b1, int bstride,
                                        float *c, int ldc, float alpha, float beta);

/// The AVX-512 pair kernel, or NULL when the CPU lacks AVX-512 or the calling thread limits the
/// kernels below it.
ocr_pair_microkernel_fn ocr_choose_pair_microkernel(void);

/// C [mc, nc] = alpha · A · B + beta · C (beta 0: C not read) for A in MR-row panels (panel i at
/// a + i * a_step, k-major as `ocr_pack_a` writes them) and B in 16-column panels (panel j at
/// b + j * b_step, its rows `bstride` apart): the best microkernels, partial tiles at the edges.
void ocr_macro_kernel(int mc, int nc, int kc, const float *a, size_t a_step, const float *b, size_t b_step,
                      int bstride, float *c, int ldc, float alpha, float beta);

/// Packs rows [i0, i0+mc) x cols [p0, p0+kc) of op(A) into MR-row panels, k-major, zero-padded:
/// panel r holds packed[r*MR*kc + p*MR + i].
void ocr_pack_a(float *packed, const float *a, int lda, int trans, int i0, int mc, int p0, int kc);

#endif
