// The transforms of Winograd F(4×4, 3×3) convolution; only TensorCore/Conv2d+Winograd.swift imports this.
//
// Interpolation points 0, 1, −1, 2, −2, ∞ (Lavin & Gray's): a 6×6 input tile d and a 3×3 filter g give the 4×4
// outputs Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A. The 36 products ⊙ of every tile and channel pair are summed over input
// channels by 36 GEMMs, M_ξ (OC × T) = U_ξ (OC × C) · V_ξ (C × T), which the caller runs.
#ifndef CWINOGRAD_H
#define CWINOGRAD_H

/// U_ξ[o][c] = (G g_oc Gᵀ)_ξ for output channels [o0, o1): u is 36 × OC × C, w is OC × C × 3 × 3.
void cwino_weights(const float *w, long oc, long c, long o0, long o1, float *u);

/// Where the tiles lie: `n` samples of C × H × W at `sample_stride` floats apart, zero-padded by `pad`, cut
/// into tiles_h × tiles_w tiles of 4×4 outputs (6×6 inputs) per sample; tile t is sample t / (tiles_h·tiles_w).
typedef struct cwino_layout {
  long c, h, w, pad, tiles_h, tiles_w, out_h, out_w;
} cwino_layout;

/// V_ξ[c][t − t0] = (Bᵀ d B)_ξ for channels [c0, c1) and tiles [t0, t0 + count) of x (sample t / tiles per
/// sample at x + sample·sample_stride): v is 36 × C × count. When scale is not NULL each input value x is first
/// mapped to x·scale[c] + shift[c], then max(0, ·) when relu is 1 (a batch norm in front of the conv); the zero
/// padding stays zero.
void cwino_input(const float *x, long sample_stride, const cwino_layout *layout, long c0, long c1, long t0,
                 long count, const float *scale, const float *shift, int relu, float *v);

/// y = act(scale[o]·Aᵀ M A + bias[o] + residual) for output channels [o0, o1) and tiles [t0, t0 + count):
/// m is 36 × OC × count, y and residual are OC × out_h × out_w per sample, sample_stride and residual_stride
/// floats apart; scale, bias, residual may be NULL; act is max(0, ·) when relu is 1.
void cwino_output(const float *m, long oc, const cwino_layout *layout, long o0, long o1, long t0, long count,
                  float *y, long sample_stride, const float *scale, const float *bias, const float *residual,
                  long residual_stride, int relu);

#endif
