// Winograd F(4×4, 3×3) transforms, eight tiles at a time in the lanes of plain arrays that the compiler turns
// into vectors; cloned for AVX2 + FMA and a baseline x86-64 build, picked at load time by the CPU.
#include "cwinograd.h"

#include <string.h>

#define LANES 8

#if defined(__x86_64__) && defined(__clang__)
#define CLONES __attribute__((target_clones("avx2,fma", "default")))
#else
#define CLONES
#endif

typedef struct {
  float v[LANES];
} lanes;

// Bᵀ d for a column d0…d5 (the same six lines apply to rows for d B).
#define INPUT_1D(d0, d1, d2, d3, d4, d5, r0, r1, r2, r3, r4, r5)                                                  \
  do {                                                                                                            \
    for (int l = 0; l < LANES; l++) {                                                                             \
      float a0 = (d0)[l], a1 = (d1)[l], a2 = (d2)[l], a3 = (d3)[l], a4 = (d4)[l], a5 = (d5)[l];                    \
      (r0)[l] = 4.0f * a0 - 5.0f * a2 + a4;                                                                       \
      (r1)[l] = -4.0f * (a1 + a2) + a3 + a4;                                                                      \
      (r2)[l] = 4.0f * (a1 - a2) - a3 + a4;                                                                       \
      (r3)[l] = 2.0f * (a3 - a1) - a2 + a4;                                                                       \
      (r4)[l] = 2.0f * (a1 - a3) - a2 + a4;                                                                       \
      (r5)[l] = 4.0f * a1 - 5.0f * a3 + a5;                                                                       \
    }                                                                                                             \
  } while (0)

// Aᵀ m for m0…m5.
#define OUTPUT_1D(m0, m1, m2, m3, m4, m5, y0, y1, y2, y3)                                                         \
  do {                                                                                                            \
    for (int l = 0; l < LANES; l++) {                                                                             \
      float s12 = (m1)[l] + (m2)[l], d12 = (m1)[l] - (m2)[l];                                                     \
      float s34 = (m3)[l] + (m4)[l], d34 = (m3)[l] - (m4)[l];                                                     \
      (y0)[l] = (m0)[l] + s12 + s34;                                                                              \
      (y1)[l] = d12 + 2.0f * d34;                                                                                 \
      (y2)[l] = s12 + 4.0f * s34;                                                                                 \
      (y3)[l] = d12 + 8.0f * d34 + (m5)[l];                                                                       \
    }                                                                                                             \
  } while (0)

CLONES void cwino_weights(const float *w, long oc, long c, long o0, long o1, float *u) {
  const long plane = oc * c;
  for (long o = o0; o < o1; o++) {
    for (long ci = 0; ci < c; ci++) {
      const float *g = w + (o * c + ci) * 9;
      float t[6][3];  // G g: rows of the filter combined
      for (int j = 0; j < 3; j++) {
        float g0 = g[j], g1 = g[3 + j], g2 = g[6 + j];
        t[0][j] = 0.25f * g0;
        t[1][j] = -(g0 + g1 + g2) / 6.0f;
        t[2][j] = -(g0 - g1 + g2) / 6.0f;
        t[3][j] = g0 / 24.0f + g1 / 12.0f + g2 / 6.0f;
        t[4][j] = g0 / 24.0f - g1 / 12.0f + g2 / 6.0f;
        t[5][j] = g2;
      }
      float *dst = u + o * c + ci;
      for (int i = 0; i < 6; i++) {  // (G g) Gᵀ
        float g0 = t[i][0], g1 = t[i][1], g2 = t[i][2];
        dst[(i * 6 + 0) * plane] = 0.25f * g0;
        dst[(i * 6 + 1) * plane] = -(g0 + g1 + g2) / 6.0f;
        dst[(i * 6 + 2) * plane] = -(g0 - g1 + g2) / 6.0f;
        dst[(i * 6 + 3) * plane] = g0 / 24.0f + g1 / 12.0f + g2 / 6.0f;
        dst[(i * 6 + 4) * plane] = g0 / 24.0f - g1 / 12.0f + g2 / 6.0f;
        dst[(i * 6 + 5) * plane] = g2;
      }
    }
  }
}

