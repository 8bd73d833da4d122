#ifndef OCR_CKERNELS_H
#define OCR_CKERNELS_H

#include <stddef.h>

/// C = alpha * op(A) * op(B) + beta * C, all row-major.
/// op(A) is m x k (A is k x m when `trans_a`), op(B) is k x n (B is n x k when `trans_b`).
/// Single-threaded; callers split the work across threads by blocks of rows or columns.
/// When beta == 0, C is not read (it may hold NaN).
void ocr_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha,
               const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);

/// The plain triple loop, the reference `ocr_sgemm` is tested against.
void ocr_sgemm_reference(int trans_a, int trans_b, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);

/// Floats of a packed B (op(B) k x n) for `ocr_sgemm_packed_b`.
size_t ocr_sgemm_packed_b_count(int k, int n);
/// Packs op(B) (k x n; B is n x k when `trans_b`) once, for many products with the same B.
void ocr_sgemm_pack_b(int trans_b, int k, int n, const float *b, int ldb, float *packed);
/// C = A · B + beta · C with B packed by `ocr_sgemm_pack_b` (for products with a fixed weight
/// matrix: packed once, used by many calls). A is m x k, row-major; with a few rows (the
/// recurrences' steps) it is read in place. With beta == 0, C is not read.
void ocr_sgemm_packed_b(int m, int n, int k, const float *a, int lda, const float *packed, float beta,
                        float *c, int ldc);

/// Which microkernels `ocr_sgemm` uses: "avx512" (6x32 tiles, and 6x16 at the edges),
/// "avx2+fma" or "portable".
const char *ocr_sgemm_kernel_name(void);

/// The instruction sets the kernels may use on the calling thread, so that tests can check every
/// path on one machine: all the CPU has, no AVX-512, or the portable C only (microkernels,
/// transforms, direct convolution, pooling). Swift's `Parallelism.forEach` carries the setting to
/// the threads it spreads work over.
#define OCR_KERNELS_BEST 0
#define OCR_KERNELS_AVX2 1
#define OCR_KERNELS_PORTABLE 2
void ocr_kernels_limit(int limit);
/// The calling thread's limit (`OCR_KERNELS_BEST` unless set).
int ocr_kernels_limited(void);

/// y[i] = exp(x[i]), y may equal x. Relative error below 2e-7 for x in [-87, 88].
void ocr_vexp(const float *x, float *y, size_t n);
/// y[i] = 1 / (1 + exp(-x[i])).
void ocr_vsigmoid(const float *x, float *y, size_t n);
/// y[i] = tanh(x[i]).
void ocr_vtanh(const float *x, float *y, size_t n);
/// One LSTM step of one sample, fused: `gates` [4H] holds the pre-activations of i, f, g, o and
/// gets their activations (sigmoid, sigmoid, tanh, sigmoid) in place; c = f ⊙ c_prev + i ⊙ g and
/// h = o ⊙ tanh(c), each [H].
void ocr_lstm_cell(float *gates, const float *c_prev, float *c, float *h, size_t hidden);

/// x[i] = max(x[i], 0), in place (NaN becomes 0).
void ocr_relu(float *x, size_t n);
/// 1 when every one of x[0..<n] is finite, else 0.
int ocr_all_finite(const float *x, size_t n);
/// dy[i] = y[i] > 0 ? dy[i] : 0, in place: the ReLU's backward pass given its output y.
void ocr_relu_backward(float *dy, const float *y, size_t n);

/// Max pooling of `planes` images [h, w] → [oh, ow] with window kh x kw, stride sh x sw and
/// padding ph x pw (padding never wins). When `argmax` is not NULL it receives, per output, the
/// index within its input plane of the maximum. oh and ow must be the window counts.
void ocr_maxpool2d(const float *x, float *y, int *argmax, int planes, int h, int w, int oh, int ow,
                   int kh, int kw, int sh, int sw, int ph, int pw);

/// The backward pass of `ocr_maxpool2d` for `planes` planes: dx (plane_in floats per plane,
/// overwritten) gets each output's gradient dy (plane_out per plane) at its argmax, summed where
/// windows overlap.
void ocr_maxpool2d_backward(const float *dy, const int *argmax, float *dx, int planes, int plane_in, int plane_out);

/// Direct stride-1 convolution of one image [cin, h, w] with weights [cout, cin, kh, kw] into
/// y [cout, oh, ow] (oh = h + 2ph - kh + 1, ow likewise): y = bias + W * x. For layers with few
/// inputs per output (the first layer), where im2col + GEMM would spend its time storing tiles.
void ocr_conv2d_direct(const float *x, const float *weight, const float *bias, float *y,
                       int cin, int h, int w, int cout, int kh, int kw, int ph, int pw);

/// Winograd F(4x4, 3x3) for 3x3, stride-1, padding-1 convolutions.
/// The transformed weights: ocr_winograd_weights_count(cout, cin) floats.
size_t ocr_winograd_weights_count(int cout, int cin);
/// weight [cout, cin, 3, 3], each output channel scaled by scale[o] (NULL: 1) → transformed, packed.
void ocr_winograd_pack_weights(const float *weight, const float *scale, int cout, int cin, float *packed);
/// Scratch floats for a call covering `tiles` tiles.
size_t ocr_winograd_scratch_count(int cin, int cout, int tiles);
/// y = conv(x) + bias (ReLU when `relu`) for x [n, cin, h, w] → y [n, cout, h, w], computing only
/// the output tiles [begin, end) of the 4x4 tiles numbered over (sample, tile row, tile column),
/// ((h+3)/4)·((w+3)/4) per sample; disjoint ranges may run on different threads. bias may be NULL.
void ocr_winograd_conv3x3(const float *x, int cin, int h, int w, const float *packed, int cout, const float *bias,
                          int relu, float *y, long begin, long end, float *scratch);

/// Scratch floats for `ocr_winograd_weight_gradient` over `tiles` tiles.
size_t ocr_winograd_gradient_scratch_count(int cin, int cout, int tiles);
/// The weight gradient of `ocr_winograd_conv3x3` in the transformed domain, for the output tiles
/// [begin, end) (numbered as there): du [36, cout, cin] += Σ_tiles (A dY Aᵀ)[e][o] · (Bᵀ x B)[e][i],
/// where x [n, cin, h, w] is the layer's input and dy [n, cout, h, w] the gradient of its output.
/// Disjoint ranges may run on different threads into separate du.
void ocr_winograd_weight_gradient(const float *x, int cin, int h, int w, const float *dy, int cout, long begin,
                                  long end, float *du, float *scratch);
/// dw [cout, cin, 3, 3] += Gᵀ du[o][i] G: the weight gradient from its transformed form.
void ocr_winograd_gradient_to_weights(const float *du, int cout, int cin, float *dw);

/// Makes glibc's malloc keep large freed buffers for reuse instead of unmapping them (and mapping
/// and page-faulting new ones on the next pass). Returns 1 when applied, 0 elsewhere.
int ocr_keep_freed_buffers(void);

#endif
