// Winograd F(4×4, 3×3) transforms. The input and output transforms work on strips of up to STRIP tiles of one
// tile row: the column transform runs along the strip's contiguous rows and the row transform over its tiles, both
// loops the compiler vectorises; built for AVX2 and for baseline x86-64, the CPU's features choosing per call.
#include "cwinograd.h"

// Each transform's body is written once, inlined into an AVX2 and a baseline entry point.
#define BODY static inline __attribute__((always_inline))

// Tiles per strip: a tile row is cut into strips of at most this many tiles (6 rows of 4·STRIP + 2 floats).
#define STRIP 64

/// A position in a block of tiles: its sample, tile row and tile column. The input and output transforms walk a
/// block strip by strip: from the cursor to the end of its tile row, at most STRIP tiles and what is left.
typedef struct tile_cursor {
  long sample, ty, tx;
} tile_cursor;

/// The cursor at tile t of the batch (tiles numbered sample by sample, row by row).
static inline tile_cursor cursor_at(const cwino_layout *layout, long t) {
  const long per_sample = layout->tiles_h * layout->tiles_w;
  return (tile_cursor){t / per_sample, (t % per_sample) / layout->tiles_w, t % layout->tiles_w};
}

/// The tiles of the strip starting at the cursor, with `left` tiles left in the block.
static inline long strip_length(const cwino_layout *layout, tile_cursor at, long left) {
  long run = layout->tiles_w - at.tx;
  if (run > left) run = left;
  return run > STRIP ? STRIP : run;
}

/// Moves the cursor past a strip of `run` tiles, to the next tile row (or sample) at a row's end.
static inline void cursor_advance(const cwino_layout *layout, tile_cursor *at, long run) {
  at->tx += run;
  if (at->tx == layout->tiles_w) {
    at->tx = 0;
    if (++at->ty == layout->tiles_h) at->ty = 0, at->sample++;
  }
}

BODY void weights_body(const float *restrict w, long oc, long c, long o0, long o1, float *restrict u) {
  const long plane = oc * c;
  const float s6 = 1.0f / 6.0f, s12 = 1.0f / 12.0f, s24 = 1.0f / 24.0f;
  enum { L = 8 };  // input channels at a time, in the lanes of the arrays below
  for (long o = o0; o < o1; o++) {
    const float *restrict g = w + o * c * 9;
    float *restrict dst = u + o * c;
    for (long c0 = 0; c0 < c; c0 += L) {
      const long lanes = c - c0 < L ? c - c0 : L;
      float k[9][L], t[6][3][L], r[36][L];
      for (long l = 0; l < L; l++)
        for (int i = 0; i < 9; i++) k[i][l] = l < lanes ? g[(c0 + l) * 9 + i] : 0.0f;
      for (int j = 0; j < 3; j++) {  // G g: rows of the filter combined
        for (int l = 0; l < L; l++) {
          float g0 = k[j][l], g1 = k[3 + j][l], g2 = k[6 + j][l];
          t[0][j][l] = 0.25f * g0;
          t[1][j][l] = -(g0 + g1 + g2) * s6;
          t[2][j][l] = -(g0 - g1 + g2) * s6;
          t[3][j][l] = g0 * s24 + g1 * s12 + g2 * s6;
          t[4][j][l] = g0 * s24 - g1 * s12 + g2 * s6;
          t[5][j][l] = g2;
        }
      }
      for (int i = 0; i < 6; i++) {  // (G g) Gᵀ
        for (int l = 0; l < L; l++) {
          float g0 = t[i][0][l], g1 = t[i][1][l], g2 = t[i][2][l];
          r[i * 6 + 0][l] = 0.25f * g0;
          r[i * 6 + 1][l] = -(g0 + g1 + g2) * s6;
          r[i * 6 + 2][l] = -(g0 - g1 + g2) * s6;
          r[i * 6 + 3][l] = g0 * s24 + g1 * s12 + g2 * s6;
          r[i * 6 + 4][l] = g0 * s24 - g1 * s12 + g2 * s6;
          r[i * 6 + 5][l] = g2;
        }
      }
      for (int xi = 0; xi < 36; xi++) {
        float *restrict out = dst + xi * plane + c0;
        if (lanes == L) {
          for (int l = 0; l < L; l++) out[l] = r[xi][l];
        } else {
          for (long l = 0; l < lanes; l++) out[l] = r[xi][l];
        }
      }
    }
  }
}

