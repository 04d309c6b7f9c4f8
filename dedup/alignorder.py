"""Align's order: which matched blocks moved, the paragraphs left over, and the blocks in B order.

The last steps of :func:`dedup.align.align` (steps 4 and 5 of its docstring), given its
matched blocks: :func:`_moved` finds the heaviest chain of blocks in order in both texts (the
blocks off it moved), :func:`_runs` the runs of paragraphs no block took, :func:`_in_b_order`
puts the blocks in the order an :class:`~dedup.align.Alignment` keeps them. Apart from
:mod:`dedup.align` so that it stays under the 700 lines a module may take.
"""

from __future__ import annotations

import bisect
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import _native

if TYPE_CHECKING:
    from .align import Block


def _moved(blocks: list[Block], tokens_a, tokens_b, sides: list[tuple[str, str]] | None = None) -> set[int]:
    """Indices (into ``blocks``) of matched blocks outside the heaviest in-order chain.

    A chain is a set of blocks increasing in both A and B position (a longest increasing
    subsequence of B positions in A order). Its weight is, in order of precedence: the
    paragraphs it holds and their words (so the fewest are reported as moved), then
    blocks that stayed nearer their old index, then a checksum of the blocks' words. Each
    reads the same with A and B swapped, so ``align(b, a)`` marks the same blocks.
    ``sides``: each block's tokens of A and of B space-joined, if at hand (one string for
    both sides of a ``same`` block).
    """
    order = sorted(range(len(blocks)), key=lambda k: blocks[k].a[0])
    weight = []
    for k in order:
        block = blocks[k]
        if sides is not None:
            side_a, side_b = sides[k]
        else:
            side_a = " ".join(t for i in block.a for t in tokens_a[i])
            side_b = " ".join(t for j in block.b for t in tokens_b[j])
        # tokens are space-joined and hold no space: counting the spaces, not splitting the
        # strings into lists (0.015 s of the real corpus's 0.025)
        words_a = side_a.count(" ") + 1 if side_a else 0
        weight.append((
            len(block.a) + len(block.b),
            words_a + (words_a if side_b is side_a else side_b.count(" ") + 1 if side_b else 0),
            -abs(block.a[0] - block.b[0]),
            zlib.crc32(f"{min(side_a, side_b)}\n{max(side_a, side_b)}".encode()),
        ))
    fast = _native.speedups
    if fast is not None:  # the chain below, in C: 0.025 -> 0.01 s for the real corpus's 1,151 alignments
        chain = fast.heaviest_chain([blocks[k].b[0] for k in order], [blocks[k].b[-1] for k in order], weight)
        return set(range(len(blocks))) - {order[m] for m in chain}
    best: list[tuple[int, ...]] = []
    back: list[int] = []
    # For each block in A order, the heaviest chain it can follow: of the blocks before it in
    # A order that end before it in B, the one of the heaviest chain (of two alike, the first
    # in A order). A Fenwick tree over B positions keeps the heaviest (chain, -order) ending
    # before each position: n log n, where trying every earlier block took n^2 (minutes for
    # the 10^5 blocks of two long texts).
    size = max((blocks[k].b[-1] for k in order), default=-1) + 1
    tree: list[tuple | None] = [None] * (size + 1)
    for n, k in enumerate(order):
        top, i = None, blocks[k].b[0]  # the best among B positions 0 .. b[0] - 1
        while i > 0:
            node = tree[i]
            if node is not None and (top is None or node > top):
                top = node
            i -= i & -i
        score, previous = (top[0], -top[1]) if top is not None else ((0, 0, 0, 0), -1)
        best.append(tuple(x + y for x, y in zip(score, weight[n])))
        back.append(previous)
        value, i = (best[-1], -n), blocks[k].b[-1] + 1
        while i <= size:
            node = tree[i]
            if node is None or value > node:
                tree[i] = value
            i += i & -i
    chain = set()
    n = max(range(len(order)), key=lambda m: best[m], default=-1)  # first of the maxima
    while n >= 0:
        chain.add(order[n])
        n = back[n]
    return set(range(len(blocks))) - chain


def _runs(taken: list[bool]) -> list[tuple[int, ...]]:
    """Maximal runs of consecutive indices not taken."""
    runs: list[tuple[int, ...]] = []
    current: list[int] = []
    for i, t in enumerate(taken):
        if t:
            if current:
                runs.append(tuple(current))
            current = []
        else:
            current.append(i)
    if current:
        runs.append(tuple(current))
    return runs


def _in_b_order(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """Order blocks by B position, each cut block right after its anchor.

    A cut block's anchor is the block holding the nearest A paragraph before it that is
    in place (not moved): anchoring on a moved block would show a cut tail next to
    wherever that block went. Cut blocks with no such paragraph come first; cut blocks
    sharing an anchor keep A order.
    """
    placed = sorted((b for b in blocks if b.b), key=lambda b: b.b[0])
    anchors = sorted((i, n) for n, b in enumerate(placed) if not b.moved for i in b.a)
    anchor_a = [i for i, _ in anchors]
    after: dict[int, list[Block]] = {}  # position in placed (-1: before all) -> cut blocks
    for block in sorted((b for b in blocks if not b.b), key=lambda b: b.a[0]):
        at = bisect.bisect_left(anchor_a, block.a[0]) - 1
        after.setdefault(anchors[at][1] if at >= 0 else -1, []).append(block)
    out = list(after.get(-1, ()))
    for n, block in enumerate(placed):
        out.append(block)
        out.extend(after.get(n, ()))
    return tuple(out)
