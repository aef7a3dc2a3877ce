"""The published text: words as published, with their matching keys, offsets, sentences and paragraphs.

Plain text and HTML pages are read. For HTML the visible text is extracted first (block elements become
paragraphs, script and style are dropped) and character offsets refer to that extracted text.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .errors import InputError
from .normalize import word_keys

__all__ = ["Word", "Document", "parse_text", "read_text", "excerpt"]

# A period after these does not end a sentence.
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt",
                  "prof", "jr", "sr", "vs", "etc", "inc", "corp", "co", "no", "jan", "feb", "mar", "apr",
                  "aug", "sept", "sep", "oct", "nov", "dec", "u.s", "u.n", "u.k", "e.g", "i.e"}
_SENTENCE_END = re.compile(r"[.!?…][”\"’')\]]*$")
_OPENING = "“\"‘'([¿¡"


@dataclass(frozen=True)
class Word:
    """One whitespace-delimited published word; `keys` are what matching compares."""

    text: str
    keys: tuple[str, ...]
    char_start: int
    char_end: int
    sentence: int
    paragraph: int


@dataclass(frozen=True)
class Document:
    text: str  # the text the offsets refer to
    words: tuple[Word, ...]


def _ends_sentence(word: str, next_word: str | None) -> bool:
    if not _SENTENCE_END.search(word):
        return False
    if next_word is None:
        return True
    stem = word.rstrip("”\"’')]").rstrip(".").lstrip(_OPENING).lower()
    if word.rstrip("”\"’')]").endswith(".") and (stem in _ABBREVIATIONS or len(stem) == 1):
        return False
    if word.endswith(". .") or word.endswith(". . ."):  # a spaced ellipsis inside a sentence
        return False
    first = next_word.lstrip(_OPENING)[:1]
    return not first.islower()


def parse_text(text: str) -> Document:
    """Split text into words; pure punctuation ("–", ". . .") is glued to the word before it."""
    spans: list[tuple[int, int, int]] = []  # (start, end, paragraph)
    for paragraph, line in enumerate(re.finditer(r"[^\n]*\S[^\n]*", text)):
        for match in re.finditer(r"\S+", line.group()):
            start, end = line.start() + match.start(), line.start() + match.end()
            if spans and spans[-1][2] == paragraph and not word_keys(text[start:end]):
                spans[-1] = (spans[-1][0], end, paragraph)
            elif spans and spans[-1][2] == paragraph and not word_keys(text[spans[-1][0]:spans[-1][1]]):
                spans[-1] = (spans[-1][0], end, paragraph)  # leading punctuation joins the next word
            else:
                spans.append((start, end, paragraph))
    words: list[Word] = []
    sentence = 0
    for start, end, paragraph in spans:
        if words and (paragraph != words[-1].paragraph or _ends_sentence(
                words[-1].text, text[start:end])):
            sentence += 1
        words.append(Word(text[start:end], word_keys(text[start:end]), start, end, sentence, paragraph))
    return Document(text, tuple(words))


class _VisibleText(HTMLParser):
    _BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figcaption",
               "section", "article", "header", "footer", "tr", "title", "ul", "ol", "table", "aside"}
    _HIDDEN = {"script", "style", "noscript", "template", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(markup: str) -> str:
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return html.unescape("\n\n".join(line for line in lines if line))


def read_text(path: str | Path) -> Document:
    """Read a published text (plain UTF-8 or an HTML page) or raise InputError saying what is wrong."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"text file not found: {path}") from None
    except OSError as error:
        raise InputError(f"cannot read text file {path}: {error.strerror or error}") from None
    if b"\x00" in data:
        raise InputError(f"{path} is not a text file (it contains binary data)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"{path} is not UTF-8 text (undecodable byte at offset {error.start}); "
                         "save it as UTF-8") from None
    looks_like_html = path.suffix.lower() in (".html", ".htm") or re.match(
        r"\s*(<!doctype html|<html)", text, re.IGNORECASE)
    if looks_like_html:
        text = html_to_text(text)
    document = parse_text(text)
    if not any(word.keys for word in document.words):
        raise InputError(f"{path} has no words to align")
    return document


def excerpt(text: str, limit: int) -> str:
    """The text on one line, cut to `limit` characters with an ellipsis, for listings."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
