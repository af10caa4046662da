// The statistics sweep's loops over memory: per-channel extremes and sums, then each view's sums, squares, zeros
// and histogram. Written once with vector types, inlined into an AVX2 and a baseline x86-64 entry point, the CPU's
// features choosing per call (as CWinograd does).
#include "cstatistics.h"

#include <math.h>
#include <string.h>

// A view's map is three rounded Float operations, as Runtime's DerivedView does them: never fused into one.
#pragma clang fp contract(off)
// Every helper taking or returning a vector is inlined into its entry point: no vector crosses a call.
#pragma clang diagnostic ignored "-Wpsabi"

#define BODY static inline __attribute__((always_inline))

typedef float v8f __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v8i __attribute__((vector_size(32)));
typedef double v4d __attribute__((vector_size(32)));

BODY v8f load8(const float *p) {
  v8f v;
  memcpy(&v, p, sizeof v);
  return v;
}

BODY v8f splat(float a) { return (v8f){a, a, a, a, a, a, a, a}; }

BODY v8i splat_i(int32_t a) { return (v8i){a, a, a, a, a, a, a, a}; }

/// `yes` where `mask` is set (all bits), else `no`.
BODY v8f select_f(v8i mask, v8f yes, v8f no) { return (v8f)(((v8i)yes & mask) | ((v8i)no & ~mask)); }

BODY v4d low_d(v8f v) { return __builtin_convertvector(__builtin_shufflevector(v, v, 0, 1, 2, 3), v4d); }
BODY v4d high_d(v8f v) { return __builtin_convertvector(__builtin_shufflevector(v, v, 4, 5, 6, 7), v4d); }

BODY double sum4(v4d v) { return (v[0] + v[1]) + (v[2] + v[3]); }

BODY void extremes_body(const float *restrict x, long samples, long sample_stride, long channels, long plane,
                        float *restrict lo, float *restrict hi, double *restrict shift, double *restrict sum,
                        double *restrict squares) {
  for (long c = 0; c < channels; c++) {
    const float first = x[c * plane];
    const double c0 = isfinite(first) ? first : 0;
    const v4d c4 = {c0, c0, c0, c0};
    v8f l = splat(INFINITY), h = splat(-INFINITY);
    v4d s0 = {0, 0, 0, 0}, s1 = {0, 0, 0, 0}, q0 = {0, 0, 0, 0}, q1 = {0, 0, 0, 0};
    float tl = INFINITY, th = -INFINITY;
    double ts = 0, tq = 0;
    for (long s = 0; s < samples; s++) {
      const float *restrict p = x + s * sample_stride + c * plane;
      long i = 0;
      for (; i + 8 <= plane; i += 8) {
        v8f v = load8(p + i);
        l = select_f(v < l, v, l);  // NaN compares false: ignored
        h = select_f(v > h, v, h);
        const v4d d = low_d(v) - c4, e = high_d(v) - c4;
        s0 += d;
        s1 += e;
        q0 += d * d;
        q1 += e * e;
      }
      for (; i < plane; i++) {
        float v = p[i];
        if (v < tl) tl = v;
        if (v > th) th = v;
        ts += v - c0;
        tq += (v - c0) * (v - c0);
      }
    }
    for (int k = 0; k < 8; k++) {
      if (l[k] < tl) tl = l[k];
      if (h[k] > th) th = h[k];
    }
    lo[c] = tl;
    hi[c] = th;
    shift[c] = c0;
    sum[c] = sum4(s0 + s1) + ts;
    squares[c] = sum4(q0 + q1) + tq;
  }
}

BODY double squares_body(const float *restrict x, long samples, long sample_stride, long n) {
  v4d s0 = {0, 0, 0, 0}, s1 = {0, 0, 0, 0};
  double tail = 0;
  for (long s = 0; s < samples; s++) {
    const float *restrict p = x + s * sample_stride;
    long i = 0;
    for (; i + 8 <= n; i += 8) {
      const v8f v = load8(p + i);
      const v4d d = low_d(v), e = high_d(v);
      s0 += d * d;
      s1 += e * e;
    }
    for (; i < n; i++) tail += (double)p[i] * (double)p[i];
  }
  return sum4(s0 + s1) + tail;
}

/// The bin of v by the defining division; −1 for NaN.
BODY long bin_of(double v, const cstat_view *view) {
  if (v != v) return -1;
  const double width = view->hi - view->lo;
  const long last = view->bins - 1;
  double position = width > 0 ? (v - view->lo) / width * (double)view->bins : 0;
  if (position != position) return v == view->hi ? last : 0;
  if (last < position) position = (double)last;
  if (0 >= position) position = 0;
  return (long)position;
}

