"""Quote clips: find a passage of the published text, cut its stretch of the broadcast cleanly, caption it.

Three steps, each a plain function: `locate` finds the passage (exact on matching keys, then tolerant),
`plan_clip` turns aligned word times into cut points that sit in the quiet between words, and
`render_clip` cuts, fades, normalizes and encodes (through `aligner.audio`) and writes the captions.
The transcript comes from the cache, so clips from a processed broadcast take well under a second each.
"""
from __future__ import annotations

import argparse
import bisect
import dataclasses
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz.distance import Indel

from .align import MATCHED, AlignedWord, Unscripted
from .decode import floor_level, runs
from .errors import AlignerError, InputError, OutputError
from .normalize import flatten, word_keys
from .report import UNCERTAIN, VERBATIM, WORDING
from .text import Document, excerpt
from .timefmt import clock, parse_time, to_ms

__all__ = ["ClipOptions", "Match", "ClipPlan", "Clip", "QuoteError", "locate", "closest_passages", "plan_clip",
           "plan_time_clip", "render_clip", "slug", "add_arguments", "command"]

_FUZZY_MIN = 0.8  # similarity (0..1, of the normalized words as text) a tolerant match needs
_SUGGEST_MIN = 0.5  # less similar passages are not worth suggesting
_FUZZY_TIE = 0.03  # tolerant matches this close to the best one are equally good: the quote is ambiguous
_MAX_SKIP = 80  # words an ellipsis may stand for
_ELLIPSIS = re.compile(r"\s*(?:…|\.\s?\.\s?\.)\s*")
_HOP = 0.005  # s between loudness measurements when looking for the quiet between words
_WINDOW = 0.010  # s of audio in each measurement
_SLACK = 0.10  # s the true edge of a word may lie beyond its aligned time
_FLOOR_SPAN = 2.0  # s either side of a word edge over which the noise floor is measured
_PAUSE_DB = 10.0  # a frame within this many dB of the noise floor (its 5th percentile) is quiet
_MIN_PAUSE = 0.08  # s of quiet that make a pause (a stop consonant's closure is shorter)
_NOT_SPEECH = 0.3  # s: sound this far from the neighbouring word (music, noise) may go into the padding
_DIP_DB = 3.0  # in connected speech, frames within this many dB of the quietest are the dip between words
_DISTANCE_DB = 20.0  # dB per s from the aligned edge that a quieter dip must beat
_SNAP_RADIUS = 0.2  # s around a requested time searched for quiet when there is no text
_SNAP_MARGIN = 0.05  # s kept from the sound on either side of such a cut
_SLUG_CHARS = 40


class QuoteError(AlignerError):
    """The quote is not in the text, is there more than once, or was never spoken."""


@dataclass(frozen=True)
class ClipOptions:
    """How a clip is cut and finished; the defaults suit speech for broadcast and podcasts."""

    padding: float = 0.15  # s of quiet kept before the first and after the last word, when there is that much
    fade: float = 0.02  # s of fade in and out, so the cut never clicks
    loudness: float | None = None  # target integrated loudness in LUFS; None keeps the broadcast's level

    def __post_init__(self) -> None:
        if not 0 <= self.padding <= 5 or not 0 <= self.fade <= 1:
            raise InputError("padding must be 0-5 s and fade 0-1 s")
        if self.loudness is not None and not -70 <= self.loudness <= 0:
            raise InputError("loudness is in LUFS, between -70 and 0 (e.g. -16 for podcasts, -23 for EBU R128)")


# --- finding the passage ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """Published words first_word..last_word (indices into Document.words) matched with this similarity."""

    first_word: int
    last_word: int
    score: float  # 1.0 when the words match exactly (ignoring case, punctuation and quote marks)


@dataclass(frozen=True)
class _Tokens:
    """The document's matching keys in a row, each with the word it came from."""

    keys: tuple[str, ...]
    owners: tuple[int, ...]
    paragraphs: tuple[int, ...]
    offsets: tuple[int, ...]  # where each key starts in `joined`, plus one past the end
    joined: str

    @classmethod
    def of(cls, document: Document) -> _Tokens:
        keys, owners = flatten((k, word.keys) for k, word in enumerate(document.words))
        offsets, position = [], 0
        for key in keys:
            offsets.append(position)
            position += len(key) + 1
        paragraphs = tuple(document.words[k].paragraph for k in owners)
        return cls(tuple(keys), tuple(owners), paragraphs, tuple(offsets + [position]), " ".join(keys))

    def text(self, i: int, j: int) -> str:
        """Keys i..j-1 joined by spaces."""
        return self.joined[self.offsets[i]:self.offsets[j] - 1]


def _query_keys(text: str) -> list[str]:
    return [key for token in text.split() for key in word_keys(token)]


