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

/* v = a[p] * hv + b[p] (mod 2^32): low[p] = min(low[p], v) for p < n, and also
 * seg[p] = min(seg[p], v) for p < used (used <= n). */
DEDUP_CLONES static void dedup_permute_min(const uint32_t *restrict a, const uint32_t *restrict b, uint32_t hv,
                                           uint32_t *restrict seg, uint32_t *restrict low, size_t used, size_t n) {
    for (size_t p = 0; p < used; p++) {
        uint32_t v = a[p] * hv + b[p];
        seg[p] = v < seg[p] ? v : seg[p];
        low[p] = v < low[p] ? v : low[p];
    }
    for (size_t p = used; p < n; p++) {
        uint32_t v = a[p] * hv + b[p];
        low[p] = v < low[p] ? v : low[p];
    }
}

/* low[p] = min(low[p], row[p]), for p < n. */
DEDUP_CLONES static void dedup_lower(uint32_t *restrict low, const uint32_t *restrict row, size_t n) {
    for (size_t p = 0; p < n; p++)
        low[p] = row[p] < low[p] ? row[p] : low[p];
}

#endif