/// Constants of one view's histogram guess: g = (v − lo)·scale in Float.
typedef struct guess {
  v8f lo, scale;
  v8i last, lane_offset;
  int fast;
} guess;

BODY float map1(float v, float a, float m, float p, int affine, int relu) {
  if (affine) v = (v + a) * m + p;
  if (relu && v < 0) v = 0;
  return v;
}

/// One row of `n` values as one view: sums and squares about `shift`, zeros, histogram. `affine` and `relu` are
/// constants at each call site, so each combination is a loop of its own.
BODY void row_body(const float *restrict p, long n, float a, float m, float q, int affine, int relu, int moments,
                   double shift,
                   const guess *g, const cstat_view *view, double *sum, double *squares, int64_t *zeros,
                   uint32_t *restrict h) {
  const v8f a8 = splat(a), m8 = splat(m), q8 = splat(q), zero = splat(0);
  const v4d c4 = {shift, shift, shift, shift};
  const long stride = view->bins;
  v4d sums = {0, 0, 0, 0}, squares4 = {0, 0, 0, 0};
  v8i zeros8 = splat_i(0);
  long i = 0;
  for (; i + 8 <= n; i += 8) {
    v8f v = load8(p + i);
    if (affine) v = (v + a8) * m8 + q8;
    if (relu) v = (v8f)((v8i)v & ~(v < zero));
    if (moments) {
      const v4d d = low_d(v) - c4, e = high_d(v) - c4;
      sums += d + e;
      squares4 += d * d + e * e;
    }
    zeros8 -= (v == zero);
    if (g->fast) {
      // Bins guessed in Float: the error of g is below 64·3·2⁻²⁴ ≈ 1.2e-5 bins, so a lane whose g lies more than
      // 1e-4 from a bin edge, inside [0, bins), is in the bin the guess says (the truncation of g); the others take
      // the division. Only a g in [0, 2³⁰) is converted (else 0), so the conversion is defined in every lane.
      const v8f gg = (v - g->lo) * g->scale;
      const v8i in_range = (gg >= 0) & (gg < 0x1p30f);  // false for NaN
      const v8i bin = __builtin_elementwise_min(__builtin_convertvector((v8f)((v8i)gg & in_range), v8i), g->last);
      const v8f fraction = gg - __builtin_convertvector(bin, v8f);
      const v8i sure = ((fraction >= 1e-4f) & (fraction <= 1 - 1e-4f) & in_range) | (gg == 0);
      const v8i slot = bin + g->lane_offset;
      if (__builtin_reduce_and(sure)) {
        for (int k = 0; k < 8; k++) h[slot[k]]++;
      } else {
        for (int k = 0; k < 8; k++) {
          const long b = sure[k] ? (long)bin[k] : bin_of((double)v[k], view);
          if (b >= 0) h[k * stride + b]++;
        }
      }
    } else {
      for (int k = 0; k < 8; k++) {
        const long b = bin_of((double)v[k], view);
        if (b >= 0) h[k * stride + b]++;
      }
    }
  }
  double tail_sum = 0, tail_squares = 0;
  int64_t tail_zeros = 0;
  for (; i < n; i++) {
    const double v = map1(p[i], a, m, q, affine, relu);
    tail_sum += v - shift;
    tail_squares += (v - shift) * (v - shift);
    if (v == 0) tail_zeros++;
    const long b = bin_of(v, view);
    if (b >= 0) h[b]++;
  }
  if (moments) {
    *sum += sum4(sums) + tail_sum;
    *squares += sum4(squares4) + tail_squares;
  }
  int64_t z = tail_zeros;
  for (int k = 0; k < 8; k++) z += zeros8[k];
  *zeros += z;
}

