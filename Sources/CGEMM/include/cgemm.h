// TensorCore's own single-precision GEMM for CPUs with AVX-512 or AVX2 + FMA; only TensorCore/GEMM.swift imports
// this.
#ifndef CGEMM_H
#define CGEMM_H

/// Where the rows of B are and what happens to them on the way in.
typedef struct cgemm_b {
  /// Row p of B starts at data + p·ldb, or at data + row_offsets[p] when row_offsets is not NULL (an
  /// implicit im2col: convolution taps as shifted views of padded input planes).
  const float *data;
  long ldb;
  const long *row_offsets;
  /// When scale is not NULL, B(p, j) is read as B(p, j)·scale[p] + shift[p] (a batch norm in front of
  /// the product), then max(0, ·) when relu is 1.
  const float *scale;
  const float *shift;
  int relu;
} cgemm_b;

/// The micro-kernels, as bits of cgemm_features() and as cgemm_sgemm's `kernel`.
enum {
  /// 12 rows × 32 columns of C in 24 zmm registers (AVX-512F).
  CGEMM_AVX512 = 1,
  /// 6 rows × 16 columns of C in 12 ymm registers (AVX2 + FMA).
  CGEMM_AVX2 = 2
};

/// The kernels the CPU and the operating system support (cpuid and XCR0): CGEMM_AVX512 and/or CGEMM_AVX2 bits.
int cgemm_features(void);

/// What happens to C after the product: act(scale[i]·v + bias[i] + residual(i, j)).
typedef struct cgemm_epilogue {
  /// Per row of C, or NULL (1): a batch norm after a conv, applied to its output instead of folded into its
  /// weights, so that no second copy of the weights exists.
  const float *scale;
  /// Per row of C, or NULL.
  const float *bias;
  /// An M×N matrix with C's row pitch added element by element (a residual connection), or NULL.
  const float *residual;
  /// act is max(0, ·) when 1, else the identity.
  int relu;
} cgemm_epilogue;

/// C = act(scale · (alpha · op(A) · B + beta · C) + bias + residual) on one thread, row-major: op(A) is M×K (A is
/// stored K×M with row pitch lda when trans_a), B is K×N as `b` describes, C is M×N with row pitch ldc.
/// With beta == 0, C is only written, never read. K must be ≥ 1: with K = 0 nothing is done. `kernel` is
/// CGEMM_AVX512 or CGEMM_AVX2, and only one whose bit cgemm_features() returned.
void cgemm_sgemm(int kernel, int trans_a, long m, long n, long k, float alpha, const float *a, long lda,
                 const cgemm_b *b, float beta, float *c, long ldc, const cgemm_epilogue *epilogue);

#endif