BODY void input_body(const float *x, long sample_stride, const cwino_layout *layout, long c0, long c1, long t0,
                        long count, const float *scale, const float *shift, int relu, float *v) {
  const long h = layout->h, w = layout->w, pad = layout->pad;
  const long plane = layout->c * count;  // floats per ξ in v
  float d[6][4 * STRIP + 2];              // one strip of the 6 input rows, padded and mapped
  float e[6][4 * STRIP + 2];              // Bᵀ d
  for (long c = c0; c < c1; c++) {
    const float s = scale ? scale[c] : 1.0f, b = scale ? shift[c] : 0.0f;
    tile_cursor at = cursor_at(layout, t0);
    for (long t = 0; t < count;) {
      const long run = strip_length(layout, at, count - t);
      const long sample = at.sample, ty = at.ty, tx = at.tx;
      const long width = 4 * run + 2, x0 = tx * 4 - pad;
      const float *src = x + sample * sample_stride + c * h * w;
      for (int i = 0; i < 6; i++) {
        const long yy = ty * 4 - pad + i;
        float *row = d[i];
        if (yy < 0 || yy >= h) {
          for (long j = 0; j < width; j++) row[j] = 0.0f;
          continue;
        }
        const float *in = src + yy * w;
        const long lo = x0 < 0 ? -x0 : 0, hi = w - x0 < width ? (w - x0 > lo ? w - x0 : lo) : width;
        for (long j = 0; j < lo; j++) row[j] = 0.0f;
        if (scale) {
          for (long j = lo; j < hi; j++) {
            float value = in[x0 + j] * s + b;
            row[j] = relu ? (value > 0.0f || value != value ? value : 0.0f) : value;  // max(NaN, 0) is NaN
          }
        } else {
          for (long j = lo; j < hi; j++) row[j] = in[x0 + j];
        }
        for (long j = hi; j < width; j++) row[j] = 0.0f;
      }
      for (long j = 0; j < width; j++) {  // Bᵀ d along the columns, vectorised over the strip
        float a0 = d[0][j], a1 = d[1][j], a2 = d[2][j], a3 = d[3][j], a4 = d[4][j], a5 = d[5][j];
        e[0][j] = 4.0f * a0 - 5.0f * a2 + a4;
        e[1][j] = -4.0f * (a1 + a2) + a3 + a4;
        e[2][j] = 4.0f * (a1 - a2) - a3 + a4;
        e[3][j] = 2.0f * (a3 - a1) - a2 + a4;
        e[4][j] = 2.0f * (a1 - a3) - a2 + a4;
        e[5][j] = 4.0f * a1 - 5.0f * a3 + a5;
      }
      float *dst = v + c * count + t;
      for (int i = 0; i < 6; i++) {  // (Bᵀ d) B along the rows, tile k at columns 4k…4k + 5
        const float *r = e[i];
        float *o0 = dst + (i * 6) * plane, *o1 = o0 + plane, *o2 = o1 + plane, *o3 = o2 + plane;
        float *o4 = o3 + plane, *o5 = o4 + plane;
        for (long k = 0; k < run; k++) {
          float a0 = r[4 * k], a1 = r[4 * k + 1], a2 = r[4 * k + 2], a3 = r[4 * k + 3], a4 = r[4 * k + 4],
                a5 = r[4 * k + 5];
          o0[k] = 4.0f * a0 - 5.0f * a2 + a4;
          o1[k] = -4.0f * (a1 + a2) + a3 + a4;
          o2[k] = 4.0f * (a1 - a2) - a3 + a4;
          o3[k] = 2.0f * (a3 - a1) - a2 + a4;
          o4[k] = 2.0f * (a1 - a3) - a2 + a4;
          o5[k] = 4.0f * a1 - 5.0f * a3 + a5;
        }
      }
      t += run;
      cursor_advance(layout, &at, run);
    }
  }
}

BODY void output_body(const float *m, long oc, const cwino_layout *layout, long o0, long o1, long t0, long count,
                         float *y, long sample_stride, const float *scale, const float *bias, const float *residual,
                         long residual_stride, int relu) {
  const long oh = layout->out_h, ow = layout->out_w;
  const long plane = oc * count;
  float e[4][6][STRIP];      // Aᵀ M
  float strip[4][4 * STRIP];  // the strip's 4 output rows
  for (long o = o0; o < o1; o++) {
    const float s = scale ? scale[o] : 1.0f, b = bias ? bias[o] : 0.0f;
    tile_cursor at = cursor_at(layout, t0);
    for (long t = 0; t < count;) {
      const long run = strip_length(layout, at, count - t);
      const long sample = at.sample, ty = at.ty, tx = at.tx;
      const float *src = m + o * count + t;
      for (int j = 0; j < 6; j++) {  // Aᵀ M along ξ's rows, vectorised over the tiles
        const float *m0 = src + j * plane, *m1 = m0 + 6 * plane, *m2 = m1 + 6 * plane, *m3 = m2 + 6 * plane,
                    *m4 = m3 + 6 * plane, *m5 = m4 + 6 * plane;
        for (long k = 0; k < run; k++) {
          float s12 = m1[k] + m2[k], d12 = m1[k] - m2[k], s34 = m3[k] + m4[k], d34 = m3[k] - m4[k];
          e[0][j][k] = m0[k] + s12 + s34;
          e[1][j][k] = d12 + 2.0f * d34;
          e[2][j][k] = s12 + 4.0f * s34;
          e[3][j][k] = d12 + 8.0f * d34 + m5[k];
        }
      }
      for (int i = 0; i < 4; i++) {  // (Aᵀ M) A, scaled and biased, into the strip's row i
        float *row = strip[i];
        for (long k = 0; k < run; k++) {
          float a0 = e[i][0][k], a1 = e[i][1][k], a2 = e[i][2][k], a3 = e[i][3][k], a4 = e[i][4][k], a5 = e[i][5][k];
          float s12 = a1 + a2, d12 = a1 - a2, s34 = a3 + a4, d34 = a3 - a4;
          row[4 * k] = (a0 + s12 + s34) * s + b;
          row[4 * k + 1] = (d12 + 2.0f * d34) * s + b;
          row[4 * k + 2] = (s12 + 4.0f * s34) * s + b;
          row[4 * k + 3] = (d12 + 8.0f * d34 + a5) * s + b;
        }
      }
      const long x0 = tx * 4, cols = ow - x0 < 4 * run ? ow - x0 : 4 * run;
      for (int i = 0; i < 4 && ty * 4 + i < oh; i++) {
        const long offset = (o * oh + ty * 4 + i) * ow + x0;
        float *dst = y + sample * sample_stride + offset;
        const float *row = strip[i];
        if (residual) {
          const float *res = residual + sample * residual_stride + offset;
          for (long j = 0; j < cols; j++) {
            float value = row[j] + res[j];
            dst[j] = relu ? (value > 0.0f || value != value ? value : 0.0f) : value;  // max(NaN, 0) is NaN
          }
        } else if (relu) {
          for (long j = 0; j < cols; j++) dst[j] = row[j] > 0.0f || row[j] != row[j] ? row[j] : 0.0f;
        } else {
          for (long j = 0; j < cols; j++) dst[j] = row[j];
        }
      }
      t += run;
      cursor_advance(layout, &at, run);
    }
  }
}