BODY void moments_body(const float *restrict x, long samples, long sample_stride, long channels, long plane,
                       cstat_view *views, long count) {
  guess g[count];
  for (long v = 0; v < count; v++) {
    const cstat_view *view = &views[v];
    const double width = view->hi - view->lo, scale = (double)view->bins / width;
    g[v] = (guess){splat((float)view->lo), splat((float)scale), splat_i((int32_t)view->bins - 1),
                   (v8i){0, 1, 2, 3, 4, 5, 6, 7} * (int32_t)view->bins,
                   width > 0 && isfinite(width) && isfinite((float)scale)};
  }
  // Channel by channel, each row made into every view while it is in cache.
  for (long c = 0; c < channels; c++) {
    for (long s = 0; s < samples; s++) {
      const float *p = x + s * sample_stride + c * plane;
      for (long v = 0; v < count; v++) {
        cstat_view *view = &views[v];
        const float a = view->pre ? view->pre[c] : 0, m = view->mul ? view->mul[c] : 1,
                    q = view->post ? view->post[c] : 0;
        const int moments = view->channel_sum != 0;
        double *sum = moments ? &view->channel_sum[c] : 0, *squares = moments ? &view->channel_squares[c] : 0;
        const double shift = moments ? view->shift[c] : 0;
        int64_t *zeros = &view->zeros;
        uint32_t *h = view->histogram;
        // The combinations the sweep makes: ReLU views with their moments, the others (moments derived) without.
        if (view->affine && view->relu && moments)
          row_body(p, plane, a, m, q, 1, 1, 1, shift, &g[v], view, sum, squares, zeros, h);
        else if (view->relu && moments)
          row_body(p, plane, a, m, q, 0, 1, 1, shift, &g[v], view, sum, squares, zeros, h);
        else if (view->affine && !view->relu && !moments)
          row_body(p, plane, a, m, q, 1, 0, 0, shift, &g[v], view, sum, squares, zeros, h);
        else if (!view->affine && !view->relu && !moments)
          row_body(p, plane, a, m, q, 0, 0, 0, shift, &g[v], view, sum, squares, zeros, h);
        else
          row_body(p, plane, a, m, q, view->affine, view->relu, moments, shift, &g[v], view, sum, squares, zeros, h);
      }
    }
  }
}

/// Set by the tests (between calls, on one thread) to run the baseline code on an AVX2 CPU.
static int forced_baseline = 0;

void cstat_force_baseline(int on) { forced_baseline = on; }

// The entry points. Not `target_clones`: its ifunc resolvers run before a sanitizer's runtime has started, and
// under ThreadSanitizer the instrumented resolver crashes the process at load.
#if defined(__x86_64__) && defined(__clang__)
#define AVX2_TOO 1
#define AVX2 __attribute__((target("avx2")))
/// Whether to run the AVX2 code: the CPU has it (libgcc's cpu model, filled in by a constructor before main; read
/// only) and the tests did not force the baseline.
static int has_avx2(void) { return !forced_baseline && __builtin_cpu_supports("avx2"); }
#else
#define AVX2_TOO 0
#define AVX2
static int has_avx2(void) { return 0; }
#endif

int cstat_uses_avx2(void) { return AVX2_TOO && has_avx2(); }

AVX2 static void extremes_avx2(const float *x, long samples, long sample_stride, long channels, long plane, float *lo,
                               float *hi, double *shift, double *sum, double *squares) {
  extremes_body(x, samples, sample_stride, channels, plane, lo, hi, shift, sum, squares);
}

static void extremes_baseline(const float *x, long samples, long sample_stride, long channels, long plane, float *lo,
                              float *hi, double *shift, double *sum, double *squares) {
  extremes_body(x, samples, sample_stride, channels, plane, lo, hi, shift, sum, squares);
}

void cstat_extremes(const float *x, long samples, long sample_stride, long channels, long plane, float *lo, float *hi,
                    double *shift, double *sum, double *squares) {
  if (AVX2_TOO && has_avx2())
    extremes_avx2(x, samples, sample_stride, channels, plane, lo, hi, shift, sum, squares);
  else
    extremes_baseline(x, samples, sample_stride, channels, plane, lo, hi, shift, sum, squares);
}

AVX2 static void moments_avx2(const float *x, long samples, long sample_stride, long channels, long plane,
                              cstat_view *views, long count) {
  moments_body(x, samples, sample_stride, channels, plane, views, count);
}

static void moments_baseline(const float *x, long samples, long sample_stride, long channels, long plane,
                             cstat_view *views, long count) {
  moments_body(x, samples, sample_stride, channels, plane, views, count);
}

void cstat_moments(const float *x, long samples, long sample_stride, long channels, long plane, cstat_view *views,
                   long count) {
  if (AVX2_TOO && has_avx2())
    moments_avx2(x, samples, sample_stride, channels, plane, views, count);
  else
    moments_baseline(x, samples, sample_stride, channels, plane, views, count);
}

AVX2 static double squares_avx2(const float *x, long samples, long sample_stride, long n) {
  return squares_body(x, samples, sample_stride, n);
}

static double squares_baseline(const float *x, long samples, long sample_stride, long n) {
  return squares_body(x, samples, sample_stride, n);
}

double cstat_squares(const float *x, long samples, long sample_stride, long n) {
  return AVX2_TOO && has_avx2() ? squares_avx2(x, samples, sample_stride, n)
                                : squares_baseline(x, samples, sample_stride, n);
}
