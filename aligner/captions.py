"""Captions of everything that was said: which words the cues show, segmentation into cues, timing,
WebVTT and SRT.

What is shown (`caption_words`): the published words as written, joined by single spaces, except where
the accuracy check is confident that the speaker said other words; there the heard words stand in their
place, inside the published punctuation, and published words that were left out are not shown. Speech
with no published text (intro, outro, ad-libs) is captioned from the recognizer's own words, in time
order, unless the options leave it out.

Cues are laid out the way a broadcast subtitler would: short lines, breaks at sentence and clause ends,
names and article+noun kept together. Choices are made by minimising a penalty over all segmentations
(dynamic programming, as in paragraph line breaking) rather than greedily, so one awkward early break
does not force several later ones.

Quotation marks are balanced in every cue, so that each cue reads on its own: a quotation that runs on
into the next cue is closed at the end of the cue and opened again at the start of the next one (not the
print convention of reopening without closing; the quote's own closing mark stays with its last words).
A closing mark whose opening one is not shown (its word was left out) gets an opening mark at the start
of its cue, and a quotation whose closing mark is never shown is closed at the end of its paragraph.
Marks are read in every typography `quotes.find_quotes` knows.
"""
from __future__ import annotations

import bisect
import dataclasses
import itertools
import math
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .align import PAUSE, AlignedWord, Unscripted, said_order, spread
from .report import RECOGNITION, WORDING
from .timefmt import srt_timestamp, to_ms, vtt_timestamp
from .transcribe import HeardWord

if TYPE_CHECKING:
    from .report import Difference

__all__ = ["CaptionOptions", "CaptionWord", "Cue", "caption_words", "build_cues", "to_webvtt", "to_srt",
           "PUBLISHED", "HEARD", "UNSCRIPTED"]

PUBLISHED, HEARD, UNSCRIPTED = "published", "heard", "unscripted"


@dataclass(frozen=True)
class CaptionOptions:
    """How cues are shaped and timed; the defaults follow common broadcast practice."""

    max_chars_per_line: int = 42  # Netflix/BBC limit for Latin scripts
    max_lines: int = 2  # lines per cue
    max_cps: float = 17.0  # reading rate, characters (spaces included) per second, adult English
    min_duration: float = 5 / 6  # seconds a cue should stay up, 20 frames at 24 fps
    max_duration: float = 7.0  # seconds; longer cues are split (a single longer word excepted)
    min_gap: float = 0.083  # seconds between cues, 2 frames at 24 fps; cues never overlap
    max_pause: float = 1.5  # silence (s) between words that always ends a cue
    unscripted: bool = True  # caption speech that has no published text (FCC: captions are complete)

    def __post_init__(self) -> None:
        if self.max_chars_per_line < 1 or self.max_lines < 1:
            raise ValueError("max_chars_per_line and max_lines must be at least 1")
        if not 0 < self.min_duration <= self.max_duration:
            raise ValueError("need 0 < min_duration <= max_duration")
        if self.max_cps <= 0 or self.min_gap < 0 or self.max_pause < 0:
            raise ValueError("max_cps must be positive; min_gap and max_pause not negative")


@dataclass(frozen=True)
class CaptionWord:
    """A word as the captions show it, or a published word they skip (no times then: a cue never spans it)."""

    text: str
    start: float | None
    end: float | None
    sentence: int  # numbered in caption order: a change of number is a sentence break
    paragraph: int  # likewise; a cue never holds two paragraphs
    origin: str  # PUBLISHED, HEARD (said in place of published words) or UNSCRIPTED (said, never published)
    heard: tuple[HeardWord, ...] = ()  # the recognizer's words an unscripted caption word is made of
    word: int | None = None  # the published word shown (PUBLISHED) or the first of those said differently (HEARD)

    @property
    def spoken(self) -> bool:
        return self.start is not None and self.end is not None


@dataclass(frozen=True)
class Cue:
    """One caption: its times in seconds (whole milliseconds) and the words it shows.

    `first` and `last` are indices into the word list given to `build_cues`,
    both included; every word between them is spoken and shown.
    """

    start: float
    end: float
    lines: tuple[str, ...]
    first: int
    last: int

    @property
    def text(self) -> str:
        """The lines joined by newlines, as written to a caption file."""
        return "\n".join(self.lines)

    @property
    def duration(self) -> float:
        return self.end - self.start