// The entry points. Not `target_clones`: its ifunc resolvers run before a sanitizer's runtime has started, and
// under ThreadSanitizer the instrumented resolver crashes the process at load.
#if defined(__x86_64__) && defined(__clang__)
#define AVX2_TOO 1
#define AVX2 __attribute__((target("avx2")))
/// Whether the CPU has AVX2 (libgcc's cpu model, filled in by a constructor before main; read only).
static int has_avx2(void) { return __builtin_cpu_supports("avx2"); }
#else
#define AVX2_TOO 0
#define AVX2
static int has_avx2(void) { return 0; }
#endif

AVX2 static void weights_avx2(const float *w, long oc, long c, long o0, long o1, float *u) {
  weights_body(w, oc, c, o0, o1, u);
}
static void weights_baseline(const float *w, long oc, long c, long o0, long o1, float *u) {
  weights_body(w, oc, c, o0, o1, u);
}
void cwino_weights(const float *w, long oc, long c, long o0, long o1, float *u) {
  if (AVX2_TOO && has_avx2())
    weights_avx2(w, oc, c, o0, o1, u);
  else
    weights_baseline(w, oc, c, o0, o1, u);
}

AVX2 static void input_avx2(const float *x, long sample_stride, const cwino_layout *layout, long c0, long c1, long t0,
                            long count, const float *scale, const float *shift, int relu, float *v) {
  input_body(x, sample_stride, layout, c0, c1, t0, count, scale, shift, relu, v);
}
static void input_baseline(const float *x, long sample_stride, const cwino_layout *layout, long c0, long c1, long t0,
                           long count, const float *scale, const float *shift, int relu, float *v) {
  input_body(x, sample_stride, layout, c0, c1, t0, count, scale, shift, relu, v);
}
void cwino_input(const float *x, long sample_stride, const cwino_layout *layout, long c0, long c1, long t0,
                 long count, const float *scale, const float *shift, int relu, float *v) {
  if (AVX2_TOO && has_avx2())
    input_avx2(x, sample_stride, layout, c0, c1, t0, count, scale, shift, relu, v);
  else
    input_baseline(x, sample_stride, layout, c0, c1, t0, count, scale, shift, relu, v);
}

AVX2 static void output_avx2(const float *m, long oc, const cwino_layout *layout, long o0, long o1, long t0,
                             long count, float *y, long sample_stride, const float *scale, const float *bias,
                             const float *residual, long residual_stride, int relu) {
  output_body(m, oc, layout, o0, o1, t0, count, y, sample_stride, scale, bias, residual, residual_stride, relu);
}
static void output_baseline(const float *m, long oc, const cwino_layout *layout, long o0, long o1, long t0,
                            long count, float *y, long sample_stride, const float *scale, const float *bias,
                            const float *residual, long residual_stride, int relu) {
  output_body(m, oc, layout, o0, o1, t0, count, y, sample_stride, scale, bias, residual, residual_stride, relu);
}
void cwino_output(const float *m, long oc, const cwino_layout *layout, long o0, long o1, long t0, long count,
                  float *y, long sample_stride, const float *scale, const float *bias, const float *residual,
                  long residual_stride, int relu) {
  if (AVX2_TOO && has_avx2())
    output_avx2(m, oc, layout, o0, o1, t0, count, y, sample_stride, scale, bias, residual, residual_stride, relu);
  else
    output_baseline(m, oc, layout, o0, o1, t0, count, y, sample_stride, scale, bias, residual, residual_stride, relu);
}
