"""Precise word times for stretches that were really spoken, from the phonetic forced aligner.

Whisper's word times are coarse (tens of milliseconds late or early, edges glued to the next word across a
pause). A forced aligner is far more precise when it is told exactly what was said, and fails when it is
not. The alignment already knows which published words were heard and roughly where, so refinement
only re-times runs of spoken words whose ends are confident anchors (matched or substituted words), in
windows that end in the quiet between words or at other speech, never across unscripted speech or
unspoken text. A window whose result disagrees wholesale with the coarse times (wrong text, music, a
failure) or puts a word in the quiet is read once more with less quiet around it; where that reading
disagrees too, the window keeps its coarse times, and where it puts a word in the quiet again, that word and
its neighbours do: refinement never takes a time away from a spoken word.
"""
from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import decode, phonetic
from .align import INTERPOLATED, MATCHED, SUBSTITUTED, AlignedWord, Alignment, said_order, spread
from .files import file_sha256, write_atomic
from .transcribe import cache_dir

__all__ = ["RefineStats", "refine", "refine_with_stats"]

log = logging.getLogger(__name__)

_CACHE_VERSION = 22  # bump when refinement changes what it produces
_ANCHORS = (MATCHED, SUBSTITUTED)
_MAX_WINDOW = 12.0  # seconds of speech per forced alignment; longer runs are cut at their widest pauses
_MARGIN = 0.5  # seconds of audio allowed beyond a window's coarse edges (Whisper's edges are rarely further off)
_PAUSE = 0.15  # s between coarse word times: a cut there falls in the quiet between words
_DISAGREE = 0.5  # s a refined start may sit from its coarse start before it counts as a disagreement
_MAX_DISAGREEING = 0.25  # share of a window's words that may disagree before the window is rejected
# Where the aligner's boundaries sit against the true edges of the sound, in s (added to its times): an onset
# after silence and the end of a word before silence. Fitted (medians of the signed errors, rounded to 5 ms) by
# `python scripts/bench_timing.py --calibrate` on the calibration broadcasts of scripts/make_timing_broadcasts.py
# --calibration, which no test and no benchmark row uses. The onset shift is about half the aligner's 25.6 ms
# analysis window, which hears a sound early. A boundary between two words said without a pause stays where the
# aligner puts it: there it is -2 ms (starts) and -5 ms (ends) from espeak-ng's word events, which place it
# where the Montreal Forced Aligner does on real speech. (Fitted to all joins, it was +40 ms: hibari's duration
# grid, the narrator's truth, puts the boundary about 50 ms later than both.)
_ONSET_SHIFT = 0.020
_RELEASE_SHIFT = -0.015
_SOUND_DB = 8.0  # a frame this much louder than the silence beside a word is sound (see _sound_edge); on the
# calibration broadcasts 6 dB and 8 dB placed onsets and releases best (13 and 16 dB worse); 8 keeps a margin
# over the frame-to-frame wobble of noise
_FRAME = 0.01  # s per loudness frame
_READ_PAD = 1.5  # s of audio read beyond a window's edges: _MARGIN, the inward search and the floor beside it
_MIN_QUIET_FRAMES = 5  # silence shorter than 50 ms has no level of its own to judge against
_MAX_EDGE_MOVE_FRAMES = 15  # the sound's edge is looked for within 150 ms of the aligner's
_AT_EDGE = 0.02  # s: a word edge this close to its window's edge was stretched there
_MAX_STRETCH_FRAMES = 50  # ... and its sound's edge is looked for up to 500 ms inwards


@dataclass(frozen=True)
class RefineStats:
    """What refinement did, for the benchmark and the log."""

    windows: int
    rejected: int  # windows whose result was not trusted (kept coarse times)
    refined_words: int
    spoken_words: int


@dataclass(frozen=True)
class _Window:
    lo: int  # published words [lo, hi) whose times this window decides
    hi: int
    context_lo: int  # words [context_lo, context_hi) aligned in it (a neighbour either side when no pause)
    context_hi: int
    start: float
    end: float


