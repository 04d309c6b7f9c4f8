"""Build the compiled hot path (dedup/_speedups.pyx) with the package; everything else is in pyproject.toml.

The extension is optional: where it cannot be built (no C compiler), the package installs
without it and runs the pure-Python reference path, saying so once (dedup/_native.py).
``DEDUP_REQUIRE_SPEEDUPS=1`` makes a failed build an error instead (wheels for users:
docs/github-actions-wheels.yml).
"""

import os

from Cython.Build import cythonize
from setuptools import Extension, setup

required = os.environ.get("DEDUP_REQUIRE_SPEEDUPS", "") not in ("", "0")
setup(
    ext_modules=cythonize(
        [Extension("dedup._speedups", ["dedup/_speedups.pyx"], extra_compile_args=["-O3"], optional=not required)],
        compiler_directives={"language_level": "3"},
    ),
)
