"""The report package's front door re-exports exactly the public names (that it imports
no stage at runtime is tests/test_architecture.py's to check)."""

from dedup import report


def test_all_is_sorted_and_exact():
    assert report.__all__ == sorted(report.__all__)
    public = {name for name in vars(report) if not name.startswith("_") and not isinstance(getattr(report, name), type(report))}
    assert public == set(report.__all__)
    for name in report.__all__:
        if name != "FORMAT_VERSION":
            assert getattr(report, name).__doc__, name
