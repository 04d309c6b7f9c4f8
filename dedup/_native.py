"""Native: the compiled hot paths (``dedup/_speedups.pyx``, ``dedup/_cleaning.pyx``) if they are there, else None.

The stages (:mod:`dedup.tokens`, :mod:`dedup.sign`, :mod:`dedup.verify`; :mod:`dedup.clean`)
keep their Python code as the reference and hand their loops to :data:`speedups` (:data:`cleaning`)
when it is not None; both give the same results (``tests/test_speedups.py``,
``tests/test_cleaning_speedups.py``). ``DEDUP_PURE=1`` in the environment forces the reference
(to compare the two, or to rule the extensions out). A package installed without the extensions
(built where no C compiler was found) says so once, on stderr, and runs the reference: slower,
the same results.

>>> speedups is None or hasattr(speedups, "signatures")
True
>>> cleaning is None or hasattr(cleaning, "split_paragraphs")
True
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType

#: The compiled modules (leaves: they import nothing of dedup), loaded in this order.
MODULES = ("dedup._speedups", "dedup._cleaning")


def load() -> tuple[ModuleType | None, ...]:
    """The compiled modules (of :data:`MODULES`), each None when ``DEDUP_PURE`` asks for the reference
    or it cannot be imported (after one line of warning on stderr for all that cannot)."""
    if os.environ.get("DEDUP_PURE", "").strip() not in ("", "0"):
        return (None,) * len(MODULES)
    found: list[ModuleType | None] = []
    errors = []
    for name in MODULES:
        try:
            found.append(importlib.import_module(name))
        except ImportError as e:
            found.append(None)
            errors.append(str(e))
    if errors:
        print(f"warning: dedup's compiled speedups are not available ({'; '.join(errors)}); running the pure-Python "
              f"reference, which gives the same results more slowly. Reinstall with a C compiler present "
              f"(pip install --force-reinstall --no-binary dedup-news dedup-news) to build them.", file=sys.stderr)
    return tuple(found)


#: The compiled modules, or None: the reference path. Read at each call (not imported by
#: name), so that a test can swap them.
speedups, cleaning = load()