# --- what is shown --------------------------------------------------------
_OUTER_PUNCTUATION = ".,;:!?…\"“”„«»()[]{}—–-‘"  # around a word; not ’ or ', which end "students’"
_HEARD_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*$")
# The recognizer writes some words in pieces ("all" "-eating", "50" ",000", "U" ".S."): a piece that starts
# with one of these and follows within _GLUED seconds is shown joined to the word before it.
_CONTINUES = re.compile(r"[-–,.'’%]\w")
_GLUED = 0.3


@dataclass(frozen=True)
class _Said:
    """A word of the captions before sentences and paragraphs are numbered: keys, not numbers yet."""

    text: str
    start: float | None
    end: float | None
    sentence: Hashable
    paragraph: Hashable
    ends_sentence: bool
    origin: str
    heard: tuple[HeardWord, ...] = ()
    closing: str = ""  # quotation marks of left-out words after it, shown after what was said in their place
    word: int | None = None
    heard_stop: bool = False  # the recognizer ended a sentence on it: the speech after it is not its sentence's


def _in_punctuation(first: str, last: str, heard: list[str]) -> list[str]:
    """Heard words inside the published punctuation: `nation.”` heard as `country.` shows `country.”`."""
    lead = first[:len(first) - len(first.lstrip(_OUTER_PUNCTUATION))]
    trail = last[len(last.rstrip(_OUTER_PUNCTUATION)):]
    words = list(heard)
    words[0] = lead + (words[0].lstrip(_OUTER_PUNCTUATION) or words[0])
    words[-1] = (words[-1].rstrip(_OUTER_PUNCTUATION) or words[-1]) + trail
    return words


def _published(words: Sequence[AlignedWord], differences: Sequence[Difference]) -> list[_Said]:
    """The published words in order, with confident wording differences said as they were said. Words the
    alignment has no time for that the check found said and misheard take the time of what was heard in their
    place: a quote's "I probably sound", heard "soy pie smell" (where it is not sure, what was heard is shown)."""
    starts = [w.char_start for w in words]
    replaced: dict[int, tuple[int, Difference]] = {}  # first word -> (last word, difference)
    misheard: dict[int, tuple[float, float]] = {}  # untimed words a recognition error shows where it was heard
    for d in differences:
        first, last = _words_of(words, starts, d)
        misheard |= _where_heard(words, d, first, last)
        if d.kind != WORDING:
            continue  # a recognition error (or an uncertain one) shows the published words
        if first <= last and not any(a <= last and first <= b for a, (b, _) in replaced.items()):
            replaced[first] = (last, d)
    said: list[_Said] = []
    opening: dict[int, str] = {}  # opening marks of left-out words, carried to the word after them
    k = 0
    while k < len(words):
        word = words[k]
        ends = k + 1 == len(words) or words[k + 1].sentence != word.sentence
        if k not in replaced:
            start, end = (word.start, word.end) if word.spoken else misheard.get(k, (None, None))
            said.append(_Said(opening.get(k, "") + word.text, start, end, ("p", word.sentence), ("p", word.paragraph),
                              ends, PUBLISHED, word=k,
                              heard_stop=bool(word.spoken and _HEARD_SENTENCE_END.search(word.heard or ""))))
            k += 1
            continue
        last, d = replaced[k]
        heard = d.heard.split()
        if not heard:  # left out: not shown, and no break in the cue either; its quotation marks stay
            unclosed, unopened = (marks[-1] for marks in _quotation_marks([w.text for w in words[k:last + 1]], ()))
            if unopened and said and said[-1].paragraph == ("p", word.paragraph):
                said[-1] = dataclasses.replace(said[-1], closing=said[-1].closing + "".join(unopened))
            if unclosed and last + 1 < len(words) and words[last + 1].paragraph == words[last].paragraph:
                opening[last + 1] = "".join(unclosed)
        else:
            texts = _in_punctuation(word.text, words[last].text, heard)
            ends = last + 1 == len(words) or words[last + 1].sentence != words[last].sentence
            for n, (text, (a, b)) in enumerate(zip(texts, spread(texts, d.start, max(d.start, d.end)), strict=True)):
                said.append(_Said(text, a, b, ("p", word.sentence), ("p", word.paragraph),
                                  ends and n + 1 == len(texts), HEARD, word=k))
        k = last + 1
    return said


