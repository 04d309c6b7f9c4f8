"""Pickling of the stages' records, which worker processes hand back by the thousand.

A frozen dataclass with slots pickles its fields as state, and unpickles it through
``dataclasses``' ``__setstate__``, which looks up the fields and stores each with
``object.__setattr__`` in Python: the real corpus's 1,151 alignments (blocks of word
changes) took 0.09 s to unpickle in the process that gathers them, 0.014 s pickled as a
call of the class on its fields' values, less again made in C without ``__init__`` (:func:`by_fields`).
The same C maker serves records made, not unpickled, by the ten thousand (:func:`made`, :func:`one`).

>>> from dataclasses import dataclass
>>> @by_fields
... @dataclass(frozen=True, slots=True)
... class Point:
...     x: int
...     y: int = 0
>>> restore, arguments = Point(1, 2).__reduce__()  # what pickle stores: the class, its fields and their values
>>> arguments[1:], restore(*arguments), restore(*arguments) == _restored(*arguments)
((('x', 'y'), (1, 2)), Point(x=1, y=2), True)
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from typing import TypeVar

from . import _native

T = TypeVar("T")


def by_fields(cls: type[T]) -> type[T]:
    """A dataclass ``cls`` pickled as its fields' values in order (every field an ``__init__``
    argument), made again from them (:func:`_restored`; where compiled and the fields are slots,
    without ``__init__``: its checks and ``__post_init__`` passed when the record was first made)."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if not fields or not all(f.init for f in fields):
        raise TypeError(f"{cls.__name__}: by_fields needs a dataclass whose fields are all __init__ arguments")
    values = attrgetter(*(f.name for f in fields))
    names = tuple(f.name for f in fields)
    single = len(fields) == 1
    slotted = "__slots__" in cls.__dict__ and set(names) <= set(cls.__dict__["__slots__"])

    def __reduce__(self: T) -> tuple:
        found = values(self)
        fast = _native.cleaning
        # made by the compiled function itself (no Python call a record) where the fields are slots
        return fast.record if fast is not None and slotted else _restored, (cls, names, (found,) if single else found)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


def _restored(cls: type[T], names: tuple[str, ...], values: tuple) -> T:
    """A record of ``cls`` with fields ``names`` set to ``values``, made by calling ``cls`` (where
    the fields are slots of ``cls``'s own, the compiled ``record`` makes it instead, without
    ``__init__``: a frozen dataclass's sets the fields one by one through ``object.__setattr__``,
    3 us for a match's 18, and a worker's matches and alignments are unpickled by the hundred
    thousand)."""
    return cls(*values)


def made(cls: type[T], names: tuple[str, ...], rows: list[tuple]) -> tuple[T, ...]:
    """``tuple(cls(*row) for row in rows)`` for a dataclass with slots whose ``__init__`` only
    stores ``names``, made in C where compiled (the compiled ``records``: no ``__init__``, 0.1 us a
    record where a frozen dataclass's takes 1 to 3, for the sentence matches, sides and words a
    scan's verify makes by the hundred thousand).

    >>> from dedup.sentences import SentenceMatch
    >>> made(SentenceMatch, ("a", "b", "how", "similarity", "quoted"), [(0, 2, "exact", 1.0, False)])
    (SentenceMatch(a=0, b=2, how='exact', similarity=1.0, quoted=False),)
    """
    fast = _native.cleaning
    if fast is not None and rows:
        return fast.records(cls, names, *zip(*rows))
    return tuple(cls(*row) for row in rows)


def one(cls: type[T], names: tuple[str, ...], values: tuple) -> T:
    """``cls(*values)``, as :func:`made` makes it (the compiled ``record``)."""
    fast = _native.cleaning
    return fast.record(cls, names, values) if fast is not None else cls(*values)

