"""Captions from aligned words: segmentation into cues, cue timing, WebVTT and SRT.

Cues carry the published words exactly as written (joined by single spaces) and
are laid out the way a broadcast subtitler would: short lines, breaks at
sentence and clause ends, names and article+noun kept together. Choices are
made by minimising a penalty over all segmentations (dynamic programming, as in
paragraph line breaking) rather than greedily, so one awkward early break does
not force several later ones.
"""
from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .align import AlignedWord
from .timefmt import srt_timestamp, to_ms, vtt_timestamp

__all__ = ["CaptionOptions", "Cue", "build_cues", "to_webvtt", "to_srt"]


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

    def __post_init__(self) -> None:
        if self.max_chars_per_line < 1 or self.max_lines < 1:
            raise ValueError("max_chars_per_line and max_lines must be at least 1")
        if not 0 < self.min_duration <= self.max_duration:
            raise ValueError("need 0 < min_duration <= max_duration")
        if self.max_cps <= 0 or self.min_gap < 0 or self.max_pause < 0:
            raise ValueError("max_cps must be positive; min_gap and max_pause not negative")


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

    def width(self, i: int, j: int) -> int:
        """Characters of words i..j-1 joined by single spaces."""
        return self.lengths[j] - self.lengths[i] + j - i - 1

    def inner_sentence_ends(self, i: int, j: int) -> int:
        """Sentence ends among words i..j-2, i.e. inside words i..j-1."""
        return self.sentence_counts[j - 1] - self.sentence_counts[i]


def _captionable(word: AlignedWord) -> bool:
    return word.spoken and word.start is not None and word.end is not None


def _runs(words: Sequence[AlignedWord], options: CaptionOptions) -> list[_Run]:
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

    runs = []
    for group in groups:
        texts = tuple(words[i].text for i in group)
        sentence_ends = tuple(i + 1 == len(words) or new_sentence(i + 1) for i in group)
        runs.append(_Run(
            indices=tuple(group),
            texts=texts,
            starts=tuple(to_ms(words[i].start) for i in group),
            ends=tuple(to_ms(words[i].end) for i in group),
            breaks=tuple(_break_cost(a, b, sentence_ends[k]) for k, (a, b) in enumerate(itertools.pairwise(texts))),
            sentence_ends=sentence_ends,
            starts_sentence=new_sentence(group[0]),
            lengths=tuple(itertools.accumulate(map(len, texts), initial=0)),
            sentence_counts=tuple(itertools.accumulate(sentence_ends, initial=0)),
        ))
    return runs


def _layout(run: _Run, i: int, j: int, options: CaptionOptions) -> tuple[float, tuple[str, ...]] | None:
    """Best lines for words i..j-1 of a run and their cost, or None if they do not fit.

    Uses the fewest lines that fit; with several lines, no line may hold a
    sentence end inside it, and the breaks minimise break cost plus imbalance.
    """
    total = run.width(i, j)
    if total <= options.max_chars_per_line or j - i == 1:
        return 0.0, (" ".join(run.texts[i:j]),)

    def fits(a: int, b: int) -> bool:  # words a..b-1 as one line of a multi-line cue
        single = b - a == 1
        return (single or run.width(a, b) <= options.max_chars_per_line) and not run.inner_sentence_ends(a, b)

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
                    over = run.width(a, b) - mean
                    step = run.breaks[b - 1] + (_TOP_HEAVY if over > 0 else _BOTTOM_HEAVY) * over**2
                    if b not in next_row or cost + step < next_row[b][0]:
                        next_row[b] = (cost + step, starts + (a,))
            row = next_row
        ends = [(cost, starts + (a,)) for a, (cost, starts) in row.items() if fits(a, j)]
        if ends:
            cost, starts = min(ends)
            bounds = starts + (j,)
            return cost, tuple(" ".join(run.texts[a:b]) for a, b in itertools.pairwise(bounds))
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


def build_cues(words: Sequence[AlignedWord], options: CaptionOptions = CaptionOptions(),
               duration: float | None = None) -> list[Cue]:
    """Cues showing every spoken word, in order, worded exactly as published.

    `duration` of the media, when given, keeps the last cue from being lengthened past its end.
    Unspoken words (and words without times) are never shown; a cue never
    spans them, a paragraph change or a pause longer than `options.max_pause`.
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
