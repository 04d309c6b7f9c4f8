"""A small syndicated corpus for the scan page's tests: the wire stories of :mod:`stories` sent by
two agencies and reprinted by outlets named in ``source`` or only by their URL, with publication
dates, so every number of the overview and every plot has data.

Three clusters, by construction (the verdicts are the scan's, checked by the tests):

- ``c1``, six articles: the Rotterdam wire (Reuters, 06:00) and five reprints: the first four
  paragraphs (times.example, by URL, 09:30), the top three padded with local news (Felixstowe
  Post, 14:00), British spelling (Daily Mail, next day 07:00), the page scraped with its
  furniture (news.example.org, by URL, 06:20) and the paragraphs moved about (Daily Mail, 20:00);
- ``c2``, three: the Antwerp story (AP, 15 March 08:00), its first three paragraphs
  (times.example, 12:00) and its first four (Daily Mail, no date);
- ``c3``, two: the Cyrillic wire (Reuters, 05:00) and a reprint of three paragraphs (Novaya, 10:00).

And two stories sharing only a long quotation (AP, Reuters), in no cluster.
"""

from __future__ import annotations

import stories as s

from dedup import Document


def syndicated() -> list[Document]:
    """The corpus described above, in a fixed order."""
    antwerp = s.ANTWERP_PARAGRAPHS
    return [
        Document("rotterdam-wire", s.WIRE, title="Rotterdam dock strike", source="Reuters", published="2023-03-14T06:00:00Z"),
        Document("rotterdam-times", s.cut_tail(4), url="https://www.times.example/rotterdam", published="2023-03-14T09:30:00Z"),
        Document("rotterdam-post", s.padded(3), source="Felixstowe Post", published="2023-03-14T14:00:00Z"),
        Document("rotterdam-mail", s.localised(), source="Daily Mail", published="2023-03-15T07:00:00Z"),
        Document("rotterdam-scraped", s.exact_copy(), url="https://news.example.org/x", published="2023-03-14T06:20:00Z"),
        Document("rotterdam-moved", s.reordered(), source="Daily Mail", published="2023-03-14T20:00:00Z"),
        Document("antwerp-wire", "\n\n".join(antwerp), source="AP", published="2023-03-15T08:00:00Z"),
        Document("antwerp-times", "\n\n".join(antwerp[:3]), url="https://www.times.example/antwerp", published="2023-03-15T12:00:00Z"),
        Document("antwerp-mail", "\n\n".join(antwerp[:4]), source="Daily Mail"),
        Document("moscow-wire", s.CYRILLIC_WIRE, source="Reuters", published="2023-03-14T05:00:00Z"),
        Document("moscow-copy", s.CYRILLIC_REPRINT, source="Novaya", published="2023-03-14T10:00:00Z"),
        Document("rally-a", s.QUOTE_STORY_A, source="AP"),
        Document("rally-b", s.QUOTE_STORY_B, source="Reuters"),
    ]