def _where_heard(words: Sequence[AlignedWord], d: Difference, first: int, last: int
                 ) -> dict[int, tuple[float, float]]:
    """Times for the untimed words of published words first..last that a recognition error was heard in place
    of: all of them, or those before or after the timed ones ("it panicking,”" heard "its sanity,": "panicking,”"
    where "sanity," was said), spread over what was heard beside the timed words."""
    untimed = [k for k in range(first, last + 1) if words[k].start is None]
    if d.kind != RECOGNITION or not d.heard or not untimed or untimed != list(range(untimed[0], untimed[-1] + 1)):
        return {}
    start = max(d.start, words[untimed[0] - 1].end if untimed[0] > first else d.start)
    end = min(d.end, words[untimed[-1] + 1].start if untimed[-1] < last else d.end)
    if end <= start:
        return {}
    return dict(zip(untimed, spread([words[k].text for k in untimed], start, end), strict=True))


def _words_of(words: Sequence[AlignedWord], starts: list[int], d: Difference) -> tuple[int, int]:
    """The first and last of the published words (`starts`: their char_start) a difference's text overlaps;
    first > last when it overlaps none."""
    first = max(0, bisect.bisect_right(starts, d.char_start) - 1)
    while first < len(words) and words[first].char_end <= d.char_start:
        first += 1
    return first, bisect.bisect_left(starts, d.char_end) - 1


def _merge(published: list[_Said], heard: list[HeardWord]) -> list[_Said | HeardWord]:
    """Published and unscripted words in time order. Published words without times stay where they are
    in the text, just before the next timed one, so speech said in their place ("your country." for the
    unspoken "the nation.") follows the words said before it."""
    merged: list[_Said | HeardWord] = []
    untimed: list[_Said] = []
    j = 0
    for word in published:
        if word.start is None:
            untimed.append(word)
            continue
        while j < len(heard) and heard[j].start < word.start:
            merged.append(heard[j])
            j += 1
        merged += untimed + [word]
        untimed = []
    return merged + heard[j:] + untimed


def _unscripted_words(unscripted: Sequence[Unscripted], shown: list[_Said], differences: Sequence[Difference],
                      published: Sequence[AlignedWord]) -> list[HeardWord]:
    """The unscripted words not already shown: a word said where a published word is timed (a misheard
    name the aligner did not pair), or that the check heard in place of timed published words ("high Mars"
    for "HIMARS"), is that word, heard differently. Heard in place of published words with no time (shown
    nowhere), it is shown as heard."""
    char_starts = [w.char_start for w in published]

    def timed_in(d: Difference) -> bool:  # or shown where it was heard (see _published)
        first, last = _words_of(published, char_starts, d)
        return bool(_where_heard(published, d, first, last)) or any(published[k].start is not None
                                                                    for k in range(first, last + 1))

    spans = sorted([(w.start, w.end) for w in shown if w.start is not None and w.end is not None]
                   + [(d.start, d.end) for d in differences if d.published and d.heard and timed_in(d)])
    starts = [a for a, _ in spans]
    longest = max((b - a for a, b in spans), default=0.0)
    words = []
    for word in sorted((w for u in unscripted for w in u.words), key=lambda w: (w.start, w.end)):
        middle = (word.start + word.end) / 2
        k = bisect.bisect_right(starts, middle)
        covered = any(a <= middle <= b for a, b in spans[bisect.bisect_left(starts, middle - longest):k])
        if not covered:
            words.append(word)
    return words


def _placed(merged: list[_Said | HeardWord]) -> list[_Said]:
    """Each stretch of unscripted words gets its sentence and paragraph: inside a paragraph it belongs
    to that paragraph; right after a published word that does not end its sentence ("…do for" + "your
    country.") it goes on with that sentence; anywhere else it is a paragraph of its own, so it never
    shares a cue with published words of another paragraph. The recognizer's end punctuation ends its
    sentences."""
    placed: list[_Said] = []
    k = 0
    stretch = 0
    while k < len(merged):
        if isinstance(merged[k], _Said):
            placed.append(merged[k])
            k += 1
            continue
        end = k
        while end < len(merged) and isinstance(merged[end], HeardWord):
            end += 1
        before = merged[k - 1] if k and merged[k - 1].start is not None else None
        after = merged[end] if end < len(merged) and merged[end].start is not None else None
        stretch += 1
        within = before is not None and after is not None and before.paragraph == after.paragraph
        goes_on = before is not None and not before.ends_sentence and not before.heard_stop
        paragraph = before.paragraph if within or goes_on else ("u", stretch)
        sentence = before.sentence if goes_on else ("u", stretch, 0)
        closing = ""
        if goes_on and before.closing:  # said in place of left-out words: their closing marks come after it
            closing, placed[-1] = before.closing, dataclasses.replace(before, closing="")
        for n, word in enumerate(merged[k:end]):
            ends = bool(_HEARD_SENTENCE_END.search(word.text))
            if n and _CONTINUES.match(word.text) and word.start - placed[-1].end < _GLUED:  # "all" "-eating"
                piece = placed[-1]
                placed[-1] = dataclasses.replace(
                    piece, text=piece.text + word.text, end=word.end, ends_sentence=ends, heard=piece.heard + (word,),
                    closing=piece.closing or (closing if ends or k + n + 1 == end else ""))
            else:
                placed.append(_Said(word.text, word.start, word.end, sentence, paragraph, ends, UNSCRIPTED, (word,),
                                    closing if ends or k + n + 1 == end else ""))
            if ends:  # only its first sentence goes on with the published one; past it, speech of its own
                sentence, closing = ("u", stretch, n + 1), ""
                paragraph = paragraph if within else ("u", stretch)
        k = end
    return placed


