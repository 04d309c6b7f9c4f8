"""The package as users get it: a wheel and an sdist built from this checkout (``python -m build``,
no network), the wheel installed in a clean virtualenv by its distribution name, its command run."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import venv
import zipfile
from importlib.metadata import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-2000:]
    return out


def test_the_distribution_is_dedup_news_with_its_extras():
    meta = metadata("dedup-news")
    assert meta["Name"] == "dedup-news" and meta["License-Expression"] == "MIT"
    extras = set(meta.get_all("Provides-Extra"))
    assert {"spark", "plot", "postgres"} <= extras
    requires = meta.get_all("Requires-Dist")
    assert any(r.startswith("psycopg") and 'extra == "postgres"' in r for r in requires)
    assert any(r.startswith("pyspark") and 'extra == "spark"' in r for r in requires)


def test_the_sdist_holds_what_its_tests_need(dist):
    (sdist,) = dist.glob("dedup_news-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert {"LICENSE", "CHANGELOG.md", "pyproject.toml", "dedup/py.typed", "tests/conftest.py", "tests/golden/check_seed.json"} <= names
    assert sum(n.startswith("seeds/") and n.endswith(".txt") for n in names) == 5
    # the compiled hot path's sources, built again where the sdist is installed
    assert {"setup.py", "dedup/_speedups.pyx", "dedup/_speedups.pyi", "dedup/_kernels.h", "dedup/_cleaning.pyx",
            "dedup/_cleaning.pyi"} <= names
    assert not any(n.endswith((".c", ".so")) for n in names if n.startswith("dedup/"))  # generated: built again


def test_the_wheel_installs_in_a_clean_venv_and_runs(dist, tmp_path):
    (wheel,) = dist.glob("dedup_news-*.whl")
    with zipfile.ZipFile(wheel) as z:
        assert "dedup/py.typed" in z.namelist() and not any(n.startswith(("tests/", "seeds/")) for n in z.namelist())
        for module in ("_speedups", "_cleaning"):  # compiled
            assert any(n.startswith(f"dedup/{module}.") and n.endswith(".so") for n in z.namelist()), module
    clean = tmp_path / "venv"
    venv.create(clean, with_pip=False)
    python = clean / "bin" / "python"
    # the wheel alone, by pip from outside the venv; its dependencies come from this test run's
    # environment (a .pth after the venv's own site-packages), so no download is needed
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True).stdout.strip()
    deps = [p for p in sys.path if p.endswith("site-packages")]
    Path(site, "zz_test_dependencies.pth").write_text("\n".join(deps) + "\n")
    version = subprocess.run([str(clean / "bin" / "dedup"), "--version"], capture_output=True, text=True, cwd=tmp_path)
    from dedup import __version__

    assert version.returncode == 0 and version.stdout == f"dedup {__version__}\n", version.stderr
    where = subprocess.run([str(python), "-c", "import dedup; print(dedup.__file__)"], capture_output=True, text=True, cwd=tmp_path)
    assert where.stdout.startswith(site), where.stdout  # the installed wheel, not this checkout
    helped = subprocess.run([str(python), "-m", "dedup", "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert helped.returncode == 0 and "scan" in helped.stdout and "index" in helped.stdout
    scanned = subprocess.run([str(clean / "bin" / "dedup"), "scan", str(ROOT / "seeds")], capture_output=True, text=True, cwd=tmp_path)
    assert scanned.returncode == 0 and "1 cluster (2 articles)" in scanned.stdout, scanned.stderr
    assert "warning" not in scanned.stderr  # the compiled hot path loaded: no fallback notice


@pytest.mark.skipif(not os.environ.get("CI") and not os.environ.get("DEDUP_INSTALL_EXTRAS"),
                    reason="installs from the package index (about a minute): runs under CI, or with DEDUP_INSTALL_EXTRAS=1")
def test_the_wheel_installs_with_its_extras_from_the_package_index(dist, tmp_path):
    """What a user types: pip install 'dedup-news[spark,plot,postgres,pandas]', every dependency
    resolved by pip from the package index into a clean venv, nothing borrowed from this run."""
    (wheel,) = dist.glob("dedup_news-*.whl")
    clean = tmp_path / "venv"
    venv.create(clean, with_pip=False)
    python = clean / "bin" / "python"
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                                f"{wheel}[spark,plot,postgres,pandas]"], capture_output=True, text=True, timeout=1200)
    assert installed.returncode == 0, installed.stderr[-3000:]
    listed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "list", "--format", "freeze"],
                            capture_output=True, text=True).stdout.lower()
    for name in ("dedup-news==", "pyspark==", "matplotlib==", "psycopg==", "psycopg-binary==", "pandas==", "datasketch=="):
        assert name in listed, f"{name} not installed"
    version = subprocess.run([str(clean / "bin" / "dedup"), "--version"], capture_output=True, text=True, cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("dedup "), version.stderr
    extras = subprocess.run([str(python), "-c", "import dedup, pyspark, matplotlib, psycopg, pandas; "
                             "from dedup import scan; print(scan(['The harbour reopened on Monday after a week of repairs.', 'Talks on the new budget resumed in the capital today.']).to_pandas('documents').shape)"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert extras.returncode == 0 and extras.stdout == "(2, 11)\n", extras.stderr[-2000:]
    helped = subprocess.run([str(python), "-m", "dedup", "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert helped.returncode == 0 and "check" in helped.stdout
