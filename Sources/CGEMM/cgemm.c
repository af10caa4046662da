// An AVX-512 and an AVX2 + FMA SGEMM for the shapes of convolutions: C (M×N) = alpha · op(A) (M×K) · B (K×N)
// + beta · C.
//
// Loop order (after Goto/BLIS): blocks of NC columns × KC rows of B are packed into NR-wide panels
// that lie contiguously, k after k, so the micro-kernel streams them from L2; A is not packed: a
// sliver of up to 12 rows × KC is read in place (one broadcast per element), stays in L1 while it
// meets every panel of the block, and costs no copy. A conv's A is its weight matrix, used only N
// times per call, so transposing it into panels would cost as much as the product for small maps.
// Only a last sliver shorter than its kernel's rows is copied, zero-padded, so that no row beyond M is ever
// read. Columns past N in the last panel are zero in the panel and masked on store. The two instruction sets
// share the blocking (`drive`) and differ in panel width and sliver height: 32 × up to 12 rows in 24 zmm
// registers, 16 × up to 6 rows in 12 ymm registers (the Haswell/Zen shape: 12 FMAs per 8 loads).
#include "cgemm.h"

#include <stdlib.h>

#if !defined(__x86_64__)
// Other architectures build and run on OpenBLAS alone: the kernels below are x86-64 code.
int cgemm_features(void) { return 0; }
void cgemm_sgemm(int kernel, int trans_a, long m, long n, long k, float alpha, const float *a, long lda,
                 const cgemm_b *b, float beta, float *c, long ldc, const cgemm_epilogue *epilogue) {
  abort();  // never called: cgemm_features() is 0
}
#else

#include <cpuid.h>
#if defined(CGEMM_EMULATE_AVX512)
// Tests only (Tests/CGEMMEmulation): the AVX-512 path built over scalar stand-ins of its intrinsics, so that its
// blocking, masks and epilogue are checked on CPUs without AVX-512.
#include "avx512_emulation.h"
#else
#include <immintrin.h>
#endif
#include <pthread.h>
#include <stdint.h>

enum {
  KC = 256,  // rows of B per packed block: one 32-wide panel (KC × 32 floats) is 32 KiB
  NC = 512,  // columns of B per packed block: KC × NC floats is 512 KiB, within one core's L2
  MR_MAX = 12
};

#if defined(CGEMM_EMULATE_AVX512)
int cgemm_features(void) { return CGEMM_AVX512; }
#else
int cgemm_features(void) {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_OSXSAVE)) return 0;
  const int fma = (ecx & bit_FMA) && (ecx & bit_AVX);
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  // The OS must save SSE and AVX state (XCR0 bits 1, 2), and for AVX-512 the three AVX-512 states (5, 6, 7).
  if ((lo & 0x6) != 0x6) return 0;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
  int features = 0;
  if ((ebx & bit_AVX2) && fma) features |= CGEMM_AVX2;
  if ((lo & 0xE6) == 0xE6 && (ebx & bit_AVX512F)) features |= CGEMM_AVX512;
  return features;
}
#endif

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

/// Packs rows [pc, pc + kc) × columns [jc, jc + nc) of B into NR-wide panels, kc × NR floats each.
typedef void (*pack_fn)(const cgemm_b *b, long pc, long kc, long jc, long nc, float *packed);
/// One micro-tile: the `mr`-row kernel (mr from `height_fn`) over a kc-deep sliver and panel; rows [0, rows) and
/// columns [0, cols) of C are stored (see micro_kernel_avx512 for the arguments).
typedef void (*tile_fn)(int mr, long kc, const float *a, long rs, long ks, const float *panel, float *c, long ldc,
                        int rows, float alpha, float beta, const float *scale, const float *bias, const float *res,
                        int relu, long cols);
/// The kernel height for the last `rows` rows of A (≥ rows).
typedef int (*height_fn)(int rows);

