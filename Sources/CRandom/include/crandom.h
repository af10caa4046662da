// xoshiro256**'s uniform stream, filled fast: one stream cut into eight contiguous pieces by jumping ahead, the
// pieces drawn side by side in AVX2 lanes where the CPU has it. Values are bit-identical to drawing one by one.
#ifndef CRANDOM_H
#define CRANDOM_H

#include <stddef.h>
#include <stdint.h>

/// Writes out[i] = low + span · u_i for the next n uniforms u_i = (next() >> 40) · 2⁻²⁴ of the xoshiro256** state
/// (a multiply then an add, each rounded in float: never fused), and advances the state by n draws.
void crandom_fill_uniform(uint64_t state[4], float *out, size_t n, float low, float span);

#endif
