// TensorCore's own single-precision GEMM for CPUs with AVX-512; only TensorCore/GEMM.swift imports this.
#ifndef CGEMM_H
#define CGEMM_H

/// 1 when the CPU and the operating system support AVX-512F (cpuid and XCR0), else 0.
int cgemm_available(void);

/// C = alpha · op(A) · B + beta · C on one thread, row-major: op(A) is M×K (A is stored K×M with row
/// pitch lda when trans_a), B is K×N with row pitch ldb, C is M×N with row pitch ldc. With beta == 0,
/// C is only written, never read. Call only when cgemm_available() returned 1.
void cgemm_sgemm(int trans_a, long m, long n, long k, float alpha, const float *a, long lda,
                 const float *b, long ldb, float beta, float *c, long ldc);

#endif