def _numbered(keys: list[Hashable]) -> list[int]:
    """Numbers that change exactly where the keys change."""
    return list(itertools.accumulate((int(a != b) for a, b in itertools.pairwise(keys)), initial=0))[:len(keys)]


def caption_words(words: Sequence[AlignedWord], unscripted: Sequence[Unscripted] = (),
                  differences: Sequence[Difference] = (), options: CaptionOptions = CaptionOptions()
                  ) -> list[CaptionWord]:
    """Everything that was said, in order, as the captions show it (see the module docstring).

    `differences` come from the accuracy check; only confident wording differences change what is shown
    (recognition errors and uncertain ones show the published words). Unscripted speech is left out when
    `options.unscripted` is off. Published words that are not shown stay in the list without times.
    """
    rank = {k: n for n, k in enumerate(said_order(words))}
    said = sorted(_published(words, differences), key=lambda w: rank[w.word])  # as said, not as printed
    if options.unscripted:
        said = _placed(_merge(said, _unscripted_words(unscripted, said, differences, words)))
    sentences = _numbered([w.sentence for w in said])
    paragraphs = _numbered([w.paragraph for w in said])
    return [CaptionWord(w.text + w.closing, w.start, w.end, sentence, paragraph, w.origin, w.heard, w.word)
            for w, sentence, paragraph in zip(said, sentences, paragraphs, strict=True)]


# --- break quality --------------------------------------------------------
# Costs of breaking (a line or a cue) between two words; lower is better.
_NEVER = 1000.0  # a break that separates punctuation from its word
_SENTENCE = 0.0
_CLAUSE = 5.0  # after , ; : or a dash
_BEFORE_DASH = 15.0
_BEFORE_QUOTE = 10.0  # before an opening quote or bracket
_BEFORE_CONJUNCTION = 20.0
_BEFORE_PREPOSITION = 30.0
_PLAIN = 40.0
_WEAK_ENDING = 70.0  # "will / continue", "we / have", "have / been"
_SPLIT_PAIR = 120.0  # first+last name, number+unit, "Secretary of State"
_AFTER_FUNCTION_WORD = 150.0

# Cue-level weights: a cue break is a stronger pause than a line break.
_CUE_COST = 40.0  # per cue, so cues are filled rather than fragmented
_CUE_BREAK_WEIGHT = 2.0
_SENTENCE_SHARE = 20.0  # two whole short sentences in one cue
_SHORT_CUE = 30.0  # a cue with less room than min_duration
_CPS_WEIGHT = 2.0  # per (cps over the limit) squared
_TOP_HEAVY = 1.0  # per squared character a non-last line is longer than the mean
_BOTTOM_HEAVY = 0.4  # per squared character it is shorter: bottom-heavy is preferred

_FUNCTION_WORDS = frozenset("""
    a an the of to in on for with at by from into onto about over under between through during
    without within against among across toward towards upon than as via per and or but nor
    that which who whom whose if because while when where although though unless until whether
    our its their his her my your this these those i
""".split())
_WEAK_ENDINGS = frozenset("""
    will would can could shall should may might must we they he she you
""".split())
_CONJUNCTIONS = frozenset("""
    and but or nor yet so because that which who whom whose where when while although though
    unless until whether
""".split())
_PREPOSITIONS = frozenset("""
    of to in on for with at by from into onto about over under between through during without
    within against among across toward towards upon including
""".split())
_DASHES = frozenset({"-", "--", "–", "—"})
_CLOSING = "”\"’')]»"
_OPENING = "“\"‘'([«"
_EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")


def _core(text: str) -> str:
    """The word without surrounding punctuation ("“We’re" -> "We’re")."""
    return _EDGE_PUNCTUATION.sub("", text)


def _is_punctuation(text: str) -> bool:
    return not any(ch.isalnum() for ch in text)


