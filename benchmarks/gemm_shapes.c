// CGEMM's micro-kernel against OpenBLAS's sgemm on one thread, on the GEMM shapes of ResNet-50 and DenseNet-121
// convolutions at batch 1 (M = output channels, N = output pixels, K = input channels × taps), interleaved
// within each round so that load on the machine hits both alike; best of 25 rounds.
//
//   clang -O3 -I Sources/CGEMM/include -o /tmp/gemm_shapes benchmarks/gemm_shapes.c Sources/CGEMM/cgemm.c \
//     -lopenblas -lm && OPENBLAS_NUM_THREADS=1 /tmp/gemm_shapes
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cgemm.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
  const int features = cgemm_features();
  const int kernel = features & CGEMM_AVX512 ? CGEMM_AVX512 : CGEMM_AVX2;
  if (!(features & kernel)) return fprintf(stderr, "gemm_shapes: this CPU has neither AVX-512 nor AVX2 + FMA\n"), 1;
  static const long shapes[][3] = {
      {32, 3136, 1152}, {32, 784, 1152}, {32, 196, 1152}, {64, 3136, 576}, {64, 3136, 64},   {64, 3136, 256},
      {128, 3136, 256}, {128, 784, 1152}, {128, 784, 512}, {256, 3136, 64}, {256, 196, 2304}, {512, 784, 128},
      {1024, 196, 256}, {512, 49, 4608}, {2048, 49, 512}};
  const int count = sizeof shapes / sizeof shapes[0];
  double own_total = 0, blas_total = 0;
  printf("CGEMM %s vs OpenBLAS %s, one thread, GFLOP/s (best of 25)\n", kernel == CGEMM_AVX512 ? "AVX-512" : "AVX2",
         openblas_get_corename());
  printf("%6s %6s %6s %9s %9s %7s\n", "M", "N", "K", "CGEMM", "OpenBLAS", "ratio");
  for (int s = 0; s < count; s++) {
    const long m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
    float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n);
    float *c = malloc(sizeof(float) * m * n), *reference = malloc(sizeof(float) * m * n);
    for (long i = 0; i < m * k; i++) a[i] = (float)(rand() % 201 - 100) / 100.0f;
    for (long i = 0; i < k * n; i++) b[i] = (float)(rand() % 201 - 100) / 100.0f;
    const cgemm_b source = {.data = b, .ldb = n};
    const cgemm_epilogue none = {0};
    double own = INFINITY, blas = INFINITY;
    for (int round = 0; round < 25; round++) {
      double t0 = now();
      cgemm_sgemm(kernel, 0, m, n, k, 1.0f, a, k, &source, 0.0f, c, n, &none);
      own = fmin(own, now() - t0);
      t0 = now();
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)n, (int)k, 1.0f, a, (int)k, b, (int)n, 0.0f,
                  reference, (int)n);
      blas = fmin(blas, now() - t0);
    }
    double worst = 0, largest = 0;
    for (long i = 0; i < m * n; i++) {
      worst = fmax(worst, fabs(c[i] - reference[i]));
      largest = fmax(largest, fabs(reference[i]));
    }
    if (worst > 1e-4 * largest) return fprintf(stderr, "gemm_shapes: %ldx%ldx%ld differs by %g\n", m, n, k, worst), 1;
    const double flops = 2.0 * m * n * k;
    printf("%6ld %6ld %6ld %9.1f %9.1f %7.2f\n", m, n, k, flops / own * 1e-9, flops / blas * 1e-9, blas / own);
    own_total += own, blas_total += blas;
    free(a), free(b), free(c), free(reference);
  }
  printf("all shapes: CGEMM %.2f ms, OpenBLAS %.2f ms (OpenBLAS / CGEMM time %.2f)\n", own_total * 1e3,
         blas_total * 1e3, blas_total / own_total);
  return 0;
}
