// xoshiro256** (Blackman & Vigna, 2018) is linear over GF(2): one draw maps the 256-bit state by a matrix T whose
// characteristic polynomial P has degree 256, so T^k = (x^k mod P)(T) (Cayley–Hamilton) and the state k draws
// ahead is a sum of the states 0..255 draws ahead. That lets one long stream be cut into pieces drawn in parallel
// lanes and still give the values of drawing one by one. P is found once, by Berlekamp–Massey on the stream's
// own bits (the generator's period is 2²⁵⁶ − 1, so P is primitive and any nonzero bit sequence has it as its
// minimal polynomial).
#include "crandom.h"

#include <immintrin.h>
#include <pthread.h>
#include <string.h>

// Values must match the one-by-one draw bit for bit: no multiply-add may be fused.
#pragma STDC FP_CONTRACT OFF

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/// One draw: the output of the current state, then the state moved on.
static inline uint64_t draw(uint64_t s[4]) {
  const uint64_t result = rotl(s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

/// The uniform of one draw, as SeededGenerator.nextUniform gives it, mapped to low + span · u.
static inline float uniform_value(uint64_t bits, float low, float span) {
  const float u = (float)(int32_t)(bits >> 40) * 0x1p-24f;
  const float scaled = span * u;
  return low + scaled;
}

static void fill_scalar(uint64_t s[4], float *out, size_t n, float low, float span) {
  for (size_t i = 0; i < n; i++) out[i] = uniform_value(draw(s), low, span);
}

// MARK: - Polynomials over GF(2) of degree < 256, reduced modulo P

typedef struct {
  uint64_t w[4];
} poly;

/// P's coefficients below x²⁵⁶ (P is monic of degree 256), and x^(2^i) mod P for i < 64.
static poly characteristic;
static poly powers_of_two[64];
static pthread_once_t setup_once = PTHREAD_ONCE_INIT;

static inline int bit(const uint64_t *w, int i) { return (int)((w[i >> 6] >> (i & 63)) & 1); }

/// a · b mod P.
static poly multiply(poly a, poly b) {
  uint64_t product[8] = {0};
  for (int i = 0; i < 256; i++) {
    if (!bit(a.w, i)) continue;
    const int words = i >> 6, shift = i & 63;
    for (int k = 0; k < 4; k++) {
      product[k + words] ^= b.w[k] << shift;
      if (shift) product[k + words + 1] ^= b.w[k] >> (64 - shift);
    }
  }
  // Clear the bits from 511 down to 256 by adding x^(d−256) · P.
  for (int d = 511; d >= 256; d--) {
    if (!bit(product, d)) continue;
    product[d >> 6] ^= 1ull << (d & 63);
    const int words = (d - 256) >> 6, shift = (d - 256) & 63;
    for (int k = 0; k < 4; k++) {
      product[k + words] ^= characteristic.w[k] << shift;
      if (shift) product[k + words + 1] ^= characteristic.w[k] >> (64 - shift);
    }
  }
  poly r;
  memcpy(r.w, product, sizeof r.w);
  return r;
}

/// Berlekamp–Massey over 512 bits of the stream (bit 0 of the first state word, draw after draw) gives the
/// connection polynomial C = 1 + c₁x + … + c₂₅₆x²⁵⁶; P = x²⁵⁶·C(1/x), whose x^(256−i) coefficient is cᵢ.
static void setup(void) {
  enum { N = 512 };
  uint8_t sequence[N];
  uint64_t s[4] = {0x9E3779B97F4A7C15ull, 0xBF58476D1CE4E5B9ull, 0x94D049BB133111EBull, 1};
  for (int i = 0; i < N; i++) {
    sequence[i] = (uint8_t)(s[0] & 1);
    draw(s);
  }
  uint8_t c[N + 1] = {1}, b[N + 1] = {1}, previous[N + 1];
  int length = 0, gap = 1;
  for (int n = 0; n < N; n++) {
    uint8_t discrepancy = sequence[n];
    for (int i = 1; i <= length; i++) discrepancy ^= c[i] & sequence[n - i];
    if (!discrepancy) {
      gap++;
      continue;
    }
    memcpy(previous, c, sizeof c);
    for (int i = 0; i + gap <= N; i++) c[i + gap] ^= b[i];
    if (2 * length <= n) {
      length = n + 1 - length;
      memcpy(b, previous, sizeof b);
      gap = 1;
    } else {
      gap++;
    }
  }
  // length is 256 for this generator; P's x^j coefficient is c[256 − j] for j < 256.
  memset(&characteristic, 0, sizeof characteristic);
  for (int j = 0; j < 256; j++)
    if (c[256 - j]) characteristic.w[j >> 6] |= 1ull << (j & 63);
  poly x = {{2, 0, 0, 0}};
  for (int i = 0; i < 64; i++) {
    powers_of_two[i] = x;
    x = multiply(x, x);
  }
}

/// x^k mod P.
static poly power_of_x(uint64_t k) {
  poly r = {{1, 0, 0, 0}};
  for (int i = 0; i < 64; i++)
    if ((k >> i) & 1) r = multiply(r, powers_of_two[i]);
  return r;
}

/// The state r(T)·s: the sum of the states i draws ahead of s for every xⁱ in r.
static void apply(const poly *r, uint64_t s[4]) {
  uint64_t sum[4] = {0}, at[4] = {s[0], s[1], s[2], s[3]};
  for (int i = 0; i < 256; i++) {
    if (bit(r->w, i))
      for (int k = 0; k < 4; k++) sum[k] ^= at[k];
    draw(at);
  }
  memcpy(s, sum, sizeof sum);
}

// MARK: - Eight pieces in AVX2 lanes

enum { LANES = 8 };

#define AVX2 __attribute__((target("avx2")))

AVX2 static inline __m256i rotl4(__m256i x, int k) {
  return _mm256_or_si256(_mm256_slli_epi64(x, k), _mm256_srli_epi64(x, 64 - k));
}

/// Four states side by side (one per 64-bit lane), word by word.
typedef struct {
  __m256i s0, s1, s2, s3;
} lanes4;

/// The 24-bit draws of four lanes (in the low half of each 64-bit lane), the lanes moved on.
AVX2 static inline __m256i draw4(lanes4 *x) {
  const __m256i times5 = _mm256_add_epi64(x->s1, _mm256_slli_epi64(x->s1, 2));
  const __m256i rotated = rotl4(times5, 7);
  const __m256i result = _mm256_add_epi64(rotated, _mm256_slli_epi64(rotated, 3));  // · 9
  const __m256i t = _mm256_slli_epi64(x->s1, 17);
  x->s2 = _mm256_xor_si256(x->s2, x->s0);
  x->s3 = _mm256_xor_si256(x->s3, x->s1);
  x->s1 = _mm256_xor_si256(x->s1, x->s2);
  x->s0 = _mm256_xor_si256(x->s0, x->s3);
  x->s2 = _mm256_xor_si256(x->s2, t);
  x->s3 = rotl4(x->s3, 45);
  return _mm256_srli_epi64(result, 40);
}

AVX2 static lanes4 load4(uint64_t states[][4], int first) {
  lanes4 x;
  x.s0 = _mm256_setr_epi64x((long long)states[first][0], (long long)states[first + 1][0],
                            (long long)states[first + 2][0], (long long)states[first + 3][0]);
  x.s1 = _mm256_setr_epi64x((long long)states[first][1], (long long)states[first + 1][1],
                            (long long)states[first + 2][1], (long long)states[first + 3][1]);
  x.s2 = _mm256_setr_epi64x((long long)states[first][2], (long long)states[first + 1][2],
                            (long long)states[first + 2][2], (long long)states[first + 3][2]);
  x.s3 = _mm256_setr_epi64x((long long)states[first][3], (long long)states[first + 1][3],
                            (long long)states[first + 2][3], (long long)states[first + 3][3]);
  return x;
}

AVX2 static void store4(const lanes4 *x, uint64_t states[][4], int first) {
  uint64_t w[4][4];
  _mm256_storeu_si256((__m256i *)w[0], x->s0);
  _mm256_storeu_si256((__m256i *)w[1], x->s1);
  _mm256_storeu_si256((__m256i *)w[2], x->s2);
  _mm256_storeu_si256((__m256i *)w[3], x->s3);
  for (int l = 0; l < 4; l++)
    for (int k = 0; k < 4; k++) states[first + l][k] = w[k][l];
}

/// The first draws of each of eight lanes, eight at a time while `steps` allows, lane j writing out + j·pitch + i
/// for draw i (transposed in registers so each lane's eight values go out in one store); returns how many each
/// drew, the lanes' states moved on by as many. The caller draws the rest one by one.
AVX2 static size_t fill_lanes_avx2(uint64_t states[LANES][4], float *out, size_t pitch, size_t steps, float low,
                                 float span) {
  lanes4 a = load4(states, 0), b = load4(states, 4);
  const __m256 scale = _mm256_set1_ps(0x1p-24f), spans = _mm256_set1_ps(span), lows = _mm256_set1_ps(low);
  // Column k of the values of one draw holds lane order[k]: a's lanes in the even dwords, b's in the odd ones.
  static const int order[LANES] = {0, 4, 1, 5, 2, 6, 3, 7};
  size_t i = 0;
  for (; i + 8 <= steps; i += 8) {
    __m256 row[8];
    for (int r = 0; r < 8; r++) {
      const __m256i mixed = _mm256_blend_epi32(draw4(&a), _mm256_slli_epi64(draw4(&b), 32), 0xAA);
      const __m256 u = _mm256_mul_ps(_mm256_cvtepi32_ps(mixed), scale);
      row[r] = _mm256_add_ps(lows, _mm256_mul_ps(spans, u));
    }
    // 8 × 8 transpose: rows are draws, columns lanes.
    __m256 t0 = _mm256_unpacklo_ps(row[0], row[1]), t1 = _mm256_unpackhi_ps(row[0], row[1]);
    __m256 t2 = _mm256_unpacklo_ps(row[2], row[3]), t3 = _mm256_unpackhi_ps(row[2], row[3]);
    __m256 t4 = _mm256_unpacklo_ps(row[4], row[5]), t5 = _mm256_unpackhi_ps(row[4], row[5]);
    __m256 t6 = _mm256_unpacklo_ps(row[6], row[7]), t7 = _mm256_unpackhi_ps(row[6], row[7]);
    __m256 q0 = _mm256_shuffle_ps(t0, t2, 0x44), q1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    __m256 q2 = _mm256_shuffle_ps(t1, t3, 0x44), q3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    __m256 q4 = _mm256_shuffle_ps(t4, t6, 0x44), q5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    __m256 q6 = _mm256_shuffle_ps(t5, t7, 0x44), q7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    const __m256 column[8] = {
        _mm256_permute2f128_ps(q0, q4, 0x20), _mm256_permute2f128_ps(q1, q5, 0x20),
        _mm256_permute2f128_ps(q2, q6, 0x20), _mm256_permute2f128_ps(q3, q7, 0x20),
        _mm256_permute2f128_ps(q0, q4, 0x31), _mm256_permute2f128_ps(q1, q5, 0x31),
        _mm256_permute2f128_ps(q2, q6, 0x31), _mm256_permute2f128_ps(q3, q7, 0x31),
    };
    for (int k = 0; k < 8; k++) _mm256_storeu_ps(out + (size_t)order[k] * pitch + i, column[k]);
  }
  store4(&a, states, 0);
  store4(&b, states, 4);
  return i;
}

// Below this many values the jumps (tens of microseconds) cost more than the lanes save.
enum { MINIMUM_FOR_LANES = 1 << 16 };

void crandom_fill_uniform(uint64_t state[4], float *out, size_t n, float low, float span) {
  if (n < MINIMUM_FOR_LANES || !__builtin_cpu_supports("avx2")) {
    fill_scalar(state, out, n, low, span);
    return;
  }
  pthread_once(&setup_once, setup);
  // Lanes 0…6 draw `piece` values each, lane 7 the rest (piece − 7 < rest ≤ piece); lane j starts j·piece draws on.
  const size_t piece = (n + LANES - 1) / LANES, last = n - (LANES - 1) * piece;
  const poly step = power_of_x(piece);
  uint64_t states[LANES][4];
  poly jump = step;
  memcpy(states[0], state, sizeof states[0]);
  for (int j = 1; j < LANES; j++) {
    memcpy(states[j], state, sizeof states[j]);
    apply(&jump, states[j]);
    if (j + 1 < LANES) jump = multiply(jump, step);
  }
  const size_t drawn = fill_lanes_avx2(states, out, piece, last, low, span);
  // Each lane's last values, one by one; lane 7 then ends where the whole fill ends.
  for (int j = 0; j < LANES; j++)
    fill_scalar(states[j], out + (size_t)j * piece + drawn, (j < LANES - 1 ? piece : last) - drawn, low, span);
  memcpy(state, states[LANES - 1], sizeof states[0]);
}
