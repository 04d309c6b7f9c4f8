"""The front door: dedup/__init__.py exports exactly the public names."""

import dedup


def test_all_is_sorted_and_exact():
    assert dedup.__all__ == sorted(dedup.__all__)
    public = {name for name in vars(dedup) if not name.startswith("_") and not isinstance(getattr(dedup, name), type(dedup))}
    assert public == set(dedup.__all__) - {"__version__"}


def test_every_export_is_documented():
    for name in dedup.__all__:
        if name != "__version__":
            assert getattr(dedup, name).__doc__, name
