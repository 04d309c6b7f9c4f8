"""Golden files of the report tests: compared byte for byte, rewritten only on purpose
(``DEDUP_REGEN_GOLDEN=1 python -m pytest tests/test_report.py tests/test_check.py``)."""

import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"
REGEN = os.environ.get("DEDUP_REGEN_GOLDEN") == "1"


def check_golden(name: str, text: str) -> None:
    """Assert ``text`` equals the golden file ``name`` (or write it, when regenerating)."""
    path = GOLDEN / name
    if REGEN:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing golden file {name}; run with DEDUP_REGEN_GOLDEN=1 once"
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; regenerate on purpose if intended"
