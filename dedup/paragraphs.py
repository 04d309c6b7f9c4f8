"""Paragraphs: the records of a cleaned article, :class:`Paragraph` and :class:`Cleaned`.

:func:`dedup.clean.clean` makes them; a scan keeps one :class:`Cleaned` a document, so it holds
its paragraphs compactly and makes their records when asked for.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate

from . import _native


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph as written (for display), with its kind (``body`` or furniture).

    >>> from dedup.clean import clean
    >>> clean("By Reuters\\n\\nTalks resumed.").paragraphs[0]
    Paragraph(text='By Reuters', kind='byline')
    """

    text: str
    kind: str


_PARAGRAPH_FIELDS = ("text", "kind")  # what Paragraph's __init__ stores, in order (tests hold it to the dataclass)


@dataclass(frozen=True, slots=True, init=False, repr=False, eq=False)
class Cleaned:
    """An article split into labelled paragraphs, with the evidence of origin found in it.

    ``Cleaned(paragraphs, credits=(), published=None, headline=None)``.

    Attributes:
        paragraphs: every paragraph in order, body and furniture (:class:`Paragraph` records,
            made when asked for).
        kinds: each paragraph's kind, in order.
        texts: each paragraph's text, in order.
        credits: wire agencies credited in bylines, datelines, copyright or sign-off lines
            (captions excluded: a photo credit says nothing of the text), sorted.
        published: the first date found in the furniture, ISO ``YYYY-MM-DD``, or None.
        headline: the headline found in the text, or None.

    The paragraphs' texts are held as one string (``joined``) and where each ends in it
    (``ends``, 32-bit unsigned integers in the machine's order), not as a record and a string
    each: a scan keeps every document's, and 7 records and strings a document were 0.1 s to
    free at 10^5 documents (one string: 0.025 s), and most of what a worker hands back.

    >>> from dedup.clean import clean
    >>> cleaned = clean("By Reuters\\n\\nTalks resumed on Monday in the capital, officials said.")
    >>> cleaned.kinds, cleaned.body, cleaned.credits
    (('byline', 'body'), ('Talks resumed on Monday in the capital, officials said.',), ('Reuters',))
    """

    joined: str
    ends: bytes
    kinds: tuple[str, ...]
    credits: tuple[str, ...]
    published: str | None
    headline: str | None

    def __init__(self, paragraphs: Iterable[Paragraph] = (), credits: tuple[str, ...] = (), published: str | None = None,
                 headline: str | None = None) -> None:
        listed = tuple(paragraphs)
        joined, ends = joined_texts([p.text for p in listed])
        for name, value in zip(_CLEANED_FIELDS, (joined, ends, tuple([p.kind for p in listed]), credits, published, headline)):
            object.__setattr__(self, name, value)

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        """Every paragraph in order, body and furniture."""
        return paragraph_records(self.texts, self.kinds)

    @property
    def texts(self) -> tuple[str, ...]:
        """Each paragraph's text, in order."""
        return _texts(self.joined, self.ends, None, None)

    @property
    def body(self) -> tuple[str, ...]:
        """The body paragraphs' text, in order."""
        return _texts(self.joined, self.ends, self.kinds, "body")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _CLEANED_FIELDS)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, name) for name in _CLEANED_FIELDS))

    def __repr__(self) -> str:
        return (f"Cleaned(paragraphs={self.paragraphs!r}, credits={self.credits!r}, published={self.published!r}, "
                f"headline={self.headline!r})")


_CLEANED_FIELDS = ("joined", "ends", "kinds", "credits", "published", "headline")  # (tests hold it to the dataclass)


def joined_texts(texts: Sequence[str]) -> tuple[str, bytes]:
    """Paragraph texts as :class:`Cleaned` holds them: one string, and where each ends in it.

    >>> joined, ends = joined_texts(["One.", "Two three."])
    >>> joined, list(memoryview(ends).cast("I"))
    ('One.Two three.', [4, 14])
    """
    fast = _native.cleaning
    if fast is not None:
        return fast.joined_texts(texts if type(texts) is list else list(texts))
    return "".join(texts), array("I", accumulate(map(len, texts))).tobytes()


def _texts(joined: str, ends: bytes, kinds: tuple[str, ...] | None, kind: str | None) -> tuple[str, ...]:
    """The paragraphs' texts cut out of ``joined`` (those of ``kind`` only, given ``kinds``)."""
    fast = _native.cleaning
    if fast is not None:
        return fast.paragraph_texts(joined, ends, kinds, kind)
    at, out = 0, []
    for k, end in enumerate(memoryview(ends).cast("I")):
        if kinds is None or kinds[k] == kind:
            out.append(joined[at:end])
        at = end
    return tuple(out)


def cleaned_records(parts: Sequence[tuple]) -> Sequence[Cleaned]:
    """A :class:`Cleaned` of each ``(joined, ends, kinds, credits, published, headline)`` (its fields,
    as :func:`compact_parts` makes them), made without ``__init__`` (in C, where compiled: a
    column at a time)."""
    fast = _native.cleaning
    if fast is not None:
        return fast.records(Cleaned, _CLEANED_FIELDS, *(zip(*parts) if parts else [()] * len(_CLEANED_FIELDS)))
    made = []
    for fields in parts:
        record = object.__new__(Cleaned)
        for name, value in zip(_CLEANED_FIELDS, fields):
            object.__setattr__(record, name, value)
        made.append(record)
    return tuple(made)


def compact_parts(raw: Sequence[str], kinds: Sequence[str], credits: tuple[str, ...], published: str | None,
                  headline: str | None) -> tuple:
    """:func:`~dedup.clean.cleaned_parts`' result as :class:`Cleaned`'s fields (:func:`cleaned_records` makes
    the record): what a worker hands back."""
    return (*joined_texts(raw), tuple(kinds), credits, published, headline)


def paragraph_records(raw: Sequence[str], kinds: Sequence[str]) -> tuple[Paragraph, ...]:
    """``tuple(map(Paragraph, raw, kinds))`` (made in C, where compiled: a frozen dataclass's
    ``__init__`` is slow)."""
    fast = _native.cleaning
    if fast is not None:
        return fast.records(Paragraph, _PARAGRAPH_FIELDS, raw, kinds)
    return tuple(map(Paragraph, raw, kinds))
