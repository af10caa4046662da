// Scalar stand-ins for the AVX-512 intrinsics that Sources/CGEMM/cgemm.c uses, with the same results lane by lane
// (FMA rounds once; MAXPS returns its second operand when either is NaN), so its AVX-512 path can be run and
// checked on a CPU without AVX-512. Aligned loads and stores trap when misaligned, as the instructions fault.
#ifndef AVX512_EMULATION_H
#define AVX512_EMULATION_H

#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct {
  float lane[16];
} __m512;
typedef uint16_t __mmask16;

static inline __m512 _mm512_setzero_ps(void) {
  __m512 r;
  for (int i = 0; i < 16; i++) r.lane[i] = 0.0f;
  return r;
}

static inline __m512 _mm512_set1_ps(float x) {
  __m512 r;
  for (int i = 0; i < 16; i++) r.lane[i] = x;
  return r;
}

static inline __m512 _mm512_load_ps(const void *p) {
  if ((uintptr_t)p % 64) __builtin_trap();
  __m512 r;
  memcpy(r.lane, p, sizeof r.lane);
  return r;
}

static inline void _mm512_store_ps(void *p, __m512 a) {
  if ((uintptr_t)p % 64) __builtin_trap();
  memcpy(p, a.lane, sizeof a.lane);
}

/// Lanes outside the mask are zero and their memory is never read (AddressSanitizer sees any overread).
static inline __m512 _mm512_maskz_loadu_ps(__mmask16 mask, const void *p) {
  const float *f = p;
  __m512 r;
  for (int i = 0; i < 16; i++) r.lane[i] = (mask >> i) & 1 ? f[i] : 0.0f;
  return r;
}

static inline void _mm512_mask_storeu_ps(void *p, __mmask16 mask, __m512 a) {
  float *f = p;
  for (int i = 0; i < 16; i++)
    if ((mask >> i) & 1) f[i] = a.lane[i];
}

static inline __m512 _mm512_fmadd_ps(__m512 a, __m512 b, __m512 c) {
  __m512 r;
  for (int i = 0; i < 16; i++) r.lane[i] = fmaf(a.lane[i], b.lane[i], c.lane[i]);
  return r;
}

static inline __m512 _mm512_add_ps(__m512 a, __m512 b) {
  __m512 r;
  for (int i = 0; i < 16; i++) r.lane[i] = a.lane[i] + b.lane[i];
  return r;
}

static inline __m512 _mm512_mul_ps(__m512 a, __m512 b) {
  __m512 r;
  for (int i = 0; i < 16; i++) r.lane[i] = a.lane[i] * b.lane[i];
  return r;
}

static inline __m512 _mm512_max_ps(__m512 a, __m512 b) {
  __m512 r;
  for (int i = 0; i < 16; i++) r.lane[i] = a.lane[i] > b.lane[i] ? a.lane[i] : b.lane[i];
  return r;
}

#endif
