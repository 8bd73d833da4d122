// The SGEMM microkernel, shared by the kernels in this target (not part of the public header).
#ifndef OCR_MICROKERNEL_H
#define OCR_MICROKERNEL_H

enum { OCR_MR = 6, OCR_NR = 16 };

/// tile[MR][NR] = sum_p apanel[p*MR + i] * bpanel[p*bstride + j]; when `c` is not NULL the tile is
/// full and is written straight to C instead: c[i][j] = alpha * tile[i][j] + beta * c[i][j]
/// (with beta == 0, C is not read). `bstride` is NR for a packed panel, or the row length of an
/// unpacked row-major B whose 16 columns are read in place.
typedef void (*ocr_microkernel_fn)(int kc, const float *apanel, const float *bpanel, int bstride,
                                   float *tile, float *c, int ldc, float alpha, float beta);

/// The AVX2+FMA microkernel when the CPU has it (and the portable one is not forced), else portable.
ocr_microkernel_fn ocr_choose_microkernel(void);

/// 1 when `ocr_choose_microkernel` gives the AVX2+FMA kernel.
int ocr_has_avx2_fma(void);

/// Packs rows [i0, i0+mc) x cols [p0, p0+kc) of op(A) into MR-row panels, k-major, zero-padded:
/// panel r holds packed[r*MR*kc + p*MR + i].
void ocr_pack_a(float *packed, const float *a, int lda, int trans, int i0, int mc, int p0, int kc);

#endif