CLONES void cwino_input(const float *x, long sample_stride, const cwino_layout *layout, long c0, long c1, long t0,
                        long count, const float *scale, const float *shift, int relu, float *v) {
  const long h = layout->h, w = layout->w, pad = layout->pad, tw_count = layout->tiles_w;
  const long per_sample = layout->tiles_h * tw_count;
  const long plane = layout->c * count;  // floats per ξ in v
  for (long c = c0; c < c1; c++) {
    const float s = scale ? scale[c] : 1.0f, b = scale ? shift[c] : 0.0f;
    for (long t = 0; t < count; t += LANES) {
      const long lanes_used = count - t < LANES ? count - t : LANES;
      float d[6][6][LANES];
      for (long l = 0; l < LANES; l++) {
        if (l >= lanes_used) {
          for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++) d[i][j][l] = 0.0f;
          continue;
        }
        const long tile = t0 + t + l;
        const long sample = tile / per_sample, rest = tile % per_sample;
        const long y0 = (rest / tw_count) * 4 - pad, x0 = (rest % tw_count) * 4 - pad;
        const float *src = x + sample * sample_stride + c * h * w;
        if (y0 >= 0 && x0 >= 0 && y0 + 6 <= h && x0 + 6 <= w && !scale) {
          for (int i = 0; i < 6; i++) {
            const float *row = src + (y0 + i) * w + x0;
            for (int j = 0; j < 6; j++) d[i][j][l] = row[j];
          }
        } else {
          for (int i = 0; i < 6; i++) {
            const long yy = y0 + i;
            for (int j = 0; j < 6; j++) {
              const long xx = x0 + j;
              float value = 0.0f;
              if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                value = src[yy * w + xx];
                if (scale) {
                  value = value * s + b;
                  if (relu && !(value > 0.0f)) value = value != value ? value : 0.0f;  // max(NaN, 0) is NaN
                }
              }
              d[i][j][l] = value;
            }
          }
        }
      }
      float e[6][6][LANES];  // Bᵀ d, column by column
      for (int j = 0; j < 6; j++) {
        float c0v[LANES], c1v[LANES], c2v[LANES], c3v[LANES], c4v[LANES], c5v[LANES];
        for (int l = 0; l < LANES; l++) {
          c0v[l] = d[0][j][l], c1v[l] = d[1][j][l], c2v[l] = d[2][j][l];
          c3v[l] = d[3][j][l], c4v[l] = d[4][j][l], c5v[l] = d[5][j][l];
        }
        float r0[LANES], r1[LANES], r2[LANES], r3[LANES], r4[LANES], r5[LANES];
        INPUT_1D(c0v, c1v, c2v, c3v, c4v, c5v, r0, r1, r2, r3, r4, r5);
        memcpy(e[0][j], r0, sizeof r0), memcpy(e[1][j], r1, sizeof r1), memcpy(e[2][j], r2, sizeof r2);
        memcpy(e[3][j], r3, sizeof r3), memcpy(e[4][j], r4, sizeof r4), memcpy(e[5][j], r5, sizeof r5);
      }
      float *dst = v + c * count + t;
      for (int i = 0; i < 6; i++) {  // (Bᵀ d) B, row by row, straight into V
        float r[6][LANES];
        INPUT_1D(e[i][0], e[i][1], e[i][2], e[i][3], e[i][4], e[i][5], r[0], r[1], r[2], r[3], r[4], r[5]);
        for (int j = 0; j < 6; j++) {
          float *out = dst + (i * 6 + j) * plane;
          if (lanes_used == LANES) {
            for (int l = 0; l < LANES; l++) out[l] = r[j][l];
          } else {
            for (long l = 0; l < lanes_used; l++) out[l] = r[j][l];
          }
        }
      }
    }
  }
}

CLONES void cwino_output(const float *m, long oc, const cwino_layout *layout, long o0, long o1, long t0, long count,
                         float *y, long sample_stride, const float *scale, const float *bias, const float *residual,
                         long residual_stride, int relu) {
  const long oh = layout->out_h, ow = layout->out_w, tw_count = layout->tiles_w;
  const long per_sample = layout->tiles_h * tw_count;
  const long plane = oc * count;
  for (long o = o0; o < o1; o++) {
    const float s = scale ? scale[o] : 1.0f, b = bias ? bias[o] : 0.0f;
    for (long t = 0; t < count; t += LANES) {
      const long lanes_used = count - t < LANES ? count - t : LANES;
      const float *src = m + o * count + t;
      float mm[6][6][LANES];
      for (int xi = 0; xi < 36; xi++) {
        const float *in = src + xi * plane;
        if (lanes_used == LANES) {
          for (int l = 0; l < LANES; l++) mm[xi / 6][xi % 6][l] = in[l];
        } else {
          for (int l = 0; l < LANES; l++) mm[xi / 6][xi % 6][l] = l < lanes_used ? in[l] : 0.0f;
        }
      }
      float e[4][6][LANES];  // Aᵀ M, column by column
      for (int j = 0; j < 6; j++) {
        float c0v[LANES], c1v[LANES], c2v[LANES], c3v[LANES], c4v[LANES], c5v[LANES];
        for (int l = 0; l < LANES; l++) {
          c0v[l] = mm[0][j][l], c1v[l] = mm[1][j][l], c2v[l] = mm[2][j][l];
          c3v[l] = mm[3][j][l], c4v[l] = mm[4][j][l], c5v[l] = mm[5][j][l];
        }
        float r0[LANES], r1[LANES], r2[LANES], r3[LANES];
        OUTPUT_1D(c0v, c1v, c2v, c3v, c4v, c5v, r0, r1, r2, r3);
        memcpy(e[0][j], r0, sizeof r0), memcpy(e[1][j], r1, sizeof r1);
        memcpy(e[2][j], r2, sizeof r2), memcpy(e[3][j], r3, sizeof r3);
      }
      float out[4][4][LANES];
      for (int i = 0; i < 4; i++) {  // (Aᵀ M) A, then the scale and bias
        OUTPUT_1D(e[i][0], e[i][1], e[i][2], e[i][3], e[i][4], e[i][5], out[i][0], out[i][1], out[i][2], out[i][3]);
        for (int j = 0; j < 4; j++)
          for (int l = 0; l < LANES; l++) out[i][j][l] = out[i][j][l] * s + b;
      }
      for (long l = 0; l < lanes_used; l++) {
        const long tile = t0 + t + l;
        const long sample = tile / per_sample, rest = tile % per_sample;
        const long y0 = (rest / tw_count) * 4, x0 = (rest % tw_count) * 4;
        const long rows = oh - y0 < 4 ? oh - y0 : 4, cols = ow - x0 < 4 ? ow - x0 : 4;
        float *dst = y + sample * sample_stride + (o * oh + y0) * ow + x0;
        const float *res = residual ? residual + sample * residual_stride + (o * oh + y0) * ow + x0 : 0;
        for (long i = 0; i < rows; i++) {
          for (long j = 0; j < cols; j++) {
            float value = out[i][j][l];
            if (res) value += res[i * ow + j];
            if (relu && !(value > 0.0f)) value = value != value ? value : 0.0f;  // max(NaN, 0) is NaN
            dst[i * ow + j] = value;
          }
        }
      }
    }
  }
}
