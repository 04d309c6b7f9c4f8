"""Native: the compiled hot path (``dedup/_speedups.pyx``) if it is there, else None.

The stages (:mod:`dedup.tokens`, :mod:`dedup.sign`, :mod:`dedup.verify`) keep their numpy
code as the reference and hand their loops to :data:`speedups` when it is not None; both
give the same bits (``tests/test_speedups.py``). ``DEDUP_PURE=1`` in the environment forces
the reference (to compare the two, or to rule the extension out). A package installed
without the extension (built where no C compiler was found) says so once, on stderr, and
runs the reference: slower, the same results.

>>> speedups is None or hasattr(speedups, "signatures")
True
"""

from __future__ import annotations

import os
import sys
from types import ModuleType


def load() -> ModuleType | None:
    """The compiled module, or None when ``DEDUP_PURE`` asks for the reference or it cannot be imported
    (after a one-line warning on stderr)."""
    if os.environ.get("DEDUP_PURE", "").strip() not in ("", "0"):
        return None
    try:
        import dedup._speedups as _speedups  # a leaf: imports numpy, nothing of dedup
    except ImportError as e:
        print(f"warning: dedup's compiled speedups are not available ({e}); running the pure-Python "
              f"reference, which gives the same results more slowly. Reinstall with a C compiler present "
              f"(pip install --force-reinstall --no-binary dedup-news dedup-news) to build them.", file=sys.stderr)
        return None
    return _speedups


#: The compiled module, or None: the reference path. Read at each call (not imported by
#: name), so that a test can swap it.
speedups = load()