def _pause_break(cost: float, left: AlignedWord | CaptionWord, right: AlignedWord | CaptionWord) -> float:
    """A break's cost where the speaker paused (align.PAUSE), a phrase boundary: no more than after a comma ("ask
    not … what your country")."""
    if cost < _NEVER and to_ms(right.start) - to_ms(left.end) >= to_ms(PAUSE):
        return min(cost, _CLAUSE)
    return cost


def _break_cost(left: str, right: str, sentence_boundary: bool) -> float:
    """How bad it is to end a line or cue after `left` and go on with `right`."""
    if _is_punctuation(right) and right not in _DASHES and not right.startswith(tuple(_OPENING)):
        return _NEVER  # never start a line with ".", "…" or a closing quote
    if left and all(ch in _OPENING for ch in left):
        return _NEVER  # never end a line with an opening quote
    if sentence_boundary:
        return _SENTENCE
    tail = left.rstrip(_CLOSING)
    if tail.endswith((",", ";", ":", "…", "...", ". .")) or tail.split(" ")[-1] in _DASHES:
        return _CLAUSE
    if right in _DASHES:
        return _BEFORE_DASH
    left_core, right_core = _core(left), _core(right)
    if tail == left and left_core.lower() in _FUNCTION_WORDS:
        return _AFTER_FUNCTION_WORD
    if tail == left and left_core[:1].isupper() and right_core[:1].isupper() and right[:1] not in _OPENING:
        return _SPLIT_PAIR  # "Antony Blinken", "New Zealand", "UN Charter"
    if tail == left and left_core[:1].isdigit() and right_core[:1].isalpha():
        return _SPLIT_PAIR  # "2 percent", "21st century"
    if tail == left and left_core[:1].isupper() and right == "of":
        return _SPLIT_PAIR  # "Secretary of State", "Bank of England"
    if tail == left and (left_core.lower() in _WEAK_ENDINGS or right_core.lower() in {"be", "been"}):
        return _WEAK_ENDING
    if right.startswith(tuple(_OPENING)):
        return _BEFORE_QUOTE
    if right_core.lower() in _CONJUNCTIONS:
        return _BEFORE_CONJUNCTION
    if right_core.lower() in _PREPOSITIONS:
        return _BEFORE_PREPOSITION
    return _PLAIN


# --- quotation marks ------------------------------------------------------
_CLOSING_MARK = {"“": "”", "«": "»", "„": "“", "‘": "’", '"': '"', "'": "'",  # the mark that closes each opening one
                 "»": "«", "”": "”"}  # German and Danish »…«, Swedish and Finnish ”…”
_OPENING_MARK = {"”": "“", "»": "«", '"': '"'}  # and the one that opens each closing one that may stand alone


def _quotation_marks(texts: Sequence[str], carried: tuple[str, ...]
                     ) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
    """Walk the quotation marks of consecutive words, starting with the `carried` ones open.

    Returns, for each word k and after the last one: the opening marks still open before word k, and the
    closing marks met before word k that had no opening mark. Marks are read as `quotes.find_quotes`
    reads them: “…”, «…», „…“ (a “ closes an open „), »…« and ”…” (each opening only before a word and when
    no quote it would close is open), "…" (a straight mark opens at the start of a
    word and closes at its end; standing alone, it closes an open one or opens one) and British ‘…’ and '…',
    whose closing mark is told from an apostrophe by an open quote and no letter after it (a straight one opens
    only before a letter: the '90s open nothing).
    """
    stack, unopened = list(carried), []
    open_before, unopened_before = [tuple(stack)], [()]
    for text in texts:
        for k, mark in enumerate(text):
            if mark not in _CLOSING_MARK and mark not in _OPENING_MARK and mark != "’":
                continue
            before = any(ch.isalnum() for ch in text[:k])
            after = any(ch.isalnum() for ch in text[k + 1:])
            top = stack[-1] if stack else None
            if mark == '"':
                if before and after:
                    continue  # inside a word: inches, a typo
                opening = after if before != after else top != '"'
            elif mark == "“":
                opening = top != "„"
            elif mark == "«":
                opening = top != "»"
            elif mark in "»”":
                opening = not before and after and top not in ("«", "“", "„", "”")
            elif mark == "‘":
                if before:
                    continue
                opening = True
            elif mark == "’":
                if top != "‘" or after:
                    continue  # an apostrophe: We’re, Russia’s
                opening = False
            elif mark == "'":
                if before == after or (after and not text[k + 1:k + 2].isalpha()) or (before and top != "'"):
                    continue  # an apostrophe: We're, the '90s, the players'
                opening = after
            else:
                opening = mark in _CLOSING_MARK
            if opening:
                stack.append(mark)
            elif stack:
                stack.pop()
            else:
                unopened.append(mark)
        open_before.append(tuple(stack))
        unopened_before.append(tuple(unopened))
    return tuple(open_before), tuple(unopened_before)


