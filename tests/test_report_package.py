"""The report package: its front door re-exports exactly the public names, and it formats only.

No module of dedup.report imports the stages whose records it formats (pipeline, check,
index) or the CLI at runtime; they appear only under ``if TYPE_CHECKING:``.
"""

import os
import subprocess
import sys
from pathlib import Path

from dedup import report

ROOT = Path(__file__).resolve().parents[1]


def test_all_is_sorted_and_exact():
    assert report.__all__ == sorted(report.__all__)
    public = {name for name in vars(report) if not name.startswith("_") and not isinstance(getattr(report, name), type(report))}
    assert public == set(report.__all__)
    for name in report.__all__:
        if name != "FORMAT_VERSION":
            assert getattr(report, name).__doc__, name


def test_imports_no_stage_at_runtime():
    """Import every module of the package with pipeline, check, index and cli made unimportable."""
    code = """
import importlib, importlib.util, pkgutil, sys, types

class Blocked:
    def find_spec(self, name, path=None, target=None):
        if name in ("dedup.pipeline", "dedup.check", "dedup.cli") or name.split(".")[:2] == ["dedup", "index"]:
            raise ImportError("blocked: " + name)

sys.meta_path.insert(0, Blocked())
spec = importlib.util.find_spec("dedup")
package = types.ModuleType("dedup")  # dedup/__init__.py imports every stage: leave it out
package.__path__ = spec.submodule_search_locations
sys.modules["dedup"] = package
report = importlib.import_module("dedup.report")
for info in pkgutil.iter_modules(report.__path__):
    importlib.import_module("dedup.report." + info.name)
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
