"""The one exception tree of dedup.

Every error dedup raises on purpose is a :class:`DedupError`; each class also
subclasses the builtin it resembles, so ``except ValueError`` keeps working::

    DedupError(Exception)
    ├── InputError(DedupError, ValueError)        a path, file or record the user gave is unusable
    │   └── IndexExistsError(InputError)          an index is already where one was to be created
    ├── ConfigError(DedupError, ValueError)       a setting or flag value is out of range
    ├── IndexFormatError(DedupError, ValueError)  an index file is damaged, foreign or built with other settings
    └── MissingDependencyError(DedupError, ImportError)  an optional extra is not installed

The CLI turns any of these into a one-line message and exit code 2; anything
else is a bug and keeps its traceback.

>>> issubclass(InputError, ValueError) and issubclass(InputError, DedupError)
True
"""

from __future__ import annotations


class DedupError(Exception):
    """Base of every error dedup raises on purpose.

    >>> try:
    ...     raise InputError("no such file: wire.txt")
    ... except DedupError as error:
    ...     print(type(error).__name__, error)
    InputError no such file: wire.txt
    """


class InputError(DedupError, ValueError):
    """A path, file or record given by the user cannot be used.

    >>> issubclass(InputError, ValueError), issubclass(InputError, DedupError)
    (True, True)
    """


class IndexExistsError(InputError):
    """An index is already where one was to be created (perhaps by another process just now)."""


class ConfigError(DedupError, ValueError):
    """A setting is out of range or inconsistent with another.

    >>> from dedup import Settings
    >>> try:
    ...     Settings(shingle_size=0)
    ... except ConfigError:
    ...     print("rejected")
    rejected
    """


class IndexFormatError(DedupError, ValueError):
    """An index file is damaged, of another format, or built with other settings.

    >>> issubclass(IndexFormatError, ValueError), issubclass(IndexFormatError, DedupError)
    (True, True)
    """


class MissingDependencyError(DedupError, ImportError):
    """An optional dependency is needed; the message names the extra to install.

    >>> issubclass(MissingDependencyError, ImportError), issubclass(MissingDependencyError, DedupError)
    (True, True)
    """


def require(module: str, extra: str):
    """Import an optional dependency or raise an error naming the extra.

    >>> require("json", "none").__name__
    'json'
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(
            f"{module} is not installed; install it with: pip install 'dedup-news[{extra}]'"
        ) from exc
