// Runs CGEMM's AVX-512 path (built with -DCGEMM_EMULATE_AVX512 over avx512_emulation.h) on random products of
// every kind it serves — op(A) transposed or not, B plain or through row offsets (implicit im2col), with or
// without B's per-row affine and ReLU, alpha and beta, and each epilogue (scale, bias, residual, ReLU) — against a
// double-precision plain loop, and checks that nothing outside C's M×N block is written. Run by
// `make gemm-emulation-test` under AddressSanitizer and UBSan, which also catch any read past A, B or the epilogue.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "cgemm.h"

static float uniform(void) { return (float)(rand() % 2001 - 1000) / 1000.0f; }

/// One random product; returns its largest error relative to 1 + |reference|, or INFINITY when a value outside
/// the M×N block of C changed.
static double check_one(long m, long n, long k) {
  const int trans_a = rand() % 2, offsets = rand() % 2, affine = rand() % 2, b_relu = rand() % 2;
  const int with_scale = rand() % 2, with_bias = rand() % 2, with_residual = rand() % 2, relu = rand() % 2;
  const float alpha = rand() % 3 == 0 ? 0.5f : 1.0f, beta = (float)(rand() % 3) * 0.5f;
  const long lda = (trans_a ? m : k) + rand() % 3, ldb = n + rand() % 5, ldc = n + rand() % 4;
  const long a_count = trans_a ? k * lda : m * lda, c_count = (m + 1) * ldc;  // one guard row below C
  float *a = malloc(sizeof(float) * a_count), *b = malloc(sizeof(float) * k * ldb);
  float *c = malloc(sizeof(float) * c_count), *before = malloc(sizeof(float) * c_count);
  float *residual = malloc(sizeof(float) * m * ldc), *row_scale = malloc(sizeof(float) * k);
  float *row_shift = malloc(sizeof(float) * k), *scale = malloc(sizeof(float) * m), *bias = malloc(sizeof(float) * m);
  long *row_offsets = malloc(sizeof(long) * k);
  for (long i = 0; i < a_count; i++) a[i] = uniform();
  for (long i = 0; i < k * ldb; i++) b[i] = uniform();
  for (long i = 0; i < c_count; i++) c[i] = before[i] = uniform();
  for (long i = 0; i < m * ldc; i++) residual[i] = uniform();
  for (long p = 0; p < k; p++) {
    row_scale[p] = uniform();
    row_shift[p] = uniform();
    row_offsets[p] = (p * 7919 % k) * ldb;  // rows in a scrambled order, as taps of padded planes are
  }
  for (long i = 0; i < m; i++) {
    scale[i] = uniform();
    bias[i] = uniform();
  }
  const cgemm_b source = {.data = b,
                          .ldb = ldb,
                          .row_offsets = offsets ? row_offsets : NULL,
                          .scale = affine ? row_scale : NULL,
                          .shift = affine ? row_shift : NULL,
                          .relu = affine && b_relu};
  const cgemm_epilogue epilogue = {.scale = with_scale ? scale : NULL,
                                   .bias = with_bias ? bias : NULL,
                                   .residual = with_residual ? residual : NULL,
                                   .relu = relu};
  cgemm_sgemm(CGEMM_AVX512, trans_a, m, n, k, alpha, a, lda, &source, beta, c, ldc, &epilogue);
  double worst = 0;
  for (long i = 0; i <= m; i++)
    for (long j = 0; j < ldc; j++) {
      if (i == m || j >= n) {
        if (c[i * ldc + j] != before[i * ldc + j]) worst = INFINITY;
        continue;
      }
      double sum = 0;
      for (long p = 0; p < k; p++) {
        double x = b[(offsets ? row_offsets[p] : p * ldb) + j];
        if (affine) {
          x = x * row_scale[p] + row_shift[p];
          if (b_relu && x < 0) x = 0;
        }
        sum += (trans_a ? a[p * lda + i] : a[i * lda + p]) * x;
      }
      double want = alpha * sum + beta * before[i * ldc + j];
      if (with_scale) want *= scale[i];
      if (with_bias) want += bias[i];
      if (with_residual) want += residual[i * ldc + j];
      if (relu && want < 0) want = 0;
      const double error = fabs(want - c[i * ldc + j]) / (1 + fabs(want));
      if (error > worst) worst = error;
    }
  free(a), free(b), free(c), free(before), free(residual), free(row_scale), free(row_shift), free(scale), free(bias);
  free(row_offsets);
  return worst;
}

int main(void) {
  if (cgemm_features() != CGEMM_AVX512) return fprintf(stderr, "not built with -DCGEMM_EMULATE_AVX512\n"), 2;
  srand(512);
  int failures = 0, cases = 0;
  // Small shapes hit every sliver height (4, 8, 12) and ragged panel; large ones several K and N blocks.
  for (int t = 0; t < 400; t++, cases++) {
    const long m = 1 + rand() % 40, n = 1 + rand() % 80, k = 1 + rand() % 600;
    const double error = check_one(m, n, k);
    if (error > 1e-4) failures++, printf("FAIL m=%ld n=%ld k=%ld: error %g\n", m, n, k, error);
  }
  for (int t = 0; t < 12; t++, cases++) {
    const long m = 1 + rand() % 100, n = 500 + rand() % 700, k = 200 + rand() % 500;
    const double error = check_one(m, n, k);
    if (error > 1e-4) failures++, printf("FAIL m=%ld n=%ld k=%ld: error %g\n", m, n, k, error);
  }
  printf("CGEMM AVX-512 path (emulated): %d random products, %d failures\n", cases, failures);
  return failures != 0;
}