/// The Goto/BLIS loops, shared by both instruction sets: NC × KC blocks of B packed, MR_TOP-row slivers of A
/// in place, each sliver against every panel of the block. Always inlined into a caller compiled for the
/// kernel's instruction set, where `pack`, `height` and `tile` are known functions.
static inline __attribute__((always_inline)) void drive(
    const int NR, const int MR_TOP, pack_fn pack, height_fn height, tile_fn tile, int trans_a, long m, long n,
    long k, float alpha, const float *a, long lda, const cgemm_b *b, float beta, float *c, long ldc,
    const cgemm_epilogue *epilogue) {
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
      pack(b, pc, kc, jc, nc, packed_b_block);
      const float block_beta = pc == 0 ? beta : 1.0f;
      const int last = pc + kc >= k;  // the epilogue goes with the last K block
      const int block_relu = last && epilogue->relu;
      for (long ic = 0; ic < m; ic += MR_TOP) {
        const int rows = m - ic < MR_TOP ? (int)(m - ic) : MR_TOP;
        const int mr = height(rows);
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
        const float *row_scale = last && epilogue->scale ? epilogue->scale + ic : NULL;
        const float *row_bias = last && epilogue->bias ? epilogue->bias + ic : NULL;
        for (long jr = 0; jr < nc; jr += NR) {
          const float *res = last && epilogue->residual ? epilogue->residual + ic * ldc + jc + jr : NULL;
          tile(mr, kc, sliver, srs, sks, packed_b_block + jr * kc, c + ic * ldc + jc + jr, ldc, rows, alpha,
               block_beta, row_scale, row_bias, res, block_relu, nc - jr);
        }
      }
    }
  }
}

// MARK: AVX-512: 32-column panels, slivers of 4, 8 or 12 rows.

#if !defined(CGEMM_EMULATE_AVX512)
#pragma clang attribute push(__attribute__((target("avx512f,avx2,fma"))), apply_to = function)
#endif

/// Lanes [0, count) of a 16-lane register, count clamped to 0…16.
static inline __mmask16 lanes(long count) {
  if (count >= 16) return (__mmask16)0xFFFF;
  if (count <= 0) return 0;
  return (__mmask16)((1u << count) - 1);
}

