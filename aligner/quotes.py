"""Quoted passages of the published text: what clips are cut from and what the check calls verbatim or not."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text import Document

__all__ = ["Quote", "find_quotes"]

# “…”, "…", «…», „…“, the German and Danish »…«, the Swedish and Finnish ”…” (a ” that opens before a word, also the
# typo of an English “) and British single ‘…’ and '…' (whose closing mark, unlike an apostrophe, is not followed by a
# letter: ‘We’re here,’ he said; a straight one opens only before a letter, so the '90s open nothing); a quote may
# run across sentences but not across paragraphs. A quote that goes on into the next paragraph is written, by the
# newsroom convention, with no closing mark at the end of its paragraph and an opening one at the start of the
# next: each paragraph of it is a quoted passage, also when the quote opens after the reporter's words ("We did
# all we can,” she said. “But the river is rising.).
_STRAIGHT_SINGLE = r"(?<![\w'])'(?=[^\W\d_])"  # opens a quote: not inside a word, and a letter after it
_QUOTED = re.compile(r"“([^“”\n]+)”|\"([^\"\n]+)\"|«\s*([^«»\n]+?)\s*»|„([^„“”\n]+)[“”]|(?<!\w)‘([^‘\n]+?)’(?!\w)"
                     r"|»(?=\w)([^«»\n]+)«|(?<!\w)”(?=\w)([^“”\n]+)”"
                     rf"|{_STRAIGHT_SINGLE}([^\n]+?)(?<=\S)'(?!\w)"
                     r"|“([^“”\n]+)$(?=\n\s*“)|\"([^\"\n]+)$(?=\n\s*\")|(?<!\w)‘([^‘\n]+)$(?=\n\s*‘)"
                     rf"|{_STRAIGHT_SINGLE}([^\n]+)$(?=\n\s*')", re.MULTILINE)


@dataclass(frozen=True)
class Quote:
    text: str  # the words between the quotation marks, as published
    char_start: int  # offsets of that text (marks excluded)
    char_end: int
    first_word: int  # indices into Document.words
    last_word: int


def find_quotes(document: Document, min_words: int = 2) -> list[Quote]:
    """Every quoted passage of at least `min_words` words (shorter ones are scare quotes or titles)."""
    quotes = []
    for match in _QUOTED.finditer(document.text):
        group = next(k for k in range(1, _QUOTED.groups + 1) if match.group(k) is not None)
        start, end = match.start(group), match.end(group)
        inner = document.text[start:end]
        stripped = inner.strip()
        start += len(inner) - len(inner.lstrip())
        end = start + len(stripped)
        indices = [k for k, w in enumerate(document.words) if w.char_end > start and w.char_start < end]
        if len(indices) >= min_words:
            quotes.append(Quote(stripped, start, end, indices[0], indices[-1]))
    return quotes
