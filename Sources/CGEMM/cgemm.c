// An AVX-512 SGEMM for the shapes of convolutions: C (M×N) = alpha · op(A) (M×K) · B (K×N) + beta · C.
//
// Loop order (after Goto/BLIS): blocks of NC columns × KC rows of B are packed into NR-wide panels
// that lie contiguously, k after k, so the micro-kernel streams them from L2; A is not packed: a
// sliver of up to 12 rows × KC is read in place (one broadcast per element), stays in L1 while it
// meets every panel of the block, and costs no copy. A conv's A is its weight matrix, used only N
// times per call, so transposing it into panels would cost as much as the product for small maps.
// Only the last sliver of an M that is not a multiple of 4 is copied, zero-padded, so that no row
// beyond M is ever read. Columns past N in the last panel are zero in the panel and masked on store.
#include "cgemm.h"

#include <stdlib.h>

#if !defined(__x86_64__)
// Other architectures build and run on OpenBLAS alone: the kernel below is x86-64 AVX-512 code.
int cgemm_available(void) { return 0; }
void cgemm_sgemm(int trans_a, long m, long n, long k, float alpha, const float *a, long lda,
                 const cgemm_b *b, float beta, float *c, long ldc, const cgemm_epilogue *epilogue) {
  abort();  // never called: cgemm_available() is 0
}
#else

#include <cpuid.h>
#include <immintrin.h>
#include <pthread.h>
#include <stdint.h>

enum {
  NR = 32,  // columns per micro-tile: two 16-float registers per row
  KC = 256, // rows of B per packed block: one panel (KC × NR floats) is 32 KiB
  NC = 512, // columns of B per packed block: KC × NC floats is 512 KiB, within one core's L2
  MR_MAX = 12
};

int cgemm_available(void) {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_OSXSAVE)) return 0;
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  // The OS must save SSE, AVX and the three AVX-512 register states (XCR0 bits 1, 2, 5, 6, 7).
  if ((lo & 0xE6) != 0xE6) return 0;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
  return (ebx & bit_AVX512F) ? 1 : 0;
}

#pragma clang attribute push(__attribute__((target("avx512f,avx2,fma"))), apply_to = function)

/// Lanes [0, count) of a 16-lane register, count clamped to 0…16.
static inline __mmask16 lanes(long count) {
  if (count >= 16) return (__mmask16)0xFFFF;
  if (count <= 0) return 0;
  return (__mmask16)((1u << count) - 1);
}

/// Packs rows [pc, pc + kc) × columns [jc, jc + nc) of B into ⌈nc/NR⌉ panels of kc × NR floats,
/// applying B's per-row affine and ReLU when it has them. Loads are masked at N's end, so a row is never
/// read past its last column.
static void pack_b(const cgemm_b *b, long pc, long kc, long jc, long nc, float *packed) {
  for (long j = 0; j < nc; j += NR) {
    const __mmask16 m0 = lanes(nc - j), m1 = lanes(nc - j - 16);
    float *dst = packed + j * kc;
    for (long p = 0; p < kc; p++, dst += NR) {
      const long row = pc + p;
      const float *src = (b->row_offsets ? b->data + b->row_offsets[row] : b->data + row * b->ldb) + jc + j;
      __m512 v0 = _mm512_maskz_loadu_ps(m0, src), v1 = _mm512_maskz_loadu_ps(m1, src + 16);
      if (b->scale) {
        const __m512 s = _mm512_set1_ps(b->scale[row]), t = _mm512_set1_ps(b->shift[row]);
        v0 = _mm512_fmadd_ps(v0, s, t);
        v1 = _mm512_fmadd_ps(v1, s, t);
        if (b->relu) {  // max(0, NaN) is NaN: MAXPS returns its second operand when either is NaN
          v0 = _mm512_max_ps(_mm512_setzero_ps(), v0);
          v1 = _mm512_max_ps(_mm512_setzero_ps(), v1);
        }
      }
      _mm512_store_ps(dst, v0);
      _mm512_store_ps(dst + 16, v1);
    }
  }
}

