import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture
def seeds() -> Path:
    return ROOT / "seeds"


@pytest.fixture(scope="session")
def postgres_url():
    """The URL of a PostgreSQL server started for this test session (tests/pgserver.py). Without
    the server installed the tests that need it are skipped, saying so; on CI (``CI`` set) they fail."""
    import pgserver

    try:
        server = pgserver.Server()
    except (RuntimeError, KeyError, OSError) as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no PostgreSQL server here ({exc})")
    yield server.url
    server.stop()