def _goes_on(carried: tuple[str, ...], words: Sequence[AlignedWord | CaptionWord]) -> bool:
    """Does a quotation still open at the end of a paragraph go on in the next one, that `words` begin: is it
    closed there, not opened again first? So verse broken into lines quotes (sonnet 2: 'This fair child of
    mine / Shall sum my count, and make my old excuse,'); in prose, a quotation that runs on into a new
    paragraph opens it again, and one never closed ends with its paragraph."""
    texts = [w.text for w in itertools.takewhile(lambda w: w.paragraph == words[0].paragraph, words)]
    if not carried or texts[0][:1] in _CLOSING_MARK:
        return False
    return any(len(stack) < len(carried) for stack in _quotation_marks(texts, carried)[0])


# --- segmentation ---------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    """Spoken words that may share cues: no paragraph change, skipped word or long pause inside."""

    indices: tuple[int, ...]  # into the caller's word list
    texts: tuple[str, ...]
    starts: tuple[int, ...]  # ms
    ends: tuple[int, ...]  # ms
    breaks: tuple[float, ...]  # cost of a break after word k (k < n - 1)
    sentence_ends: tuple[bool, ...]  # word k is the last of its sentence
    starts_sentence: bool  # the run's first word opens a sentence
    lengths: tuple[int, ...]  # lengths[k]: characters in texts[:k]
    sentence_counts: tuple[int, ...]  # sentence_counts[k]: sentence ends in texts[:k]
    open_quotes: tuple[tuple[str, ...], ...]  # open_quotes[k]: quotation marks open before word k
    unopened_quotes: tuple[tuple[str, ...], ...]  # unopened_quotes[k]: closing marks before word k with no opening

    def width(self, i: int, j: int) -> int:
        """Characters of words i..j-1 joined by single spaces."""
        return self.lengths[j] - self.lengths[i] + j - i - 1

    def inner_sentence_ends(self, i: int, j: int) -> int:
        """Sentence ends among words i..j-2, i.e. inside words i..j-1."""
        return self.sentence_counts[j - 1] - self.sentence_counts[i]

    def marks(self, i: int, j: int) -> tuple[str, str]:
        """Quotation marks a cue of words i..j-1 needs before and after its words to balance its own."""
        unopened = self.unopened_quotes[j][len(self.unopened_quotes[i]):]
        before = "".join(_OPENING_MARK[m] for m in reversed(unopened)) + "".join(self.open_quotes[i])
        after = "".join(_CLOSING_MARK[m] for m in reversed(self.open_quotes[j]))
        return before.replace("«", "« "), after.replace("»", " »")  # French marks stand apart from the words


def _captionable(word: AlignedWord | CaptionWord) -> bool:
    return word.spoken and word.start is not None and word.end is not None


def _runs(words: Sequence[AlignedWord | CaptionWord], options: CaptionOptions) -> list[_Run]:
    """Split the spoken words where a cue must end."""
    max_pause = to_ms(options.max_pause)
    groups: list[list[int]] = []
    for i, word in enumerate(words):
        if not _captionable(word):
            continue
        if groups:
            prev = groups[-1][-1]
            pause = to_ms(word.start) - to_ms(words[prev].end)
            if prev == i - 1 and word.paragraph == words[prev].paragraph and pause <= max_pause:
                groups[-1].append(i)
                continue
        groups.append([i])

    def new_sentence(i: int) -> bool:  # a sentence starts at word i
        return i == 0 or words[i].sentence != words[i - 1].sentence

    runs: list[_Run] = []
    for group in groups:
        texts = tuple(words[i].text for i in group)
        sentence_ends = tuple(i + 1 == len(words) or new_sentence(i + 1) for i in group)
        # a quotation goes on over a pause and over words not shown (their marks count), and ends with its
        # paragraph
        carried = runs[-1].open_quotes[-1] if runs else ()
        for i in range(runs[-1].indices[-1] + 1 if runs else 0, group[0] + 1):
            if i == 0 or words[i].paragraph != words[i - 1].paragraph and not _goes_on(carried, words[i:]):
                carried = ()
            if i < group[0]:
                carried = _quotation_marks([words[i].text], carried)[0][-1]
        open_quotes, unopened_quotes = _quotation_marks(texts, carried)
        runs.append(_Run(
            indices=tuple(group),
            texts=texts,
            starts=tuple(to_ms(words[i].start) for i in group),
            ends=tuple(to_ms(words[i].end) for i in group),
            breaks=tuple(_pause_break(_break_cost(a, b, sentence_ends[k]), words[group[k]], words[group[k + 1]])
                         for k, (a, b) in enumerate(itertools.pairwise(texts))),
            sentence_ends=sentence_ends,
            starts_sentence=new_sentence(group[0]),
            lengths=tuple(itertools.accumulate(map(len, texts), initial=0)),
            sentence_counts=tuple(itertools.accumulate(sentence_ends, initial=0)),
            open_quotes=open_quotes,
            unopened_quotes=unopened_quotes,
        ))
    return runs