/// The micro-kernel: rows [0, rows) of the MR × NR tile at c (row pitch ldc) get alpha · Σ_p A(i, p) ·
/// panel(p, ·) + beta · c, where A(i, p) = a[i·rs + p·ks], then + bias[i], + res(i, ·) (row pitch ldc) and
/// max(0, ·) when bias or res is not NULL or relu is 1 (the last K block's epilogue); columns outside masks
/// m0/m1 are untouched.
/// MR is a constant at every call site, so the loops over rows unroll into registers.
static inline __attribute__((always_inline)) void micro_kernel(
    const int MR, long kc, const float *a, long rs, long ks, const float *panel, float *c, long ldc,
    int rows, float alpha, float beta, const float *bias, const float *res, int relu, __mmask16 m0,
    __mmask16 m1) {
  __m512 acc0[MR_MAX], acc1[MR_MAX];
#pragma clang loop unroll(full)
  for (int i = 0; i < MR; i++) acc0[i] = acc1[i] = _mm512_setzero_ps();
  for (long p = 0; p < kc; p++) {
    const __m512 b0 = _mm512_load_ps(panel), b1 = _mm512_load_ps(panel + 16);
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
      const __m512 ai = _mm512_set1_ps(a[i * rs]);
      acc0[i] = _mm512_fmadd_ps(ai, b0, acc0[i]);
      acc1[i] = _mm512_fmadd_ps(ai, b1, acc1[i]);
    }
    a += ks;
    panel += NR;
  }
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  for (int i = 0; i < rows; i++) {
    float *ci = c + i * ldc;
    __m512 v0 = alpha == 1.0f ? acc0[i] : _mm512_mul_ps(va, acc0[i]);
    __m512 v1 = alpha == 1.0f ? acc1[i] : _mm512_mul_ps(va, acc1[i]);
    if (beta == 1.0f) {
      v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, ci));
      v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, ci + 16));
    } else if (beta != 0.0f) {
      v0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m0, ci), v0);
      v1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(m1, ci + 16), v1);
    }
    if (bias) {
      const __m512 bi = _mm512_set1_ps(bias[i]);
      v0 = _mm512_add_ps(v0, bi);
      v1 = _mm512_add_ps(v1, bi);
    }
    if (res) {
      v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, res + i * ldc));
      v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, res + i * ldc + 16));
    }
    if (relu) {
      v0 = _mm512_max_ps(_mm512_setzero_ps(), v0);
      v1 = _mm512_max_ps(_mm512_setzero_ps(), v1);
    }
    _mm512_mask_storeu_ps(ci, m0, v0);
    _mm512_mask_storeu_ps(ci + 16, m1, v1);
  }
}

static void kernel_12(long kc, const float *a, long rs, long ks, const float *panel, float *c, long ldc,
                      int rows, float alpha, float beta, const float *bias, const float *res, int relu,
                      __mmask16 m0, __mmask16 m1) {
  micro_kernel(12, kc, a, rs, ks, panel, c, ldc, rows, alpha, beta, bias, res, relu, m0, m1);
}
static void kernel_8(long kc, const float *a, long rs, long ks, const float *panel, float *c, long ldc,
                      int rows, float alpha, float beta, const float *bias, const float *res, int relu,
                      __mmask16 m0, __mmask16 m1) {
  micro_kernel(8, kc, a, rs, ks, panel, c, ldc, rows, alpha, beta, bias, res, relu, m0, m1);
}
static void kernel_4(long kc, const float *a, long rs, long ks, const float *panel, float *c, long ldc,
                      int rows, float alpha, float beta, const float *bias, const float *res, int relu,
                      __mmask16 m0, __mmask16 m1) {
  micro_kernel(4, kc, a, rs, ks, panel, c, ldc, rows, alpha, beta, bias, res, relu, m0, m1);
}