/// pack_fn for 32-wide panels, applying B's per-row affine and ReLU when it has them. Loads are masked at N's
/// end, so a row is never read past its last column.
static void pack_b_avx512(const cgemm_b *b, long pc, long kc, long jc, long nc, float *packed) {
  enum { NR = 32 };
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

/// The micro-kernel: rows [0, rows) of the MR × 32 tile at c (row pitch ldc) get alpha · Σ_p A(i, p) ·
/// panel(p, ·) + beta · c, where A(i, p) = a[i·rs + p·ks], then · scale[i], + bias[i], + res(i, ·) (row pitch
/// ldc) and max(0, ·) when scale, bias or res is not NULL or relu is 1 (the last K block's epilogue); columns
/// from `cols` on are untouched. MR is a constant at every call site, so the loops over rows unroll into registers.
static inline __attribute__((always_inline)) void micro_kernel_avx512(
    const int MR, long kc, const float *a, long rs, long ks, const float *panel, float *c, long ldc, int rows,
    float alpha, float beta, const float *scale, const float *bias, const float *res, int relu, long cols) {
  const __mmask16 m0 = lanes(cols), m1 = lanes(cols - 16);
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
    panel += 32;
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
    if (scale) {
      const __m512 si = _mm512_set1_ps(scale[i]);
      v0 = _mm512_mul_ps(v0, si);
      v1 = _mm512_mul_ps(v1, si);
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

static int height_avx512(int rows) { return rows > 8 ? 12 : rows > 4 ? 8 : 4; }

static void tile_avx512(int mr, long kc, const float *a, long rs, long ks, const float *panel, float *c, long ldc,
                        int rows, float alpha, float beta, const float *scale, const float *bias, const float *res,
                        int relu, long cols) {
  if (mr == 12)
    micro_kernel_avx512(12, kc, a, rs, ks, panel, c, ldc, rows, alpha, beta, scale, bias, res, relu, cols);
  else if (mr == 8)
    micro_kernel_avx512(8, kc, a, rs, ks, panel, c, ldc, rows, alpha, beta, scale, bias, res, relu, cols);
  else
    micro_kernel_avx512(4, kc, a, rs, ks, panel, c, ldc, rows, alpha, beta, scale, bias, res, relu, cols);
}

static void sgemm_avx512(int trans_a, long m, long n, long k, float alpha, const float *a, long lda,
                         const cgemm_b *b, float beta, float *c, long ldc, const cgemm_epilogue *epilogue) {
  drive(32, 12, pack_b_avx512, height_avx512, tile_avx512, trans_a, m, n, k, alpha, a, lda, b, beta, c, ldc,
        epilogue);
}

#if !defined(CGEMM_EMULATE_AVX512)
#pragma clang attribute pop

// MARK: AVX2 + FMA: 16-column panels, slivers of 4 or 6 rows.

#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)

/// Lanes [0, count) of an 8-lane register as a maskload/maskstore mask (sign bits), count clamped to 0…8.
static inline __m256i lanes8(long count) {
  const int n = count >= 8 ? 8 : count <= 0 ? 0 : (int)count;
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// pack_fn for 16-wide panels, as pack_b_avx512 (masked loads never touch the lanes they leave out).
static void pack_b_avx2(const cgemm_b *b, long pc, long kc, long jc, long nc, float *packed) {
  enum { NR = 16 };
  for (long j = 0; j < nc; j += NR) {
    const long left = nc - j;
    const __m256i m0 = lanes8(left), m1 = lanes8(left - 8);
    float *dst = packed + j * kc;
    for (long p = 0; p < kc; p++, dst += NR) {
      const long row = pc + p;
      const float *src = (b->row_offsets ? b->data + b->row_offsets[row] : b->data + row * b->ldb) + jc + j;
      __m256 v0, v1;
      if (left >= NR) {
        v0 = _mm256_loadu_ps(src);
        v1 = _mm256_loadu_ps(src + 8);
      } else {
        v0 = _mm256_maskload_ps(src, m0);
        v1 = _mm256_maskload_ps(src + 8, m1);
      }
      if (b->scale) {
        const __m256 s = _mm256_set1_ps(b->scale[row]), t = _mm256_set1_ps(b->shift[row]);
        // Lanes past N become t (or max(0, t)); the tile's masked stores never write them.
        v0 = _mm256_fmadd_ps(v0, s, t);
        v1 = _mm256_fmadd_ps(v1, s, t);
        if (b->relu) {  // max(0, NaN) is NaN: MAXPS returns its second operand when either is NaN
          v0 = _mm256_max_ps(_mm256_setzero_ps(), v0);
          v1 = _mm256_max_ps(_mm256_setzero_ps(), v1);
        }
      }
      _mm256_store_ps(dst, v0);
      _mm256_store_ps(dst + 8, v1);
    }
  }
}

/// micro_kernel_avx512 for an MR × 16 tile in ymm registers (MR ≤ 6), or, with NV = 1, for the left half of a
/// panel (MR × 8): a last panel with at most 8 columns left (N = 49, a 7×7 map, leaves 1) then costs half a tile.
static inline __attribute__((always_inline)) void micro_kernel_avx2(
    const int MR, const int NV, long kc, const float *a, long rs, long ks, const float *panel, float *c, long ldc,
    int rows, float alpha, float beta, const float *scale, const float *bias, const float *res, int relu, long cols) {
  __m256 acc0[6], acc1[6];
#pragma clang loop unroll(full)
  for (int i = 0; i < MR; i++) acc0[i] = acc1[i] = _mm256_setzero_ps();
  for (long p = 0; p < kc; p++) {
    const __m256 b0 = _mm256_load_ps(panel), b1 = NV == 2 ? _mm256_load_ps(panel + 8) : b0;
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
      const __m256 ai = _mm256_broadcast_ss(a + i * rs);
      acc0[i] = _mm256_fmadd_ps(ai, b0, acc0[i]);
      if (NV == 2) acc1[i] = _mm256_fmadd_ps(ai, b1, acc1[i]);
    }
    a += ks;
    panel += 16;
  }
  const int whole = cols >= 8 * NV;
  const __m256i m0 = lanes8(cols), m1 = lanes8(cols - 8);
  const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
  for (int i = 0; i < rows; i++) {
    float *ci = c + i * ldc;
    __m256 v0 = alpha == 1.0f ? acc0[i] : _mm256_mul_ps(va, acc0[i]);
    __m256 v1 = alpha == 1.0f ? acc1[i] : _mm256_mul_ps(va, acc1[i]);
    if (beta != 0.0f) {
      const __m256 c0 = whole ? _mm256_loadu_ps(ci) : _mm256_maskload_ps(ci, m0);
      v0 = beta == 1.0f ? _mm256_add_ps(v0, c0) : _mm256_fmadd_ps(vb, c0, v0);
      if (NV == 2) {
        const __m256 c1 = whole ? _mm256_loadu_ps(ci + 8) : _mm256_maskload_ps(ci + 8, m1);
        v1 = beta == 1.0f ? _mm256_add_ps(v1, c1) : _mm256_fmadd_ps(vb, c1, v1);
      }
    }
    if (scale) {
      const __m256 si = _mm256_set1_ps(scale[i]);
      v0 = _mm256_mul_ps(v0, si);
      v1 = _mm256_mul_ps(v1, si);
    }
    if (bias) {
      const __m256 bi = _mm256_set1_ps(bias[i]);
      v0 = _mm256_add_ps(v0, bi);
      v1 = _mm256_add_ps(v1, bi);
    }
    if (res) {
      const float *ri = res + i * ldc;
      v0 = _mm256_add_ps(v0, whole ? _mm256_loadu_ps(ri) : _mm256_maskload_ps(ri, m0));
      if (NV == 2) v1 = _mm256_add_ps(v1, whole ? _mm256_loadu_ps(ri + 8) : _mm256_maskload_ps(ri + 8, m1));
    }
    if (relu) {
      v0 = _mm256_max_ps(_mm256_setzero_ps(), v0);
      v1 = _mm256_max_ps(_mm256_setzero_ps(), v1);
    }
    if (whole) {
      _mm256_storeu_ps(ci, v0);
      if (NV == 2) _mm256_storeu_ps(ci + 8, v1);
    } else {
      _mm256_maskstore_ps(ci, m0, v0);
      if (NV == 2) _mm256_maskstore_ps(ci + 8, m1, v1);
    }
  }
}

static int height_avx2(int rows) { return rows > 4 ? 6 : 4; }

static void tile_avx2(int mr, long kc, const float *a, long rs, long ks, const float *panel, float *c, long ldc,
                      int rows, float alpha, float beta, const float *scale, const float *bias, const float *res,
                        int relu, long cols) {
  const int NV = cols > 8 ? 2 : 1;  // vectors per row the columns left need
  if (mr == 6 && NV == 2)
    micro_kernel_avx2(6, 2, kc, a, rs, ks, panel, c, ldc, rows, alpha, beta, scale, bias, res, relu, cols);
  else if (mr == 6)
    micro_kernel_avx2(6, 1, kc, a, rs, ks, panel, c, ldc, rows, alpha, beta, scale, bias, res, relu, cols);
  else if (NV == 2)
    micro_kernel_avx2(4, 2, kc, a, rs, ks, panel, c, ldc, rows, alpha, beta, scale, bias, res, relu, cols);
  else
    micro_kernel_avx2(4, 1, kc, a, rs, ks, panel, c, ldc, rows, alpha, beta, scale, bias, res, relu, cols);
}

static void sgemm_avx2(int trans_a, long m, long n, long k, float alpha, const float *a, long lda,
                       const cgemm_b *b, float beta, float *c, long ldc, const cgemm_epilogue *epilogue) {
  drive(16, 6, pack_b_avx2, height_avx2, tile_avx2, trans_a, m, n, k, alpha, a, lda, b, beta, c, ldc, epilogue);
}

#pragma clang attribute pop
#endif  // !CGEMM_EMULATE_AVX512

void cgemm_sgemm(int kernel, int trans_a, long m, long n, long k, float alpha, const float *a, long lda,
                 const cgemm_b *b, float beta, float *c, long ldc, const cgemm_epilogue *epilogue) {
  if (kernel == CGEMM_AVX512)
    sgemm_avx512(trans_a, m, n, k, alpha, a, lda, b, beta, c, ldc, epilogue);
#if !defined(CGEMM_EMULATE_AVX512)
  else
    sgemm_avx2(trans_a, m, n, k, alpha, a, lda, b, beta, c, ldc, epilogue);
#endif
}

#endif  // __x86_64__
