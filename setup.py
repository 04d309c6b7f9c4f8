"""Build the compiled hot paths (dedup/_speedups.pyx, dedup/_cleaning.pyx) with the package; everything else is in pyproject.toml.

The extensions are optional: where they cannot be built (no C compiler), the package installs
without them and runs the pure-Python reference path, saying so once (dedup/_native.py).
``DEDUP_REQUIRE_SPEEDUPS=1`` makes a failed build an error instead (wheels for users:
docs/github-actions-wheels.yml).
"""

import os

from Cython.Build import cythonize
from setuptools import Extension, setup

required = os.environ.get("DEDUP_REQUIRE_SPEEDUPS", "") not in ("", "0")
setup(
    ext_modules=cythonize(
        [Extension(f"dedup.{name}", [f"dedup/{name}.pyx"], extra_compile_args=["-O3"], optional=not required)
         for name in ("_speedups", "_cleaning")],
        compiler_directives={"language_level": "3"},
    ),
)
