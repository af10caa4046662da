// The inner loops of Runtime's activation statistics; only Runtime/ActivationStatistics.swift imports this.
//
// A tensor is read as rows: the plane of channel c in sample s starts at x + s·sample_stride + c·plane. A view maps
// each value of channel c to v = (x + pre[c])·mul[c] + post[c] (when `affine`; the same three Float operations as
// Runtime's DerivedView), then to max(v, 0) when `relu`.
#ifndef CSTATISTICS_H
#define CSTATISTICS_H

#include <stdint.h>

/// Per channel: the minimum and maximum (NaN ignored; +inf and −inf when the channel holds no number), and Σ (x − c)
/// and Σ (x − c)² in Double over the rows of all samples about c = the channel's first element (0 when that is not
/// finite), a value within the channel's spread, so the squared deviation Σ (x − c)² − (Σ (x − c))²/n has no
/// cancellation to speak of; c is written to `shift`.
void cstat_extremes(const float *x, long samples, long sample_stride, long channels, long plane, float *lo, float *hi,
                    double *shift, double *sum, double *squares);

/// One view of the rows and what the sweep adds up for it.
typedef struct cstat_view {
  /// Per-channel map (each NULL when `affine` is 0).
  const float *pre, *mul, *post;
  int affine, relu;
  /// Per channel: the shift c that sums and squares are taken about (Σ (v − c), Σ (v − c)²).
  const double *shift;
  /// The histogram: `bins` equal bins over [lo, hi], bin i covering [lo + i·w, lo + (i+1)·w), hi in the last;
  /// NaN in no bin; the bin of v is (v − lo)/w·bins clamped to [0, bins − 1] (NaN position: the last bin when v is
  /// hi, else bin 0).
  double lo, hi;
  long bins;
  /// Out, accumulated: per channel Σ (v − c) and Σ (v − c)² (both NULL, and `shift` unread, when the caller derives
  /// them); the count of exact zeros; `histogram` holds 8 copies of the bins (8 × bins counts, one copy per lane, so
  /// repeated increments of one bin do not wait on each other).
  double *channel_sum, *channel_squares;
  int64_t zeros;
  uint32_t *histogram;
} cstat_view;

/// Adds every element of every row, as each of `count` views, to that view's sums, zeros and histogram.
void cstat_moments(const float *x, long samples, long sample_stride, long channels, long plane, cstat_view *views,
                   long count);

/// Σ x² in Double over `samples` runs of `n` values, `sample_stride` floats apart (a tensor's L2 norm squared).
double cstat_squares(const float *x, long samples, long sample_stride, long n);

/// Whether the entry points run their AVX2 code (the CPU has it and no baseline was forced).
int cstat_uses_avx2(void);

/// Forces the baseline x86-64 code (on = 1) or lets the CPU choose again (on = 0): the tests run both on one CPU.
void cstat_force_baseline(int on);

#endif