def _layout(run: _Run, i: int, j: int, options: CaptionOptions) -> tuple[float, tuple[str, ...]] | None:
    """Best lines for words i..j-1 of a run and their cost, or None if they do not fit.

    Uses the fewest lines that fit; with several lines, no line may hold a
    sentence end inside it, and the breaks minimise break cost plus imbalance.
    Quotation marks that balance the cue go before its first word and after its last.
    """
    before, after = run.marks(i, j)

    def width(a: int, b: int) -> int:
        return run.width(a, b) + (len(before) if a == i else 0) + (len(after) if b == j else 0)

    def line(a: int, b: int) -> str:
        return (before if a == i else "") + " ".join(run.texts[a:b]) + (after if b == j else "")

    total = width(i, j)
    if total <= options.max_chars_per_line or j - i == 1:
        return 0.0, (line(i, j),)

    def fits(a: int, b: int) -> bool:  # words a..b-1 as one line of a multi-line cue
        single = b - a == 1
        return (single or width(a, b) <= options.max_chars_per_line) and not run.inner_sentence_ends(a, b)

    for n_lines in range(2, options.max_lines + 1):
        mean = (total - (n_lines - 1)) / n_lines
        # row[b]: least cost and line starts putting words i..b-1 on the lines so far
        row: dict[int, tuple[float, tuple[int, ...]]] = {i: (0.0, ())}
        for _ in range(n_lines - 1):
            next_row: dict[int, tuple[float, tuple[int, ...]]] = {}
            for a, (cost, starts) in row.items():
                for b in range(a + 1, j):
                    if not fits(a, b):
                        break  # longer lines do not fit either
                    over = width(a, b) - mean
                    step = run.breaks[b - 1] + (_TOP_HEAVY if over > 0 else _BOTTOM_HEAVY) * over**2
                    if b not in next_row or cost + step < next_row[b][0]:
                        next_row[b] = (cost + step, starts + (a,))
            row = next_row
        ends = [(cost, starts + (a,)) for a, (cost, starts) in row.items() if fits(a, j)]
        if ends:
            cost, starts = min(ends)
            bounds = starts + (j,)
            return cost, tuple(line(a, b) for a, b in itertools.pairwise(bounds))
    return None


def _cue_cost(run: _Run, i: int, j: int, options: CaptionOptions) -> tuple[float, tuple[str, ...]] | None:
    """Penalty and lines for a cue of words i..j-1 of a run, or None if not allowed."""
    single = j - i == 1
    if not single and run.ends[j - 1] - run.starts[i] > to_ms(options.max_duration):
        return None
    inner_sentence_ends = run.inner_sentence_ends(i, j)
    if inner_sentence_ends:
        # Only whole short sentences may share a cue.
        opens = run.starts_sentence if i == 0 else run.sentence_ends[i - 1]
        if not (opens and run.sentence_ends[j - 1]) or inner_sentence_ends >= options.max_lines:
            return None
    laid = _layout(run, i, j, options)
    if laid is None:
        return None
    cost, lines = laid
    cost += _CUE_COST + _SENTENCE_SHARE * inner_sentence_ends
    if j < len(run.texts):
        cost += _CUE_BREAK_WEIGHT * run.breaks[j - 1]
        room = run.starts[j] - to_ms(options.min_gap) - run.starts[i]
    else:
        room = to_ms(options.max_duration)
    # Time the cue can stay up: until just before the next word, at least its own words, at most max_duration.
    room = max(room, run.ends[j - 1] - run.starts[i], 1)
    room = min(room, max(to_ms(options.max_duration), run.ends[j - 1] - run.starts[i]))
    if room < to_ms(options.min_duration):
        cost += _SHORT_CUE
    cps = 1000 * len(" ".join(lines)) / room
    if cps > options.max_cps:
        cost += _CPS_WEIGHT * (cps - options.max_cps) ** 2
    return cost, lines


