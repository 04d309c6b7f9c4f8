/* The innermost loops of dedup/_speedups.pyx, over the permutations of one shingle.
 *
 * Compiled for several instruction sets (GCC's target_clones; the loader picks the best the
 * processor has at start-up): the portable x86-64 baseline (SSE2) has no 32-bit vector
 * multiply or unsigned minimum, which AVX2 and SSE4.1 have, so one build serves every
 * machine at the speed of its own. Elsewhere, one plain build. The results are the same
 * integers whichever version runs: wrapping unsigned 32-bit arithmetic.
 */
#ifndef DEDUP_KERNELS_H
#define DEDUP_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define DEDUP_CLONES __attribute__((target_clones("avx2", "sse4.1", "default")))
#else
#define DEDUP_CLONES
#endif

/* row[p] = a[p] * hv + b[p] (mod 2^32), and low[p] = min(low[p], row[p]), for p < n. */
DEDUP_CLONES static void dedup_permute(const uint32_t *restrict a, const uint32_t *restrict b, uint32_t hv,
                                       uint32_t *restrict row, uint32_t *restrict low, size_t n) {
    for (size_t p = 0; p < n; p++) {
        uint32_t v = a[p] * hv + b[p];
        row[p] = v;
        low[p] = v < low[p] ? v : low[p];
    }
}

/* low[p] = min(low[p], row[p]), for p < n. */
DEDUP_CLONES static void dedup_lower(uint32_t *restrict low, const uint32_t *restrict row, size_t n) {
    for (size_t p = 0; p < n; p++)
        low[p] = row[p] < low[p] ? row[p] : low[p];
}

#endif