def _exact(tokens: _Tokens, query: list[str]) -> list[tuple[int, int, float]]:
    n = len(query)
    return [(i, i + n, 1.0) for i in range(len(tokens.keys) - n + 1)
            if tokens.keys[i] == query[0] and list(tokens.keys[i:i + n]) == query]


def _fuzzy(tokens: _Tokens, query: list[str], minimum: float) -> list[tuple[int, int, float]]:
    """Non-overlapping windows of about the query's length within a paragraph, best first, scored as
    text so that both spelling ("defence") and wording ("we are" for "we're") differences cost a little."""
    text, n = " ".join(query), len(query)
    spread = max(1, n // 5)
    best: dict[int, tuple[float, int]] = {}
    for i in range(len(tokens.keys)):
        for length in range(max(1, n - spread), n + spread + 1):
            if i + length > len(tokens.keys) or tokens.paragraphs[i + length - 1] != tokens.paragraphs[i]:
                break
            score = Indel.normalized_similarity(text, tokens.text(i, i + length), score_cutoff=minimum)
            score -= 0.001 * abs(length - n)  # equal scores: the window of the query's own length
            if score >= minimum and score > best.get(i, (0.0, 0))[0]:
                best[i] = (score, i + length)
    found: list[tuple[int, int, float]] = []
    for i, (score, j) in sorted(best.items(), key=lambda item: -item[1][0]):
        if all(j <= a or i >= b for a, b, _ in found):
            found.append((i, j, score))
    return found


def _chain(parts: list[list[tuple[int, int, float]]]) -> list[tuple[int, int, float]]:
    """Passages made of one candidate per part, in order, each starting soon after the one before
    (an ellipsis stands for at most `_MAX_SKIP` words)."""
    chains = []
    for first in parts[0]:
        start, end, score = first
        for candidates in parts[1:]:
            following = [c for c in candidates if end <= c[0] <= end + _MAX_SKIP]
            if not following:
                break
            nearest = min(following, key=lambda c: c[0])
            end, score = nearest[1], min(score, nearest[2])
        else:
            chains.append((start, end, score))
    return chains


def locate(document: Document, quote: str) -> list[Match]:
    """Every passage of the text that `quote` stands for, in text order: exact matches of the normalized
    words if there are any (case, punctuation and curly quotes do not matter), else the closest tolerant
    matches. `…` or `...` in the quote stands for skipped words. Empty when nothing is close enough."""
    parts = [keys for keys in map(_query_keys, _ELLIPSIS.split(quote)) if keys]
    if not parts:
        raise InputError(f"the quote {quote!r} has no words to look for")
    tokens = _Tokens.of(document)
    found = _chain([_exact(tokens, part) for part in parts])
    if not found:
        found = _chain([_exact(tokens, part) or _fuzzy(tokens, part, _FUZZY_MIN) for part in parts])
        if found:
            best = max(score for _, _, score in found)
            found = [item for item in found if item[2] >= best - _FUZZY_TIE]
    return [Match(tokens.owners[i], tokens.owners[j - 1], score) for i, j, score in sorted(found)]


def closest_passages(document: Document, quote: str, count: int = 3) -> list[Match]:
    """The passages most like the quote, best first: suggestions for a quote that was not found."""
    query = _query_keys(_ELLIPSIS.sub(" ", quote))
    if not query:
        return []
    tokens = _Tokens.of(document)
    return [Match(tokens.owners[i], tokens.owners[j - 1], score)
            for i, j, score in _fuzzy(tokens, query, _SUGGEST_MIN)[:count]]


# --- where to cut -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClipPlan:
    """Where a clip is cut from the recording, and what it shows in its captions."""

    start: float  # s, the cut
    end: float
    speech_start: float  # s, where the first word's sound begins (start plus the padding that fit)
    speech_end: float  # s, where the last word's sound ends
    first_word: int | None  # published words captioned (indices into Alignment.words), None if none
    last_word: int | None


@dataclass(frozen=True)
class _Span:
    """Speech the recognizer heard: a published word (with its index) or an unscripted word."""

    start: float
    end: float
    word: int | None

    @property
    def middle(self) -> float:
        return (self.start + self.end) / 2


def _spans(words: Sequence[AlignedWord], heard: Sequence) -> list[_Span]:
    """Published words with times, plus heard words outside them (speech that was never published),
    in time order: the neighbours a cut must keep out."""
    spans = [_Span(w.start, w.end, k) for k, w in enumerate(words)
             if w.spoken and w.start is not None and w.end is not None]
    starts = [s.start for s in spans]
    for h in heard:
        middle = (h.start + h.end) / 2
        k = bisect.bisect_right(starts, middle) - 1
        if not (k >= 0 and spans[k].start <= middle <= spans[k].end):
            spans.append(_Span(h.start, h.end, None))
    return sorted(spans, key=lambda s: (s.start, s.end))


def _levels(samples: np.ndarray, rate: int, offset: float) -> tuple[np.ndarray, np.ndarray]:
    """Loudness in dBFS of `_WINDOW` s of audio every `_HOP` s, and the times (s) they are centred on."""
    hop, width = max(1, round(_HOP * rate)), max(1, round(_WINDOW * rate))
    power = np.concatenate([[0.0], np.cumsum(samples.astype(np.float64) ** 2)])
    centres = np.arange(0, len(samples), hop)
    lo, hi = np.maximum(centres - width // 2, 0), np.minimum(centres + width // 2, len(samples))
    mean = (power[hi] - power[lo]) / np.maximum(hi - lo, 1)
    return 10 * np.log10(mean + 1e-12), offset + centres / rate


def _quiet(sound, lo: float, hi: float, near: float, bounds: tuple[float, float]) -> tuple[float, float]:
    """The quiet between two words: (end of the sound before, start of the sound after), in s.

    A pause (at least `_MIN_PAUSE` s within `_PAUSE_DB` of the local noise floor) that reaches between
    `bounds`, the middles of the two words, is taken first, the one nearest `near` (the aligned edge of
    the quote's word): recognizer times can be off by a few hundred milliseconds, a pause is not. In
    connected speech there is none, and the cut goes to the quietest moment between `lo` and `hi`
    (near the aligned edge), widened to the frames within `_DIP_DB` of it.
    """
    first, last = max(0.0, min(bounds[0], near - _FLOOR_SPAN)), min(sound.duration, max(bounds[1], near + _FLOOR_SPAN))
    samples = sound.mono(first, last)
    if len(samples) < 2:
        return near, near
    level, times = _levels(samples, sound.rate, first)
    pauses = [(a, b) for a, b in runs(level <= floor_level(level, 5) + _PAUSE_DB)
              if times[b] - times[a] >= _MIN_PAUSE and times[b] >= bounds[0] and times[a] <= bounds[1]]
    if pauses:
        a, b = min(pauses, key=lambda run: max(times[run[0]] - near, near - times[run[1]], 0.0))
        return float(times[a]), float(times[b])
    inside = np.flatnonzero((times >= lo) & (times <= hi) & (times >= bounds[0]) & (times <= bounds[1]))
    if not len(inside):
        return near, near
    cost = level[inside] + _DISTANCE_DB * np.abs(times[inside] - near)
    valley = inside[np.argmin(cost)]
    run = next(run for run in runs(level <= level[valley] + _DIP_DB) if run[0] <= valley <= run[1])
    a, b = max(run[0], inside[0]), min(run[1], inside[-1])
    return float(times[a]), float(times[b])


def _gap_before(sound, spans: list[_Span], k: int) -> tuple[float, float]:
    """The pause before span k: (end of the previous speech, start of span k's sound)."""
    word = spans[k]
    previous = spans[k - 1] if k else None
    before = previous.end if previous else 0.0
    lo = max(min(before, word.start) - _SLACK, previous.middle if previous else 0.0)
    hi = min(word.start + _SLACK, word.middle)
    offset, onset = _quiet(sound, lo, hi, word.start, (previous.middle if previous else 0.0, word.middle))
    return min(offset, before + _NOT_SPEECH), onset  # sound long after the last word (music) is not speech


def _gap_after(sound, spans: list[_Span], k: int) -> tuple[float, float]:
    """The pause after span k: (end of span k's sound, start of the next speech)."""
    word = spans[k]
    following = spans[k + 1] if k + 1 < len(spans) else None
    after = following.start if following else sound.duration
    lo = max(word.end - _SLACK, word.middle)
    hi = min(max(after, word.end) + _SLACK, following.middle if following else sound.duration)
    offset, onset = _quiet(sound, lo, hi, word.end, (word.middle, following.middle if following else sound.duration))
    return offset, max(onset, after - _NOT_SPEECH)


def _padded_start(gap: tuple[float, float], padding: float) -> float:
    """Padding before the sound, but never more than half the pause: the other half is the neighbour's."""
    offset, onset = gap
    return max(onset - padding, (offset + onset) / 2)


def _padded_end(gap: tuple[float, float], padding: float) -> float:
    offset, onset = gap
    return min(offset + padding, (offset + onset) / 2)


def _span_range(spans: list[_Span], first_word: int, last_word: int) -> tuple[int, int]:
    ks = [k for k, s in enumerate(spans) if s.word is not None and first_word <= s.word <= last_word]
    if not ks:
        raise QuoteError("that passage was never spoken in the recording")
    return ks[0], ks[-1]


def plan_clip(sound, words: Sequence[AlignedWord], heard: Sequence, first_word: int, last_word: int,
              padding: float = 0.15) -> ClipPlan:
    """Cut points for published words first_word..last_word: in the quiet before the first word's sound
    and after the last one's, with up to `padding` s of that quiet kept."""
    spans = _spans(words, heard)
    k0, k1 = _span_range(spans, first_word, last_word)
    before, after = _gap_before(sound, spans, k0), _gap_after(sound, spans, k1)
    return ClipPlan(round(_padded_start(before, padding), 3), round(_padded_end(after, padding), 3),
                    round(before[1], 3), round(after[0], 3), spans[k0].word, spans[k1].word)


def _snap(sound, time: float) -> float:
    """The quiet nearest a time, within `_SNAP_RADIUS`: a time in a pause stays, a time in speech moves
    into the nearest pause (a little way in from its edges) or else to the dip between two words."""
    if not 0 < time < sound.duration:
        return round(min(max(time, 0.0), sound.duration), 3)
    offset, onset = _quiet(sound, time - _SNAP_RADIUS, time + _SNAP_RADIUS, time,
                           (time - _SNAP_RADIUS, time + _SNAP_RADIUS))
    margin = min(_SNAP_MARGIN, (onset - offset) / 2)
    snapped = min(max(time, offset + margin), onset - margin)
    return round(min(max(snapped, 0.0), sound.duration), 3)


def plan_time_clip(sound, start: float, end: float, words: Sequence[AlignedWord] | None = None,
                   heard: Sequence = (), padding: float = 0.15) -> ClipPlan:
    """Cut points for a time range. A requested time inside a word moves to the pause before that word
    if most of the word is inside the range, else to the pause after it; a time in a pause stays. Without
    word times (no text), each time moves to the quietest moment near it."""
    if words is None:
        start, end = _snap(sound, start), _snap(sound, end)
        return ClipPlan(start, end, start, end, None, None)
    spans = _spans(words, heard)
    inside = [k for k, s in enumerate(spans) if start <= s.middle <= end]
    if not inside:
        return ClipPlan(start, end, start, end, None, None)
    before, after = _gap_before(sound, spans, inside[0]), _gap_after(sound, spans, inside[-1])
    cut_start = start if before[0] <= start <= before[1] else _padded_start(before, padding)
    cut_end = end if after[0] <= end <= after[1] else _padded_end(after, padding)
    published = [spans[k].word for k in inside if spans[k].word is not None]
    return ClipPlan(round(cut_start, 3), round(cut_end, 3), round(before[1], 3), round(after[0], 3),
                    published[0] if published else None, published[-1] if published else None)


# --- making the files ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clip:
    """A finished clip: the audio file's bytes and its captions (None without a published text)."""

    plan: ClipPlan
    audio: bytes
    captions: str | None
    loudness: float | None  # LUFS reached, when normalized


def render_clip(sound, plan: ClipPlan, words: Sequence[AlignedWord] | None, form, options: ClipOptions,
                differences: Sequence = (), unscripted: Sequence[Unscripted] = ()) -> Clip:
    """Cut, fade, normalize and encode the clip; caption what was said in it, timed from the clip's start:
    its published words, the spoken ones where the check (`differences`) is confident other words were
    said, and `unscripted` speech inside the cut."""
    from . import audio
    from .captions import CaptionOptions, build_cues, caption_words, to_webvtt

    piece = audio.cut(sound, plan.start, plan.end, options.fade, options.fade)
    reached = None
    if options.loudness is not None:
        piece = audio.normalize_loudness(piece, options.loudness)
        reached = round(audio.loudness(piece), 1)
    captions = None
    if words is not None:  # with no published word in the cut (speech the text does not follow), unscripted only
        duration = len(piece) / 1000
        inside, changed = [], []
        if plan.first_word is not None:
            last = plan.last_word  # and the sentence's words after it that were not said: what was said instead
            while (last + 1 < len(words) and not words[last + 1].spoken
                   and words[last + 1].sentence == words[last].sentence):
                last += 1
            inside = words[plan.first_word:last + 1]
            changed = [d for d in differences
                       if inside[0].char_start <= d.char_start and d.char_end <= inside[-1].char_end]
        heard = [dataclasses.replace(u, words=tuple(w for w in u.words
                                                    if plan.start <= (w.start + w.end) / 2 <= plan.end))
                 for u in unscripted]
        shifted = [dataclasses.replace(w, start=min(max(w.start - plan.start, 0.0), duration),
                                       end=min(max(w.end - plan.start, 0.0), duration))
                   if w.start is not None and w.end is not None else w
                   for w in caption_words(inside, heard, changed)]
        captions = to_webvtt(build_cues(shifted, CaptionOptions(), duration))
    return Clip(plan, audio.encode(piece, form), captions, reached)


def slug(text: str) -> str:
    """A safe file name stem from the first words of a text: lowercase ASCII letters, digits and
    hyphens only (no path separators, no leading dot), at most `_SLUG_CHARS` characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = [re.sub(r"[^a-z0-9]", "", key) for key in _query_keys(ascii_text)]
    stem = ""
    for word in filter(None, words):
        longer = f"{stem}-{word}" if stem else word
        if len(longer) > _SLUG_CHARS:
            break
        stem = longer
    return stem or (words[0][:_SLUG_CHARS] if words and words[0] else "clip")


# --- command line -------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from .audio import FORMATS

    parser.usage = ('%(prog)s AUDIO TEXT "QUOTE" [-o FILE] | AUDIO TEXT --quotes [-o DIR] | '
                    "AUDIO [TEXT] --start T --end T [-o FILE]")
    parser.add_argument("audio", type=Path, help="the broadcast recording")
    parser.add_argument("text", type=Path, nargs="?",
                        help="the published text (plain text or an HTML page, any encoding)")
    parser.add_argument("quote", nargs="?", help="words of the text to cut; … or ... stands for skipped words")
    parser.add_argument("--quotes", action="store_true",
                        help="one clip per quoted passage of the text, with an index quotes.json")
    parser.add_argument("--start", help="cut by time: start, in seconds or m:ss.xx")
    parser.add_argument("--end", help="cut by time: end, in seconds or m:ss.xx")
    parser.add_argument("-o", "--output", type=Path,
                        help=f"the clip file ({', '.join(FORMATS)}) or, with --quotes, a folder (default: clips)")
    parser.add_argument("--format", default="wav", choices=[s.lstrip(".") for s in FORMATS],
                        help="format of clips named for you (--quotes, or no -o FILE); default: wav")
    parser.add_argument("--occurrence", type=int, metavar="N", help="which match to cut when the quote occurs "
                                                                     "more than once (1 is the first)")
    parser.add_argument("--padding", type=float, default=ClipOptions.padding,
                        help="seconds of quiet kept around the speech, at most half the pause to the next "
                             f"words (default: {ClipOptions.padding})")
    parser.add_argument("--fade", type=float, default=ClipOptions.fade,
                        help=f"seconds of fade in and out (default: {ClipOptions.fade})")
    parser.add_argument("--loudness", type=float, metavar="LUFS",
                        help="normalize to this integrated loudness (EBU R128), peaks limited to -1 dBFS; "
                             "e.g. -16 for podcasts, -23 for broadcast")
    # Every command replaces its outputs once it has succeeded (aligner/files.py), so there is nothing to force;
    # the option stays accepted for scripts written when clip alone refused to overwrite.
    parser.add_argument("--force", action="store_true", help=argparse.SUPPRESS)


def _published(document: Document, match: Match) -> str:
    words = document.words
    return document.text[words[match.first_word].char_start:words[match.last_word].char_end]


def _when(words: Sequence[AlignedWord], match: Match) -> str:
    timed = [w for w in words[match.first_word:match.last_word + 1] if w.spoken and w.start is not None]
    if not timed:
        return "never spoken".ljust(21)
    return f"{clock(to_ms(timed[0].start))}-{clock(to_ms(timed[-1].end))}".ljust(21)


def _choose(aligned, quote: str, occurrence: int | None, text_path: Path) -> Match:
    """The one match the user means, or QuoteError after listing the candidates on stdout."""
    document, words = aligned.document, aligned.alignment.words
    matches = locate(document, quote)
    spoken = [m for m in matches if any(w.spoken for w in words[m.first_word:m.last_word + 1])]
    if matches and not spoken:
        raise QuoteError(f"{excerpt(quote, 60)!r} is in {text_path} but was never spoken in the recording "
                         "(a page line such as a headline or a photo caption?)")
    matches = spoken
    if not matches:
        suggestions = closest_passages(document, quote)
        if suggestions:
            print(f"closest passages in {text_path}:")
            for match in suggestions:
                print(f"  {_when(words, match)}  {excerpt(_published(document, match), 72)}")
        raise QuoteError(f"quote not found in {text_path}: {excerpt(quote, 60)!r}"
                         + ("; the closest passages are listed above" if suggestions else ""))
    if occurrence is not None:
        if not 1 <= occurrence <= len(matches):
            raise QuoteError(f"--occurrence {occurrence}: the quote occurs {len(matches)} time(s) in {text_path}")
        return matches[occurrence - 1]
    if len(matches) > 1:
        print(f"{excerpt(quote, 60)!r} occurs {len(matches)} times in {text_path}:")
        for number, match in enumerate(matches, start=1):
            print(f"  {number}  {_when(words, match)}  {excerpt(_published(document, match), 72)}")
        raise QuoteError(f"the quote occurs {len(matches)} times; choose one with --occurrence N (listed above)")
    return matches[0]


def _time(value: str, name: str) -> float:
    try:
        return parse_time(value)
    except ValueError as error:
        raise InputError(f"{name}: {error}") from None


def _check_mode(args: argparse.Namespace) -> str:
    modes = [args.quote is not None, args.quotes, args.start is not None or args.end is not None]
    if sum(modes) != 1:
        raise InputError('give one of "QUOTE", --quotes, or --start and --end')
    if modes[2] and (args.start is None or args.end is None):
        raise InputError("cutting by time needs both --start and --end")
    if not modes[2] and args.text is None:
        raise InputError("give the published TEXT after AUDIO to cut quotes")
    if args.occurrence is not None and not modes[0]:
        raise InputError("--occurrence chooses among the matches of a QUOTE")
    return ("quote", "quotes", "time")[modes.index(True)]


def _check_quote(quote: str, text_path: Path) -> None:
    """Refuse, before any recognition, a quote that cannot be in the text."""
    from .text import read_text

    controls = sorted({c for c in quote if unicodedata.category(c) == "Cc" and c not in "\t\n\r"})
    if controls:
        raise InputError(f"the quote contains control characters ({', '.join(map(repr, controls))}); "
                         "give its words as plain text")
    words = _query_keys(_ELLIPSIS.sub(" ", quote))
    if not words:
        raise InputError(f"the quote {excerpt(quote, 60)!r} has no words to look for")
    in_text = sum(len(word.keys) for word in read_text(text_path).words)
    if len(words) > in_text:
        raise InputError(f"the quote has {len(words)} words, more than the whole of {text_path} ({in_text})")


def _single_output(args: argparse.Namespace, stem: str):
    """The clip's path and format: -o FILE by its suffix, -o DIR or nothing for a name made from `stem`."""
    from .audio import FORMATS, output_format

    named = args.output
    if named is None or named.is_dir():
        path = (named or Path(".")) / f"{stem}.{args.format}"
        return path, FORMATS[path.suffix]
    return named, output_format(named)


def _inputs(args: argparse.Namespace) -> list[Path]:
    return [args.audio] + ([args.text] if args.text else [])


def _stage(outputs, path: Path, clip: Clip) -> None:
    """The clip and its captions, put in place with the command's other outputs when it succeeds."""
    outputs.add(path, clip.audio)
    if clip.captions is not None:
        outputs.add(path.with_suffix(".vtt"), clip.captions)


def _describe(path: Path, clip: Clip, text: str | None) -> str:
    plan = clip.plan
    line = (f"{path}  {clock(to_ms(plan.start))}-{clock(to_ms(plan.end))}  {plan.end - plan.start:5.2f} s"
            + (f"  {clip.loudness:.1f} LUFS" if clip.loudness is not None else ""))
    return line + (f"  {excerpt(text, 50)}" if text else "")


def _span(args, sound) -> tuple[float, float]:
    """--start and --end in seconds, or InputError if they are not a stretch of the audio."""
    start, end = _time(args.start, "--start"), _time(args.end, "--end")
    if not 0 <= start < end:
        raise InputError(f"--start {args.start} must come before --end {args.end}")
    length = f"{args.audio} is {clock(to_ms(sound.duration))} long ({sound.duration:.2f} s)"
    if start >= sound.duration:
        raise InputError(f"--start {args.start} is past the end of the audio: {length}")
    if to_ms(end) > to_ms(sound.duration):
        raise InputError(f"--end {args.end} is past the end of the audio: {length}")
    return start, end


def _clip_time(args, sound, aligned, finish: ClipOptions) -> None:
    from .files import Outputs

    start, end = _span(args, sound)
    words = aligned.alignment.words if aligned else None
    heard = aligned.transcript.words if aligned else ()
    plan = plan_time_clip(sound, start, min(end, sound.duration), words, heard, finish.padding)
    path, form = _single_output(args, f"clip-{plan.start:.2f}-{plan.end:.2f}")
    clip = render_clip(sound, plan, words, form, finish, (), aligned.alignment.unscripted if aligned else ())
    with Outputs(_inputs(args)) as outputs:
        _stage(outputs, path, clip)
    print(_describe(path, clip, None) + ("" if aligned else "  (no TEXT given, so no captions)"))


# --- verdicts: was the passage said as published? -------------------------------------------------------
def _passage_verdict(aligned, report, match: Match):
    """The check's verdict on the published words of `match`: its own when the passage is one of its quotes,
    else the same rule applied to the passage."""
    from .check import passage_verdict
    from .quotes import Quote

    words = aligned.alignment.words
    inside = list(range(match.first_word, match.last_word + 1))
    for quote in report.quotes:
        if _words_of(words, quote) == inside:
            return quote
    passage = Quote(_published(aligned.document, match), words[match.first_word].char_start,
                    words[match.last_word].char_end, match.first_word, match.last_word)
    return passage_verdict(aligned, report.differences, passage)


def _words_of(words: Sequence[AlignedWord], quote) -> list[int]:
    """The published words a quote verdict covers."""
    return [k for k, w in enumerate(words) if w.char_end > quote.char_start and w.char_start < quote.char_end]


def _heard_as_published(alignment, match: Match) -> bool:
    """Every word of the passage heard exactly as published, and nothing else said among them: verbatim
    with no need to run the check, which finds differences only where the words differ (and takes
    seconds: the model scores each difference)."""
    words = alignment.words[match.first_word:match.last_word + 1]
    if not all(w.status == MATCHED for w in words):
        return False
    start, end = words[0].start, words[-1].end
    return not any(start < (h.start + h.end) / 2 < end for u in alignment.unscripted for h in u.words)


def _said_in_place(alignment, differences: Sequence, match: Match) -> float | None:
    """When the passage's last words were not said as published, the end of what was said in their place:
    the words said differently, or speech going on with the passage's sentence ("…do for" + "your
    country." for "the nation."), so that the clip holds it. None when the passage ends as published."""
    from .captions import PUBLISHED, UNSCRIPTED, caption_words

    said = caption_words(alignment.words, alignment.unscripted, differences)
    ours = [c for c, w in enumerate(said) if w.spoken and w.word is not None
            and match.first_word <= w.word <= match.last_word]
    if not ours or (said[ours[-1]].origin == PUBLISHED and said[ours[-1]].word == match.last_word
                    and alignment.words[match.last_word].start is not None):
        return None  # a last word without a time of its own is shown where it was heard (misheard), and held
    last = ours[-1]
    while (last + 1 < len(said) and said[last + 1].origin == UNSCRIPTED
           and said[last + 1].sentence == said[last].sentence):
        last += 1
    return said[last].end


def _said_first(words: Sequence[AlignedWord], differences: Sequence, match: Match) -> float | None:
    """When the passage's first word has no time of its own but the check found what was said in its place (a
    quote's opening misheard beyond the alignment's pairing: "I probably sound" heard "soy pie smell"), where
    that was said. None otherwise."""
    first = words[match.first_word]
    if first.start is not None:
        return None
    return min((d.start for d in differences if d.heard and d.char_start <= first.char_start < d.char_end),
               default=None)


def _plan_quote(sound, aligned, differences: Sequence, match: Match, padding: float) -> ClipPlan:
    """Cut points for a quoted passage, holding what was said in place of its first or last words if they were
    not said as published."""
    words, heard = aligned.alignment.words, aligned.transcript.words
    plan = plan_clip(sound, words, heard, match.first_word, match.last_word, padding)
    since = _said_first(words, differences, match)
    until = _said_in_place(aligned.alignment, differences, match) if differences else None
    if since is not None and since < plan.speech_start - 0.05:
        wider = plan_time_clip(sound, since, plan.end, words, heard, padding)
        plan = dataclasses.replace(plan, start=wider.start, speech_start=wider.speech_start)
    if until is not None and until > plan.speech_end + 0.05:
        wider = plan_time_clip(sound, plan.start, until, words, heard, padding)
        plan = dataclasses.replace(plan, end=wider.end, speech_end=wider.speech_end)
    return plan


def _difference_json(d) -> dict:
    return {"published": d.published, "heard": d.heard, "start": d.start, "end": d.end, "kind": d.kind}


def _changes(differences: Sequence) -> str:
    """What was said differently, for the terminal: the differences that make a passage not verbatim or
    uncertain (recognition errors are the recognizer's, not the speaker's)."""
    parts = []
    for d in differences:
        if d.kind not in (WORDING, UNCERTAIN):
            continue
        published = d.bare_published
        change = (f"said {d.heard!r} for {published!r}" if d.heard and published else
                  f"{published!r} not said" if published else f"{d.heard!r} said, not published")
        parts.append(f"{change} at {clock(to_ms(d.start))}" + (" (uncertain: listen)" if d.kind == UNCERTAIN else ""))
    return "; ".join(parts)


def _clip_quote(args, sound, aligned, finish: ClipOptions, options) -> None:
    from .check import check
    from .files import Outputs

    match = _choose(aligned, args.quote, args.occurrence, args.text)
    words = aligned.alignment.words
    plan_clip(sound, words, aligned.transcript.words, match.first_word, match.last_word)  # never spoken: refused
    text = _published(aligned.document, match)
    path, form = _single_output(args, slug(text))
    if _heard_as_published(aligned.alignment, match):
        verdict, differences, changed = VERBATIM, (), ()
    else:
        report = check(aligned, transcribe_options=options)
        judged = _passage_verdict(aligned, report, match)
        verdict, differences, changed = judged.verdict, judged.differences, report.differences
    plan = _plan_quote(sound, aligned, changed, match, finish.padding)
    clip = render_clip(sound, plan, words, form, finish, changed, aligned.alignment.unscripted)
    with Outputs(_inputs(args)) as outputs:
        _stage(outputs, path, clip)
    print(_describe(path, clip, text) + ("" if match.score == 1.0 else f"  (closest match, {match.score:.0%})"))
    if verdict != VERBATIM:
        print(f"{verdict.upper()}: this passage was not said as published"
              + (" (listen before quoting)" if verdict == UNCERTAIN else "") + f"; {_changes(differences)}")


def _clip_quotes(args, sound, aligned, finish: ClipOptions, options) -> None:
    from .check import check
    from .files import Outputs

    folder = args.output or Path("clips")
    report = check(aligned, transcribe_options=options)
    quotes = report.quotes
    if not quotes:
        raise QuoteError(f"{args.text} has no quoted passages (text in “…” or \"…\")")
    names = [f"{n:02d}-{slug(q.text)}.{args.format}" for n, q in enumerate(quotes, start=1)]
    index: list[dict] = []
    done: list[str] = []
    with Outputs(_inputs(args)) as outputs:  # every clip and the index appear together, or none does
        _stage_quotes(outputs, folder, sound, aligned, report, names, finish, index, done)
    print("\n".join(done))
    print(f"wrote {len(index)} clip{'' if len(index) == 1 else 's'} and {folder / 'quotes.json'}")


def _stage_quotes(outputs, folder: Path, sound, aligned, report, names: list[str], finish: ClipOptions,
                  index: list[dict], done: list[str]) -> None:
    """One clip per quote with its verdict, and the index quotes.json, staged in `outputs`."""
    from .audio import FORMATS

    words = aligned.alignment.words
    for number, (quote, name) in enumerate(zip(report.quotes, names, strict=True), start=1):
        inside = _words_of(words, quote)
        try:
            plan = _plan_quote(sound, aligned, report.differences, Match(inside[0], inside[-1], 1.0), finish.padding)
        except QuoteError:
            if quote.start is None:
                done.append(f"skipped, never spoken: {excerpt(quote.text, 60)}")
                continue
            # heard out of the order of the text (check._heard_elsewhere): cut where it was heard
            plan = plan_time_clip(sound, quote.start, quote.end, words, aligned.transcript.words, finish.padding)
        clip = render_clip(sound, plan, words, FORMATS[Path(name).suffix], finish, report.differences,
                           aligned.alignment.unscripted)
        _stage(outputs, folder / name, clip)
        verdict = quote.verdict
        done.append(_describe(folder / name, clip, quote.text)
                    + ("" if verdict == VERBATIM else f"  {verdict.upper()}: {_changes(quote.differences)}"))
        index.append({"number": number, "text": quote.text, "start": plan.start, "end": plan.end,
                      "speech_start": plan.speech_start, "speech_end": plan.speech_end, "file": name,
                      "captions": Path(name).with_suffix(".vtt").name, "loudness": clip.loudness,
                      "verdict": verdict, "verbatim": verdict == VERBATIM,
                      "differences": [_difference_json(d) for d in quote.differences]})
    outputs.add(folder / "quotes.json", json.dumps(index, indent=1, ensure_ascii=False))


def command(args: argparse.Namespace, options) -> int:
    """`aligner clip`: one quote, every quote, or a time range, each with a .vtt beside it."""
    from .audio import output_format, read_sound
    from .files import ensure_writable
    from .pipeline import align_files

    mode = _check_mode(args)
    finish = ClipOptions(args.padding, args.fade, args.loudness)
    if mode != "quotes" and args.output is not None and not args.output.is_dir():
        output_format(args.output)  # a wrong suffix is refused before any work
    if mode == "quotes" or (args.output is not None and args.output.is_dir()):
        folder = args.output or Path("clips")
        if folder.exists() and not folder.is_dir():
            raise OutputError(f"output folder {folder} is a file")
        ensure_writable(folder / "quotes.json")
    else:
        ensure_writable(args.output or Path("clip.wav"), inputs=_inputs(args))
    if mode == "quote":
        _check_quote(args.quote, args.text)
    sound = read_sound(args.audio)
    if mode == "time":
        _span(args, sound)  # refused before the recognizer runs
    aligned = align_files(args.audio, args.text, options, use_cache=not args.no_cache) if args.text else None
    if mode == "time":
        _clip_time(args, sound, aligned, finish)
    else:  # quotes get the accuracy check's verdict, which needs the recognizer's options
        (_clip_quote if mode == "quote" else _clip_quotes)(args, sound, aligned, finish, options)
    return 0