def _segment(run: _Run, options: CaptionOptions) -> list[tuple[int, int, tuple[str, ...]]]:
    """Cues (i, j, lines) covering the run with the least total penalty."""
    n = len(run.texts)
    limit = options.max_chars_per_line * options.max_lines
    best: list[tuple[float, int, tuple[str, ...]]] = [(0.0, 0, ())] + [(math.inf, 0, ())] * n
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            if j - i > 1 and (run.width(i, j) > limit or run.ends[j - 1] - run.starts[i] > to_ms(options.max_duration)):
                break  # longer cues only get worse
            scored = _cue_cost(run, i, j, options)
            if scored is not None and best[i][0] + scored[0] < best[j][0]:
                best[j] = (best[i][0] + scored[0], i, scored[1])
    cues = []
    j = n
    while j > 0:
        _, i, lines = best[j]
        cues.append((i, j, lines))
        j = i
    return cues[::-1]


# --- timing ---------------------------------------------------------------


def _retime(spans: list[tuple[int, int]], chars: list[int], options: CaptionOptions,
            media_end: int | None = None) -> list[tuple[int, int]]:
    """Cue times in ms: no overlap, `min_gap` kept, short cues lengthened where there is room
    (never past `media_end`)."""
    gap = to_ms(options.min_gap)
    times: list[list[int]] = []
    for start, end in spans:
        start = max(start, 0)
        if times:
            prev = times[-1]
            prev[1] = max(min(prev[1], start - gap), prev[0] + 1)  # trim the outgoing cue first
            start = max(start, prev[1] + gap)
        times.append([start, max(end, start + 1)])
    min_ms, max_ms = to_ms(options.min_duration), to_ms(options.max_duration)
    for k, (start, end) in enumerate(times):
        want = min(max(min_ms, math.ceil(chars[k] * 1000 / options.max_cps)), max_ms)
        if end - start < want:
            limit = (media_end if media_end is not None else start + want) if k + 1 == len(times) \
                else times[k + 1][0] - gap
            end = max(end, min(start + want, limit))
        if end - start < want:
            floor = times[k - 1][1] + gap if k else 0
            start = min(start, max(end - want, floor))
        times[k] = [start, end]
    return [(start, end) for start, end in times]


def build_cues(words: Sequence[AlignedWord | CaptionWord], options: CaptionOptions = CaptionOptions(),
               duration: float | None = None) -> list[Cue]:
    """Cues showing every spoken word of `words` (`caption_words`, or published words as they are), in order.

    `duration` of the media, when given, keeps the last cue from being lengthened past its end.
    Unspoken words (and words without times) are never shown; a cue never
    spans them, a paragraph change or a pause longer than `options.max_pause`.
    Quotation marks are balanced in every cue (see the module docstring).
    """
    pieces = []  # (first, last, lines)
    for run in _runs(words, options):
        for i, j, lines in _segment(run, options):
            pieces.append((run.indices[i], run.indices[j - 1], lines))
    spans = [(to_ms(words[first].start), to_ms(words[last].end)) for first, last, _ in pieces]
    chars = [len(" ".join(lines)) for _, _, lines in pieces]
    times = _retime(spans, chars, options, None if duration is None else to_ms(duration))
    return [Cue(start / 1000, end / 1000, lines, first, last)
            for (first, last, lines), (start, end) in zip(pieces, times, strict=True)]


# --- writers --------------------------------------------------------------


def _vtt_escape(line: str) -> str:
    """WebVTT cue text treats & and < as markup, and "-->" may not appear."""
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_webvtt(cues: Sequence[Cue]) -> str:
    """A WebVTT document for the cues."""
    blocks = ["WEBVTT\n"]
    for cue in cues:
        timing = f"{vtt_timestamp(to_ms(cue.start))} --> {vtt_timestamp(to_ms(cue.end))}"
        blocks.append("\n".join([timing, *map(_vtt_escape, cue.lines)]) + "\n")
    return "\n".join(blocks)


def to_srt(cues: Sequence[Cue]) -> str:
    """A SubRip document for the cues, numbered from 1; each block ends with a blank line, as `srt` writes."""
    blocks = []
    for number, cue in enumerate(cues, start=1):
        timing = f"{srt_timestamp(to_ms(cue.start))} --> {srt_timestamp(to_ms(cue.end))}"
        blocks.append("\n".join([str(number), timing, *cue.lines]) + "\n\n")
    return "".join(blocks)
