"""Published words in the recognizer's orthography, so a wording is scored for what it says, not how it was typed.

Whisper never writes curly apostrophes, quotation marks, brackets, dashes or ellipses, and it writes numbers
in digits. Read to the model as typed, a published word pays for its typography: one curly apostrophe costs
25-31 log-units of likelihood, more than a real change of wording. So before the published wording of a
difference is scored against the heard one, it is written the way the recognizer writes: Unicode NFKC, straight
apostrophes, no quotation marks, brackets, dashes or ellipses, the capital and the final punctuation the
recognizer used at that place, and numbers in the recognizer's style (digits where it wrote digits). A line
typed all in capitals (a headline, a caption feed) is read in lower case: its capitals say nothing of names.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from .normalize import APOSTROPHES, number_words, unabbreviated

__all__ = ["spoken_form", "words_to_digits", "is_name", "typed_in_capitals", "as_recognized_case"]

_DROPPED = re.compile(r"[\"“”„«»‹›()\[\]{}<>*_/\\|~^]|\.{2,}|…|(?<!\w)[-–—]+|[-–—]+(?!\w)|[–—]")
_SENTENCE_MARKS = ",.?!"
_TRAILING = re.compile(r"[^\w']+$")
_ONES = {w: n for n, w in enumerate(number_words(str(n))[0] for n in range(20))}
_TENS = {number_words(str(n))[0]: n for n in range(20, 100, 10)}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_OPENING = "\"“„«‹‘'([{"
_SENTENCE_END = ".?!:;…\n"
# Capitalized for being dates, not names: a changed day or month is a fact like a changed number
_CALENDAR = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
             "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"}


def _plain(word: str) -> str:
    """One word without typography: NFKC, straight apostrophes, no quotation marks, brackets or dashes."""
    word = _DROPPED.sub(" ", unicodedata.normalize("NFKC", unabbreviated(word)).translate(APOSTROPHES))
    word = re.sub(r"(?<!\w)'", "", word)  # an opening single quotation mark
    word = re.sub(r"(?<![sS])'(?!\w)", "", word)  # a closing one; "members'" keeps its apostrophe
    return re.sub(r"[:;]+", ",", word).strip()  # Whisper writes a pause as a comma, rarely as a colon


def words_to_digits(tokens: Sequence[str]) -> str | None:
    """"fifteen thousand" -> "15,000", "two" -> "2"; None when the tokens are not one cardinal number."""
    if not tokens:
        return None
    total = current = 0
    for token in tokens:
        if token in _ONES:
            current += _ONES[token]
        elif token in _TENS:
            current += _TENS[token]
        elif token == "hundred" and current:
            current *= 100
        elif token in _SCALES and token != "hundred" and (current or total):
            total += max(current, 1) * _SCALES[token]
            current = 0
        else:
            return None
    value = total + current
    return f"{value:,}" if value >= 10000 else str(value)


def _digits_style(words: list[str]) -> list[str]:
    """Runs of number words written as digits ("fifty" -> "50"), their punctuation kept."""
    out: list[str] = []
    k = 0
    while k < len(words):
        end = k
        while end < len(words) and re.sub(r"\W", "", words[end].lower()) in {*_ONES, *_TENS, *_SCALES} \
                and (end == k or not _TRAILING.search(words[end - 1])):
            end += 1
        number = words_to_digits([re.sub(r"\W", "", w.lower()) for w in words[k:end]]) if end > k else None
        if number is None:
            out.append(words[k])
            k += 1
        else:
            trailing = _TRAILING.search(words[end - 1])
            out.append(number + (trailing.group() if trailing else ""))
            k = end
    return out


def spoken_form(published: Sequence[str], heard: Sequence[str] = ()) -> str:
    """The published words of a difference as the recognizer would have written them at this place.

    `heard` are the recognizer's words for the same place (empty for words it did not hear): the first
    letter's case and the closing punctuation follow them, and so does the style of numbers.

    >>> spoken_form(["“We’re", "building"], ["were", "building."])
    "we're building."
    """
    words = [w for w in (_plain(word) for word in published) for w in w.split() if re.search(r"\w", w)]
    if not words:
        return ""
    heard_text = " ".join(heard)
    if re.search(r"\d", heard_text):
        words = _digits_style(words)
    # inner punctuation the recognizer writes is kept; the end follows what it wrote here
    words[-1] = _TRAILING.sub("", words[-1])
    if heard:
        end = _TRAILING.search(heard[-1])
        words[-1] += "".join(c for c in (end.group() if end else "") if c in _SENTENCE_MARKS)
        first = heard[0].lstrip("\"'")[:1]
        initial = words[0][:1]
        acronym = sum(c.isupper() for c in words[0]) >= 2
        if first.isalpha() and initial.isalpha() and not acronym and words[0] != "I" and not words[0].startswith("I'"):
            words[0] = (initial.upper() if first.isupper() else initial.lower()) + words[0][1:]
    return " ".join(words)


def typed_in_capitals(text: str, offset: int) -> bool:
    """Is the line of `text` at `offset` typed all in capitals, two words or more: a headline, an article or a
    caption feed set in upper case? Then its capitals say nothing of names or acronyms ("WHO" may be "who"),
    and the recognizer would not have written them."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    line = text[start:end if end >= 0 else len(text)]
    return len(re.findall(r"[^\W\d_]+", line)) >= 2 and not any(c.islower() for c in line)


def as_recognized_case(text: str, char_start: int, char_end: int) -> str:
    """The published word text[char_start:char_end], in lower case where its line is typed in capitals
    ("I" stays: the recognizer writes it so)."""
    word = text[char_start:char_end]
    if not typed_in_capitals(text, char_start):
        return word
    return re.sub(r"[^\W\d_]+", lambda letters: "I" if letters.group() == "I" else letters.group().lower(), word)


def is_name(text: str, char_start: int, char_end: int) -> bool:
    """Is the published word text[char_start:char_end] written as a name: capitalized (or in capitals)
    where no sentence, quotation or line begins, in a line not typed all in capitals? Days, months and "I" are
    not names."""
    word = text[char_start:char_end].strip(_OPENING + "”»›’)]}.,;:!?…-–—")
    if (not word or not word[0].isupper() or word == "I" or re.match(r"I['’]", word)
            or typed_in_capitals(text, char_start)):
        return False
    if re.sub(r"['’]s$", "", word).lower() in _CALENDAR:
        return False
    before = text[:char_start].rstrip(" \t")
    if text[char_start:char_start + 1] in _OPENING or before.endswith(tuple(_OPENING)):
        return False  # the first word of a quotation
    return bool(before) and before[-1] not in _SENTENCE_END