def _runs(words: Sequence[AlignedWord], fences: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """Runs [lo, hi) of timed spoken words that begin and end at an anchor, with no other speech inside."""
    runs: list[tuple[int, int]] = []
    lo = None
    order = said_order(words)
    said_next = {a: b for a, b in itertools.pairwise(order)}  # a passage said out of the text's order is apart
    for k in range(len(words) + 1):
        word = words[k] if k < len(words) else None
        spoken = word is not None and word.start is not None and word.status in (*_ANCHORS, INTERPOLATED)
        if lo is not None and (not spoken or said_next.get(k - 1) != k
                               or any(a < word.start and b > words[k - 1].end for a, b in fences)):
            _close(words, runs, lo, k)  # unspoken text or unscripted speech ends the run
            lo = None
        if spoken and lo is None:
            lo = k
    return runs


def _close(words: Sequence[AlignedWord], runs: list[tuple[int, int]], lo: int, hi: int) -> None:
    while lo < hi and words[lo].status not in _ANCHORS:
        lo += 1
    while hi > lo and words[hi - 1].status not in _ANCHORS:
        hi -= 1
    if hi > lo:
        runs.append((lo, hi))


def _cuts(words: Sequence[AlignedWord], lo: int, hi: int) -> list[tuple[int, int]]:
    """Pieces of a run no longer than _MAX_WINDOW, cut at the widest pause between anchors."""
    if words[hi - 1].end - words[lo].start <= _MAX_WINDOW or hi - lo < 2:
        return [(lo, hi)]
    candidates = [k for k in range(lo + 1, hi) if words[k].status in _ANCHORS and words[k - 1].status in _ANCHORS]
    if not candidates:
        return [(lo, hi)]
    middle = (words[lo].start + words[hi - 1].end) / 2
    cut = max(candidates, key=lambda k: (round(words[k].start - words[k - 1].end, 2),
                                         -abs(words[k].start - middle)))
    return _cuts(words, lo, cut) + _cuts(words, cut, hi)


def _windows(words: Sequence[AlignedWord], fences: list[tuple[float, float]], duration: float) -> list[_Window]:
    """Windows over the runs; each ends in a pause, or takes its neighbour as context where there is none."""
    occupied = sorted([(w.start, w.end) for w in words if w.start is not None] + fences)
    windows = []
    for run_lo, run_hi in _runs(words, fences):
        for lo, hi in _cuts(words, run_lo, run_hi):
            context_lo = lo - 1 if lo > run_lo and words[lo].start - words[lo - 1].end < _PAUSE else lo
            context_hi = hi + 1 if hi < run_hi and words[hi].start - words[hi - 1].end < _PAUSE else hi
            first, last = words[context_lo], words[context_hi - 1]
            before = max((b for a, b in occupied if a < first.start and b <= first.start), default=0.0)
            after = min((a for a, b in occupied if a >= last.end and b > last.end), default=duration)
            if context_lo == lo and lo > run_lo:  # a pause inside the run: cut in its middle
                before = (words[lo - 1].end + first.start) / 2
            if context_hi == hi and hi < run_hi:
                after = (last.end + words[hi].start) / 2
            start = max(before, first.start - _MARGIN, 0.0)
            end = min(after, last.end + _MARGIN, duration)
            windows.append(_Window(lo, hi, context_lo, context_hi, start, max(start, end)))
    return windows


def _trusted(words: Sequence[AlignedWord], timings: Sequence[phonetic.WordTiming | None], window: _Window) -> bool:
    """Most words land near their coarse times: the aligner was told what was said."""
    placed = [(words[k], t) for k, t in zip(range(window.context_lo, window.context_hi), timings, strict=True)
              if t is not None]
    if not placed:
        return False
    disagreeing = sum(abs(t.start - w.start) > _DISAGREE for w, t in placed)
    return disagreeing <= _MAX_DISAGREEING * len(placed)


def _in_quiet(words: Sequence[AlignedWord], timings: Sequence[phonetic.WordTiming | None],
              levels: np.ndarray, window: _Window, t0: float) -> list[bool]:
    """For each word of the window, did the aligner move it off the sound the recognizer heard it in, into
    quiet? Then its path went wrong there (JFK's "ask not" after a pause: "ask" put in the quiet before it, "not"
    over "ask"). Quiet: no frame _SOUND_DB above the window's background (the quietest twentieth of its frames
    but digital silence, read with _READ_PAD either side), and none within _SOUND_DB of the loudest frame of the
    recognizer's span. A word under music or noise, which loudness cannot hear, is never in quiet. `timings` are
    in the recording's time, `levels` are the window's frames from t0 on."""
    background = decode.floor_level(levels, 5)

    def loudest(start: float, end: float) -> float:
        first = max(0, math.floor((start - t0) / _FRAME))
        return float(levels[first:max(first + 1, math.ceil((end - t0) / _FRAME))].max(initial=-np.inf))

    def moved_into_quiet(word: AlignedWord, timing: phonetic.WordTiming | None) -> bool:
        if timing is None or word.start is None:
            return False
        placed = loudest(timing.start, timing.end)
        return placed < background + _SOUND_DB and placed < loudest(word.start, word.end) - _SOUND_DB

    return list(map(moved_into_quiet, words[window.context_lo:window.context_hi], timings))


def _levels(audio: np.ndarray) -> np.ndarray:
    """Loudness in dB of each 10 ms frame."""
    return 10 * np.log10(decode.frame_loudness(audio) ** 2 + 1e-12)


def _shifted(timings: Sequence[phonetic.WordTiming | None], levels: np.ndarray,
             window: _Window) -> list[tuple[float, float] | None]:
    """The aligner's word edges moved onto the sound. A start or end that touches the neighbouring word is
    a join (kept); a start after silence moves by _ONSET_SHIFT, or earlier, to where the
    sound holding the word's beginning rises out of that silence, and an end before silence likewise later
    to where it falls back: the aligner gives weak onsets and releases (a soft "th" or "s") to the silence.
    Never inwards (under music or noise the aligner hears a weak edge that loudness cannot), except where
    the aligner ran a word into the window's edge: in noise it stretches a last fricative over the quiet."""
    timings = _pauses_kept(timings, levels)
    edges: list[tuple[float, float] | None] = []
    for k, timing in enumerate(timings):
        if timing is None:
            edges.append(None)
            continue
        before = next((t for t in reversed(timings[:k]) if t is not None), None)
        after = next((t for t in timings[k + 1:] if t is not None), None)
        if before is not None and abs(before.end - timing.start) < 0.005:
            start = timing.start
        else:
            quiet_from = before.end if before is not None else max(window.start, timing.start - _MARGIN)
            stretched = timing.start <= window.start + _AT_EDGE
            onset = _sound_edge(levels, quiet_from, timing.start, timing.end, -1, stretched)
            start = timing.start + _ONSET_SHIFT
            if onset is not None and (onset < start or stretched):
                start = onset
        if after is not None and abs(after.start - timing.end) < 0.005:
            end = timing.end
        else:
            quiet_to = after.start if after is not None else min(window.end, timing.end + _MARGIN)
            stretched = timing.end >= window.end - _AT_EDGE
            release = _sound_edge(levels, quiet_to, timing.end, timing.start, +1, stretched)
            end = timing.end + _RELEASE_SHIFT
            if release is not None and (release > end or stretched):
                end = release
        edges.append((start, max(start, end)))
    return edges


def _pauses_kept(timings: Sequence[phonetic.WordTiming | None],
                 levels: np.ndarray) -> list[phonetic.WordTiming | None]:
    """The aligner's words with a pause it glued to one of two joined words given back as a pause.

    Where no optional silence fits its path, the aligner runs a word over the quiet after it or starts the next
    one early (the real sonnet reading: "increase," ran on to "That", 0.33 s early, over 0.4 s of quiet). Two
    words it joins are split where at least _PAUSE of quiet lies between the first one's start and the second
    one's end: frames within _SOUND_DB of the window's background (its quietest twentieth, as in
    _in_quiet), the longest such run. A stop's closure inside a phrase is shorter, and under music or
    noise a pause is not quiet, so those joins stay as they were."""
    quiet = levels < decode.floor_level(levels, 5) + _SOUND_DB
    out = list(timings)
    timed = [k for k, timing in enumerate(out) if timing is not None]
    for a, b in zip(timed, timed[1:], strict=False):
        first, second = out[a], out[b]
        if abs(first.end - second.start) >= 0.005:
            continue
        offset = round(first.start / _FRAME)
        pause = max(decode.runs(quiet[offset:round(second.end / _FRAME)]), key=lambda run: run[1] - run[0],
                    default=None)  # the longest quiet stretch, (first, last) frame
        if pause is not None and pause[1] + 1 - pause[0] >= round(_PAUSE / _FRAME):
            out[a] = dataclasses.replace(first, end=round((offset + pause[0]) * _FRAME, 3))
            out[b] = dataclasses.replace(second, start=round((offset + pause[1] + 1) * _FRAME, 3))
    return out


def _sound_edge(levels: np.ndarray, quiet: float, edge: float, inner: float, direction: int,
                stretched: bool = False) -> float | None:
    """Where the sound at a word's edge meets the silence on that side, or None when it cannot be told.

    `direction` -1: an onset (silence from `quiet` to `edge`, the word from `edge` to `inner`); +1: a release
    (the word from `inner` to `edge`, silence from `edge` to `quiet`). The silence's own level, its 20th
    percentile, sets the floor; sound is _SOUND_DB above it. From near the aligner's edge inwards the
    first 30 ms of sound are found, then followed outwards (over one-frame dips) until the silence. An edge
    the aligner stretched to its window's edge (`stretched`) has no silence beside it inside the window: the
    floor is read from the 200 ms past that edge (windows end in pauses) and the sound is looked for up to
    500 ms inwards."""
    n = len(levels)
    f_quiet, f_edge, f_inner = (min(n, max(0, round(t / _FRAME))) for t in (quiet, edge, inner))
    inward = _MAX_STRETCH_FRAMES if stretched else _MAX_EDGE_MOVE_FRAMES
    if stretched:  # the window was cut in a pause: the pause goes on past its edge
        floor_frames = levels[f_edge:f_edge + 20] if direction > 0 else levels[max(0, f_edge - 20):f_edge]
    else:
        floor_frames = levels[min(f_quiet, f_edge):max(f_quiet, f_edge)]
    if len(floor_frames) < _MIN_QUIET_FRAMES:
        return None
    loud = levels > decode.floor_level(floor_frames, 20) + _SOUND_DB
    if direction < 0:
        lo = f_edge if stretched else max(f_quiet, f_edge - _MAX_EDGE_MOVE_FRAMES)
        f = next((f for f in range(max(lo, f_edge - 3), min(f_inner, f_edge + inward) - 2) if loud[f:f + 3].all()),
                 None)
        if f is None:
            return None
        while f - 1 >= lo and (loud[f - 1] or (f - 2 >= lo and loud[f - 2])):
            f -= 1 if loud[f - 1] else 2
        return f * _FRAME
    hi = f_edge if stretched else min(f_quiet, f_edge + _MAX_EDGE_MOVE_FRAMES)
    f = next((f for f in range(min(hi, f_edge + 3), max(f_inner, f_edge - inward) + 2, -1) if loud[f - 3:f].all()),
             None)
    if f is None:
        return None
    while f + 1 <= hi and (loud[f] or (f + 2 <= hi and loud[f + 1])):
        f += 1 if loud[f] else 2
    return f * _FRAME


def refine_with_stats(alignment: Alignment, audio: np.ndarray | str | Path,
                      duration: float) -> tuple[Alignment, RefineStats]:
    """The alignment with its spoken runs re-timed by the phonetic aligner, and what was done. `audio` is the
    samples or the file; each window is aligned on its own stretch of it, read with room for its edges."""
    words = list(alignment.words)
    fences = [(u.start, u.end) for u in alignment.unscripted]
    refined: dict[int, tuple[float, float]] = {}
    windows = _windows(words, fences, duration)
    lost = _align_windows(words, windows, audio, refined)
    narrowed = [n for n in (_narrowed(words, window) for window in lost) if n is not None]
    rejected = len(lost) - len(narrowed) + len(_align_windows(words, narrowed, audio, refined, last_reading=True))
    words = _settle(words, refined)
    stats = RefineStats(len(windows), rejected, len(refined), sum(w.start is not None for w in words))
    log.debug("refined %d of %d timed words in %d windows (%d rejected)", stats.refined_words, stats.spoken_words,
             stats.windows, stats.rejected)
    return dataclasses.replace(alignment, words=tuple(words)), stats


def _align_windows(words: Sequence[AlignedWord], windows: list[_Window], audio: np.ndarray | str | Path,
                   refined: dict[int, tuple[float, float]], last_reading: bool = False) -> list[_Window]:
    """Fill `refined` with the trusted windows' word edges; the windows whose result was not trusted. On the
    `last_reading`, a window that put a word in the quiet gives the edges of its other words, but for those
    beside it (JFK's "ask", squeezed into the quiet at the edge of its window in a longer recording, left its
    quote's every word on coarse times, "country" ending 0.12 s inside its last syllable)."""
    # each stretch starts on the 10 ms frame grid, so its loudness frames are those of the whole file
    offsets = [max(0.0, math.floor((w.start - _READ_PAD) / _FRAME) * _FRAME) for w in windows]
    spans = [(t0, w.end + _READ_PAD) for t0, w in zip(offsets, windows, strict=True)]
    lost = []

    def jobs():  # (index, samples) to tell the windows apart; force_align's arguments
        for index, samples in decode.windows(audio, spans):
            window, t0 = windows[index], offsets[index]
            texts = [w.text for w in words[window.context_lo:window.context_hi]]
            yield (index, samples), (samples, window.start - t0, window.end - t0, texts)

    for (index, samples), timings in phonetic.each_window(phonetic.force_align, jobs()):
        window, t0 = windows[index], offsets[index]
        local = dataclasses.replace(window, start=window.start - t0, end=window.end - t0)
        absolute = [None if t is None else dataclasses.replace(t, start=t.start + t0, end=t.end + t0)
                    for t in timings]
        levels = _levels(samples)
        trusted, quiet = _trusted(words, absolute, window), _in_quiet(words, absolute, levels, window, t0)
        if not trusted or any(quiet):
            lost.append(window)
            if not (trusted and last_reading):
                continue
        doubtful = {i + step for i, in_quiet in enumerate(quiet) if in_quiet for step in (-1, 0, 1)}
        for i, edges in enumerate(_shifted(timings, levels, local)):
            if window.lo <= window.context_lo + i < window.hi and edges is not None and i not in doubtful:
                refined[window.context_lo + i] = (edges[0] + t0, edges[1] + t0)
    return lost


def _narrowed(words: Sequence[AlignedWord], window: _Window) -> _Window | None:
    """A window whose result was not trusted, read again with less quiet around its words: up to _PAUSE beyond
    their coarse edges instead of _MARGIN. The aligner puts a first word after a pause in the quiet before it
    (the third sonnet reading of ../shared/real-speech: "For" 0.45 s early, at the window's edge), and the
    window's every word kept its coarse times. None when it would not be narrower."""
    start = max(window.start, words[window.context_lo].start - _PAUSE)
    end = min(window.end, words[window.context_hi - 1].end + _PAUSE)
    if (start, end) == (window.start, window.end):
        return None
    return dataclasses.replace(window, start=start, end=max(start, end))


def refine(alignment: Alignment, audio: np.ndarray | str | Path, duration: float,
           use_cache: bool = True) -> Alignment:
    """The alignment with its spoken runs re-timed by the phonetic aligner (see the module docstring).

    The times are cached beside the transcripts, keyed by the audio and the coarse alignment, so a second
    command on the same broadcast and text (a clip after a run) does not align again."""
    cache_file = cache_dir() / f"refined-{_cache_key(alignment, audio, duration)}.json"
    if use_cache and cache_file.is_file():
        try:
            times = json.loads(cache_file.read_text("utf-8"))
            if len(times) == len(alignment.words):
                return dataclasses.replace(alignment, words=tuple(
                    w if t is None else dataclasses.replace(w, start=t[0], end=t[1])
                    for w, t in zip(alignment.words, times, strict=True)))
        except (ValueError, TypeError, IndexError):
            pass  # a damaged cache entry is simply recomputed
    refined = refine_with_stats(alignment, audio, duration)[0]
    if use_cache:
        try:
            write_atomic(cache_file, json.dumps([None if w.start is None else [w.start, w.end] for w in refined.words]))
        except OSError:
            pass  # an unwritable cache costs time, not correctness
    return refined


def _cache_key(alignment: Alignment, audio: np.ndarray | str | Path, duration: float) -> str:
    if isinstance(audio, np.ndarray):
        digest = hashlib.sha256(np.ascontiguousarray(audio).view(np.uint8))
    else:
        digest = file_sha256(audio)
    coarse = [[w.text, w.start, w.end, w.status] for w in alignment.words]
    unscripted = [[u.start, u.end] for u in alignment.unscripted]
    digest.update(json.dumps([_CACHE_VERSION, duration, coarse, unscripted]).encode())
    return digest.hexdigest()


def _settle(words: list[AlignedWord], refined: dict[int, tuple[float, float]]) -> list[AlignedWord]:
    """Refined times in place; words left with coarse times are fitted between their refined neighbours
    (shared by length, as interpolation does), so times never overlap or run backwards, in the order the words
    were said (see align.said_order)."""
    order = said_order(words)
    position = {k: n for n, k in enumerate(order)}
    settled = _settle_in_order([words[k] for k in order], {position[k]: times for k, times in refined.items()})
    out = list(words)
    for k, word in zip(order, settled, strict=True):
        out[k] = word
    return out


def _settle_in_order(words: list[AlignedWord], refined: dict[int, tuple[float, float]]) -> list[AlignedWord]:
    out = list(words)
    for k, (start, end) in refined.items():
        out[k] = dataclasses.replace(out[k], start=round(max(0.0, start), 3), end=round(max(start, end), 3))
    k = 0
    while k < len(out):
        if k in refined or out[k].start is None:
            k += 1
            continue
        hi = k
        while hi < len(out) and hi not in refined and out[hi].start is not None:
            hi += 1
        floor = out[k - 1].end if k and (k - 1) in refined else None
        ceiling = out[hi].start if hi < len(out) and hi in refined else None
        _fit_between(out, k, hi, floor, ceiling)
        k = hi
    previous_end = 0.0
    for k, word in enumerate(out):  # last guard: never backwards
        if word.start is None:
            continue
        start = max(word.start, previous_end)
        out[k] = dataclasses.replace(word, start=round(start, 3), end=round(max(start, word.end), 3))
        previous_end = out[k].end
    return out


def _fit_between(words: list[AlignedWord], lo: int, hi: int, floor: float | None, ceiling: float | None) -> None:
    """Coarse words [lo, hi) kept inside (floor, ceiling): untouched when they fit, squeezed by length if not."""
    start, end = words[lo].start, words[hi - 1].end
    new_start = max(start, floor) if floor is not None else start
    new_end = min(end, ceiling) if ceiling is not None else end
    if (new_start, new_end) == (start, end):
        return
    if new_end <= new_start:
        new_end = new_start
    for k, (a, b) in zip(range(lo, hi), spread([words[k].text for k in range(lo, hi)], new_start, new_end),
                         strict=True):
        words[k] = dataclasses.replace(words[k], start=a, end=b)