/// Per-thread scratch, kept for the life of the thread and freed when it exits (libdispatch retires idle
/// workers, so scratch tied to threads without a destructor would leak): the packed B block and a padded A
/// sliver.
typedef struct scratch {
  float *packed_b_block;
  float *padded_a_sliver;
} scratch;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void free_scratch(void *p) {
  scratch *s = p;
  free(s->packed_b_block);
  free(s->padded_a_sliver);
  free(s);
}

static void make_scratch_key(void) { pthread_key_create(&scratch_key, free_scratch); }

/// This thread's scratch, allocated on first use; NULL when memory runs out.
static scratch *thread_scratch(void) {
  pthread_once(&scratch_once, make_scratch_key);
  scratch *s = pthread_getspecific(scratch_key);
  if (s) return s;
  s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->packed_b_block = aligned_alloc(64, sizeof(float) * KC * NC);
  s->padded_a_sliver = aligned_alloc(64, sizeof(float) * KC * MR_MAX);
  if (!s->packed_b_block || !s->padded_a_sliver || pthread_setspecific(scratch_key, s) != 0) {
    free_scratch(s);
    return NULL;
  }
  return s;
}

void cgemm_sgemm(int trans_a, long m, long n, long k, float alpha, const float *a, long lda,
                 const cgemm_b *b, float beta, float *c, long ldc, const cgemm_epilogue *epilogue) {
  if (m <= 0 || n <= 0 || k <= 0) return;  // the caller (GEMM.swift) computes empty sums itself
  scratch *mine = thread_scratch();
  if (!mine) abort();  // 524 KiB per thread; nothing sensible to do without them
  float *packed_b_block = mine->packed_b_block, *padded_a_sliver = mine->padded_a_sliver;
  // Element (i, p) of op(A) is a[i·rs + p·ks].
  const long rs = trans_a ? 1 : lda, ks = trans_a ? lda : 1;
  for (long jc = 0; jc < n; jc += NC) {
    const long nc = n - jc < NC ? n - jc : NC;
    for (long pc = 0; pc < k; pc += KC) {
      const long kc = k - pc < KC ? k - pc : KC;
      pack_b(b, pc, kc, jc, nc, packed_b_block);
      const float block_beta = pc == 0 ? beta : 1.0f;
      const int last = pc + kc >= k;  // the epilogue goes with the last K block
      const int block_relu = last && epilogue->relu;
      for (long ic = 0; ic < m; ic += MR_MAX) {
        const int rows = m - ic < MR_MAX ? (int)(m - ic) : MR_MAX;
        const int mr = rows > 8 ? 12 : rows > 4 ? 8 : 4;
        const float *sliver = a + ic * rs + pc * ks;
        long srs = rs, sks = ks;
        if (rows < mr) {  // copy the short sliver, zero-padded to mr rows, k after k
          float *dst = padded_a_sliver;
          for (long p = 0; p < kc; p++)
            for (int i = 0; i < mr; i++) dst[p * mr + i] = i < rows ? sliver[i * rs + p * ks] : 0.0f;
          sliver = dst;
          srs = 1;
          sks = mr;
        }
        for (long jr = 0; jr < nc; jr += NR) {
          const __mmask16 m0 = lanes(nc - jr), m1 = lanes(nc - jr - 16);
          const float *panel = packed_b_block + jr * kc;
          float *tile = c + ic * ldc + jc + jr;
          const float *row_bias = last && epilogue->bias ? epilogue->bias + ic : NULL;
          const float *res = last && epilogue->residual ? epilogue->residual + ic * ldc + jc + jr : NULL;
          if (mr == 12)
            kernel_12(kc, sliver, srs, sks, panel, tile, ldc, rows, alpha, block_beta, row_bias, res, block_relu,
                      m0, m1);
          else if (mr == 8)
            kernel_8(kc, sliver, srs, sks, panel, tile, ldc, rows, alpha, block_beta, row_bias, res, block_relu,
                     m0, m1);
          else
            kernel_4(kc, sliver, srs, sks, panel, tile, ldc, rows, alpha, block_beta, row_bias, res, block_relu,
                     m0, m1);
        }
      }
    }
  }
}

#pragma clang attribute pop

#endif  // __x86_64__
