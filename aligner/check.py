"""The accuracy check: how faithful the published text is to what was said.

From one alignment it lists the published text that was never spoken, the speech that was never
published, and every word-level difference between the two, each classified as a likely recognition
error or a likely real difference in wording; every quotation gets a verdict, verbatim or not. The
measures (WER, CER) cover the spoken part of the text only.

A difference is judged by what the signal offers: the published and the heard wording are both read to
the recognizer's model for the same stretch of audio (`transcribe.score_texts`). When the published
words fit the audio about as well as what the recognizer wrote, it misheard them; when they fit far
worse, the speaker said something else. How alike the two sound and how sure the recognizer was move
the line a little. A larger local model, when the user supplies one, gives a second opinion that
overrules the first.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .align import UNSPOKEN, AlignedWord, Unscripted, similarity
from .classify import RECOGNITION, WORDING, Fit, classify
from .errors import InputError
from .files import write_atomic
from .measures import Chunk, Measures, measure, standard_tokens
from .normalize import flatten
from .pipeline import Aligned, align_files
from .quotes import find_quotes
from .text import excerpt
from .timefmt import clock, to_ms
from .transcribe import HeardWord, TranscribeOptions

__all__ = ["Difference", "UnspokenText", "QuoteVerdict", "Report", "CheckOptions", "check",
           "report_json", "write_reports", "add_arguments", "command", "RECOGNITION", "WORDING", "FAIL_ON"]

log = logging.getLogger(__name__)

FAIL_ON = ("misquote", "unspoken", "unscripted", "wording")

# Context around a difference that is read to the model with it.
_CONTEXT_WORDS = 4
_CONTEXT_PAUSE = 1.0  # seconds of silence that end the context
_WINDOW_PAD = 0.15  # seconds of audio either side of the context words
_MAX_WINDOW = 20.0  # seconds; nearby differences share a window up to this length
_INSIDE_WORDS = 6  # unscripted words inside a published sentence count as inserted words, up to this many
_MISHEARD = 0.7  # similarity at which unscripted words next to unheard published words are taken for them
_QUOTE_MARKS = "“”\"‘’«»()[]"



@dataclass(frozen=True)
class Difference:
    """Published words that were heard differently (or not at all), or heard words with no published ones."""

    published: str  # as published, punctuation included; "" for words heard but not in the text
    heard: str  # as the recognizer wrote it; "" for published words that were not heard
    start: float
    end: float
    char_start: int  # published text offsets; for heard-only words both are the point where they were said
    char_end: int
    kind: str  # RECOGNITION | WORDING
    reason: str  # why, in a few words, for the editor
    margin: float | None = None  # log P(published | audio) - log P(heard | audio), None when not scored
    pieces: int | None = None  # the model's word pieces that differ
    probability: float | None = None  # the recognizer's confidence in the heard words (mean)
    similarity: float = 0.0  # how alike the two wordings look or sound, 0..1


@dataclass(frozen=True)
class UnspokenText:
    """Published text that was never said: page lines, a skipped passage."""

    text: str
    char_start: int
    char_end: int


@dataclass(frozen=True)
class QuoteVerdict:
    text: str
    char_start: int
    char_end: int
    start: float | None  # None when the quote was never spoken
    end: float | None
    verbatim: bool  # spoken, with no wording difference and no word left out
    differences: tuple[Difference, ...]  # every difference inside the quote, recognition errors included

    @property
    def spoken(self) -> bool:
        return self.start is not None


@dataclass(frozen=True)
class Report:
    audio: str
    duration: float
    measures: Measures
    unspoken: tuple[UnspokenText, ...]
    unscripted: tuple[Unscripted, ...]
    differences: tuple[Difference, ...]
    quotes: tuple[QuoteVerdict, ...]
    scored_by: tuple[str, ...]  # models that scored the differences; empty when none did

    @property
    def misquotes(self) -> list[QuoteVerdict]:
        return [q for q in self.quotes if q.spoken and not q.verbatim]

    def flagged(self, kind: str) -> int:
        """How many items of a --fail-on kind the report holds."""
        return {"misquote": len(self.misquotes), "unspoken": len(self.unspoken),
                "unscripted": len(self.unscripted),
                "wording": sum(d.kind == WORDING for d in self.differences)}[kind]


@dataclass(frozen=True)
class CheckOptions:
    """How differences are judged."""

    rescore: bool = True  # read both wordings to the model; off: judge by sound and confidence only
    second_model: str | None = None  # a larger local CTranslate2 Whisper folder for a second opinion


# -- the heard side -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Unit:
    """Heard words written apart that make one word ("U" ".S.", "50" ",000", "Indo" "-Pacific")."""

    text: str
    start: float
    end: float
    probability: float
    tokens: tuple[str, ...]


_CONTINUES = re.compile(r"[-–,.'’%]")


def _units(heard: Sequence[HeardWord]) -> list[_Unit]:
    groups: list[list[HeardWord]] = []
    for word in heard:
        if groups and _CONTINUES.match(word.text) and word.start - groups[-1][-1].end < 0.3:
            groups[-1].append(word)
        else:
            groups.append([word])
    units = []
    for group in groups:
        text = "".join(w.text for w in group)
        units.append(_Unit(text, group[0].start, group[-1].end, min(w.probability for w in group),
                           standard_tokens(text)))
    return [u for u in units if u.tokens]


def _inside(words: Sequence[AlignedWord], start: float, end: float) -> bool:
    """Is a stretch of speech inside one published sentence (between two of its spoken words)?"""
    before = [w for w in words if w.spoken and w.end is not None and w.end <= start + 0.05]
    after = [w for w in words if w.spoken and w.start is not None and w.start >= end - 0.05]
    return bool(before and after) and before[-1].sentence == after[0].sentence


# -- the published side ---------------------------------------------------------------------------------------
def _in_measure(words: Sequence[AlignedWord]) -> list[bool]:
    """The spoken part of the text: spoken words, and unspoken ones inside a sentence that was spoken
    (a word or phrase left out); whole sentences never spoken are listed as unspoken text instead."""
    spoken_sentences = {w.sentence for w in words if w.spoken}
    return [w.spoken or w.sentence in spoken_sentences for w in words]


def _unspoken(aligned: Aligned, included: list[bool]) -> list[UnspokenText]:
    """Runs of published words never spoken, one item per paragraph."""
    items: list[UnspokenText] = []
    words = aligned.alignment.words
    k = 0
    while k < len(words):
        if included[k] or words[k].status != UNSPOKEN:
            k += 1
            continue
        end = k
        while end + 1 < len(words) and not included[end + 1] and words[end + 1].paragraph == words[k].paragraph:
            end += 1
        a, b = words[k].char_start, words[end].char_end
        items.append(UnspokenText(aligned.document.text[a:b], a, b))
        k = end + 1
    return items


# -- putting it together ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Region:
    """Differing words: published words and heard units, closed over words the recognizer wrote as one
    ("fifteen thousand" against "50,000" is one difference, not "fifteen" against part of "50,000")."""

    words: tuple[int, ...]  # indices into the published words (all of the text)
    units: tuple[int, ...]  # indices into the heard units (all of the transcript)
    p_tokens: tuple[str, ...]
    h_tokens: tuple[str, ...]
    after_unit: int  # the heard unit said just before this place (-1 at the start)


def _regions(chunks: list[Chunk], p_tokens: list[str], p_word: list[int], h_tokens: list[str],
             h_unit: list[int]) -> list[_Region]:
    """Consecutive differing chunks become one region ("HIMARS" ~ "high" + "Mars" is one difference)."""
    pair_ph, pair_hp = {}, {}
    for chunk in chunks:
        if chunk.kind == "equal":
            for i in range(chunk.p1 - chunk.p0):
                pair_ph[chunk.p0 + i], pair_hp[chunk.h0 + i] = chunk.h0 + i, chunk.p0 + i
    of_word: dict[int, list[int]] = {}
    for t, w in enumerate(p_word):
        of_word.setdefault(w, []).append(t)
    of_unit: dict[int, list[int]] = {}
    for t, u in enumerate(h_unit):
        of_unit.setdefault(u, []).append(t)
    raw, run = [], []
    for chunk in [*chunks, Chunk("equal", 0, 0, 0, 0)]:
        if chunk.kind != "equal":
            run.append(chunk)
        elif run:
            raw.append((run[0].p0, run[-1].p1, run[0].h0, run[-1].h1))
            run = []
    grown: list[tuple[set[int], set[int], int]] = []
    for p0, p1, h0, h1 in raw:
        words, units = set(p_word[p0:p1]), set(h_unit[h0:h1])
        while True:
            more_units = {h_unit[pair_ph[t]] for w in words for t in of_word[w] if t in pair_ph} - units
            more_words = {p_word[pair_hp[t]] for u in units for t in of_unit[u] if t in pair_hp} - words
            if not more_units and not more_words:
                break
            units |= more_units
            words |= more_words
        after = h_unit[h0 - 1] if h0 > 0 else -1
        if grown and (grown[-1][0] & words or grown[-1][1] & units):
            grown[-1] = (grown[-1][0] | words, grown[-1][1] | units, grown[-1][2])
        else:
            grown.append((words, units, after))
    return [_Region(tuple(sorted(words)), tuple(sorted(units)),
                    tuple(p_tokens[t] for w in sorted(words) for t in of_word[w]),
                    tuple(h_tokens[t] for u in sorted(units) for t in of_unit[u]), after)
            for words, units, after in grown]


class _Heard:
    """Which heard units the measure compares with the published words; the rest are unscripted passages."""

    def __init__(self, aligned: Aligned, units: list[_Unit]) -> None:
        self.units = units
        phrase_of = [next((i for i, u in enumerate(aligned.alignment.unscripted)
                           if u.start - 1e-6 <= unit.start and unit.end <= u.end + 1e-6), None) for unit in units]
        self.passages: list[list[int]] = []  # unit indices of each passage, in order
        for k, phrase in enumerate(phrase_of):
            if phrase is not None:
                if self.passages and phrase_of[self.passages[-1][-1]] == phrase:
                    self.passages[-1].append(k)
                else:
                    self.passages.append([k])
        # a few unscripted words inside a published sentence are inserted words, not a passage
        words = aligned.alignment.words
        self.passages = [p for p in self.passages if len(p) > _INSIDE_WORDS
                         or not _inside(words, units[p[0]].start, units[p[-1]].end)]

    def compared(self) -> tuple[list[str], list[int]]:
        """The heard tokens the measure compares, and the unit of each."""
        in_passage = {k for p in self.passages for k in p}
        return flatten((k, unit.tokens) for k, unit in enumerate(self.units) if k not in in_passage)

    def mend(self, region: _Region) -> None:
        """Repair what the first comparison shows about the passages.

        Heard words that pair with nothing right beside a passage belong to it ("I" before "spoke to several
        of them"). Published words that were not heard, right where a passage starts or ends that sounds
        like them, were said and misheard: an attribution "said researcher Anna Lindqvist" heard as "said
        researcher on a link fist" just before an ad-lib."""
        for passage in self.passages:
            if region.units and not region.words and (region.units[-1] + 1 == passage[0]
                                                      or passage[-1] + 1 == region.units[0]):
                passage[:] = sorted(passage + list(region.units))
                return
            if region.words and not region.units and passage[0] == region.after_unit + 1:
                taken = _sounds_like(region.p_tokens, [self.units[k] for k in passage])
                if taken:
                    passage[:] = [k for j, k in enumerate(passage) if j not in taken]
                    self.passages = [p for p in self.passages if p]
                    return


def _sounds_like(published: Sequence[str], passage: list[_Unit]) -> set[int]:
    """Indices (into the passage) of its first or last few units if they sound like the published tokens."""
    target = "".join(published)
    best, taken = _MISHEARD, set()
    for n in range(1, min(len(passage), len(published) + 2) + 1):
        for chosen in (range(n), range(len(passage) - n, len(passage))):
            alike = similarity(target, "".join(t for k in chosen for t in passage[k].tokens))
            if alike > best or (alike == best and not taken):
                best, taken = alike, set(chosen)
    return taken


def check(aligned: Aligned, options: CheckOptions = CheckOptions(),
          transcribe_options: TranscribeOptions = TranscribeOptions()) -> Report:
    """The accuracy report for one aligned broadcast."""
    words = aligned.alignment.words
    included = _in_measure(words)
    p_tokens, p_word = flatten((k, standard_tokens(word.text)) for k, word in enumerate(words) if included[k])

    # a first comparison finds spacing variants ("antiarmor" ~ "anti armor": the same words) and what it
    # tells about the unscripted passages; the second one is the measure
    units = _units(aligned.transcript.words)
    heard = _Heard(aligned, units)
    h_tokens, h_unit = heard.compared()
    rewritten: dict[int, tuple[str, ...]] = {}
    for region in _regions(measure(p_tokens, h_tokens)[1], p_tokens, p_word, h_tokens, h_unit):
        if region.p_tokens and region.h_tokens and "".join(region.p_tokens) == "".join(region.h_tokens):
            rewritten.update({k: region.p_tokens if j == 0 else () for j, k in enumerate(region.units)})
        else:
            heard.mend(region)
    heard.units = units = [replace(u, tokens=rewritten[k]) if k in rewritten else u for k, u in enumerate(units)]
    h_tokens, h_unit = heard.compared()
    measures, chunks = measure(p_tokens, h_tokens)
    regions = _regions(chunks, p_tokens, p_word, h_tokens, h_unit)

    fits, second, scored_by = _score(aligned, units, regions, options, transcribe_options)
    differences = [_difference(aligned, units, region, fits[k], second[k]) for k, region in enumerate(regions)]
    unscripted = [Unscripted(" ".join(units[k].text for k in p), units[p[0]].start, units[p[-1]].end)
                  for p in heard.passages]
    return Report(str(aligned.audio_path), aligned.transcript.duration, measures,
                  tuple(_unspoken(aligned, included)), tuple(unscripted), tuple(differences),
                  tuple(_quotes(aligned, differences)), scored_by)


def _difference(aligned: Aligned, units: list[_Unit], region: _Region, fit: Fit | None,
                second: Fit | None) -> Difference:
    words = aligned.alignment.words
    heard_units = [units[k] for k in region.units]
    if region.words:
        char_start, char_end = words[region.words[0]].char_start, words[region.words[-1]].char_end
        published = aligned.document.text[char_start:char_end]
    else:  # heard-only words: placed after the published word said before them
        before = [w for w in words if w.spoken and w.end is not None and w.end <= heard_units[0].start + 0.05]
        char_start = char_end = before[-1].char_end if before else (
            next(w.char_start for w in words if w.spoken))
        published = ""
    if heard_units:
        start, end = heard_units[0].start, heard_units[-1].end
    else:
        with_times = [words[k] for k in region.words if words[k].start is not None]
        if with_times:
            start, end = with_times[0].start, with_times[-1].end
        else:  # left out: the moment between the heard words around it
            start = units[region.after_unit].end if region.after_unit >= 0 else 0.0
            end = min((u.start for u in units if u.start >= start), default=start)
    probability = (round(sum(u.probability for u in heard_units) / len(heard_units), 3) if heard_units else None)
    timed = all(words[k].spoken for k in region.words)
    kind, reason = classify(region.p_tokens, region.h_tokens, probability, fit, second, timed)
    alike = similarity("".join(region.p_tokens), "".join(region.h_tokens)) if region.p_tokens and region.h_tokens \
        else 0.0
    best = second or fit
    return Difference(published, " ".join(u.text for u in heard_units), start, end, char_start, char_end, kind,
                      reason, None if best is None else round(best.margin, 2), None if best is None else best.pieces,
                      probability, round(alike, 3))


def _quotes(aligned: Aligned, differences: list[Difference]) -> list[QuoteVerdict]:
    words = aligned.alignment.words
    verdicts = []
    for quote in find_quotes(aligned.document):
        inside = words[quote.first_word:quote.last_word + 1]
        spoken = [w for w in inside if w.spoken]
        found = tuple(d for d in differences if d.char_end > quote.char_start and d.char_start < quote.char_end)
        left_out = [w for w in inside if not w.spoken]
        if spoken and left_out:  # a passage of the quote never said (whole sentences of it)
            covered = {(d.char_start, d.char_end) for d in found}
            found += tuple(Difference(w.text, "", spoken[-1].end, spoken[-1].end, w.char_start, w.char_end, WORDING,
                                      "never said") for w in left_out
                           if not any(a <= w.char_start and w.char_end <= b for a, b in covered))
        verbatim = bool(spoken) and not left_out and all(d.kind == RECOGNITION for d in found)
        verdicts.append(QuoteVerdict(quote.text, quote.char_start, quote.char_end,
                                     spoken[0].start if spoken else None, spoken[-1].end if spoken else None,
                                     verbatim, tuple(sorted(found, key=lambda d: d.char_start))))
    return verdicts


# -- scoring the two wordings against the audio -----------------------------------------------------------------
def _spoken_form(text: str) -> str:
    """Published words as the recognizer would write them: no quotation marks or brackets."""
    return " ".join(w.strip(_QUOTE_MARKS) for w in text.split() if w.strip(_QUOTE_MARKS))


def _windows(aligned: Aligned, units: list[_Unit], regions: list[_Region]):
    """Stretches of audio to score, each with the heard text and, per region in it, the text with that
    region's heard words replaced by the published ones. Nearby regions share a stretch."""
    words = aligned.alignment.words
    spans = []  # (first unit, last unit + 1, region index)
    for k, region in enumerate(regions):
        first = region.units[0] if region.units else region.after_unit + 1
        last = region.units[-1] + 1 if region.units else region.after_unit + 1
        lo = first
        while lo > 0 and first - lo < _CONTEXT_WORDS and units[lo].start - units[lo - 1].end < _CONTEXT_PAUSE:
            lo -= 1
        hi = last
        while hi < len(units) and hi - last < _CONTEXT_WORDS and (
                hi == 0 or units[hi].start - units[hi - 1].end < _CONTEXT_PAUSE):
            hi += 1
        if lo == hi or units[hi - 1].end - units[lo].start > _MAX_WINDOW:
            continue  # nothing heard around it to read the published words against, or too long to read
        spans.append((lo, hi, first, last, k))
    windows: list[tuple[int, int, list[tuple[int, int, int]]]] = []
    for lo, hi, first, last, k in spans:
        if windows and lo <= windows[-1][1] and units[hi - 1].end - units[windows[-1][0]].start <= _MAX_WINDOW:
            windows[-1] = (windows[-1][0], max(hi, windows[-1][1]), windows[-1][2] + [(first, last, k)])
        else:
            windows.append((lo, hi, [(first, last, k)]))
    requests, owners = [], []
    for lo, hi, members in windows:
        heard = " ".join(u.text for u in units[lo:hi])
        texts = [heard]
        for first, last, k in members:
            published = _spoken_form(" ".join(words[i].text for i in regions[k].words))
            texts.append(" ".join([*(u.text for u in units[lo:first]), published, *(u.text for u in units[last:hi])]))
            owners.append((len(requests), len(texts) - 1, k))
        start = max(0.0, units[lo].start - _WINDOW_PAD)
        end = min(aligned.transcript.duration, units[hi - 1].end + _WINDOW_PAD)
        requests.append((start, end, texts))
    return requests, owners


def _fit(published, heard) -> Fit:
    """Compare two scored texts that differ in one stretch: the margin and how many word pieces differ."""
    same = 0
    while same < min(len(published.pieces), len(heard.pieces)) and published.pieces[same] == heard.pieces[same]:
        same += 1
    tail = 0
    while (tail < min(len(published.pieces), len(heard.pieces)) - same
           and published.pieces[-1 - tail] == heard.pieces[-1 - tail]):
        tail += 1
    pieces = max(1, len(published.pieces) - same - tail, len(heard.pieces) - same - tail)
    return Fit(published.total - heard.total, pieces)


def _score(aligned: Aligned, units: list[_Unit], regions: list[_Region], options: CheckOptions,
           transcribe_options: TranscribeOptions):
    """Fits per region from the recognizer's model and from the second model (None where not scored)."""
    fits: list[Fit | None] = [None] * len(regions)
    second: list[Fit | None] = [None] * len(regions)
    if not regions or not (options.rescore or options.second_model):
        return fits, second, ()
    from .transcribe import score_texts

    requests, owners = _windows(aligned, units, regions)
    audio = aligned.audio_path  # read window by window: a long programme is never held whole
    models = ([(fits, transcribe_options)] if options.rescore else []) + (
        [(second, replace(transcribe_options, model=options.second_model))] if options.second_model else [])
    scored_by = []
    for target, model_options in models:
        scores = score_texts(audio, requests, model_options)
        for window, text, k in owners:
            target[k] = _fit(scores[window][text], scores[window][0])
        scored_by.append(model_options.model)
        log.info("%s scored %d differences in %d stretches of audio", model_options.model, len(owners),
                 len(requests))
    return fits, second, tuple(scored_by)


# -- report.json --------------------------------------------------------------------------------------------
def _difference_json(d: Difference) -> dict:
    return {"published": d.published, "heard": d.heard, "start": d.start, "end": d.end, "kind": d.kind,
            "char_start": d.char_start, "char_end": d.char_end, "reason": d.reason, "margin": d.margin,
            "pieces": d.pieces, "probability": d.probability, "similarity": d.similarity}


def report_json(report: Report) -> dict:
    """The documented report.json."""
    m = report.measures
    return {
        "audio": report.audio, "duration": report.duration, "scored_by": list(report.scored_by),
        "wer": round(m.wer, 4), "cer": round(m.cer, 4), "substitutions": m.substitutions,
        "deletions": m.deletions, "insertions": m.insertions, "hits": m.hits, "reference_words": m.reference_words,
        "unspoken": [{"text": u.text, "char_start": u.char_start, "char_end": u.char_end} for u in report.unspoken],
        "unscripted": [{"text": u.text, "start": u.start, "end": u.end} for u in report.unscripted],
        "differences": [_difference_json(d) for d in report.differences],
        "quotes": [{"text": q.text, "start": q.start, "end": q.end, "verbatim": q.verbatim, "spoken": q.spoken,
                    "char_start": q.char_start, "char_end": q.char_end,
                    "differences": [_difference_json(d) for d in q.differences]} for q in report.quotes],
    }


def write_reports(aligned: Aligned, json_path: Path | None, html_path: Path | None,
                  options: CheckOptions = CheckOptions(),
                  transcribe_options: TranscribeOptions = TranscribeOptions()) -> Report:
    """Check, then write report.json and the review page (either may be None)."""
    report = check(aligned, options, transcribe_options)
    if json_path is not None:
        write_atomic(json_path, json.dumps(report_json(report), indent=1, ensure_ascii=False))
    if html_path is not None:
        from .review import review_page

        # the link as the user sees the paths (no symlinks resolved), relative to the page
        audio_link = Path(os.path.relpath(os.path.abspath(aligned.audio_path), os.path.abspath(Path(html_path).parent)))
        write_atomic(html_path, review_page(aligned, report, urllib.parse.quote(audio_link.as_posix())))
    return report


# -- the terminal -----------------------------------------------------------------------------------------------
def _at(seconds: float | None) -> str:
    return "—" if seconds is None else clock(to_ms(seconds))


def print_report(report: Report, console=None) -> None:
    """A summary table, then the flagged items: misquotes, wording differences, unspoken and unscripted."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = console or Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    m = report.measures
    recognition = sum(d.kind == RECOGNITION for d in report.differences)
    wording = len(report.differences) - recognition
    spoken_quotes = [q for q in report.quotes if q.spoken]
    unspoken_quotes = len(report.quotes) - len(spoken_quotes)
    summary = Table(title=f"Accuracy check: {escape(report.audio)}", show_header=False, title_justify="left")
    summary.add_column(style="bold")
    summary.add_column()
    summary.add_row("word error rate", f"{m.wer:.1%} over {m.reference_words} spoken published words "
                    f"({m.substitutions} substituted, {m.deletions} deleted, {m.insertions} inserted)")
    summary.add_row("character error rate", f"{m.cer:.1%}")
    summary.add_row("differences", f"{wording} in wording, {_count(recognition, 'likely recognition error')}"
                    + ("" if report.scored_by else " (judged without the model)"))
    summary.add_row("quotes", f"{len(spoken_quotes) - len(report.misquotes)} of {len(spoken_quotes)} verbatim"
                    + (f", {unspoken_quotes} not spoken" if unspoken_quotes else ""))
    summary.add_row("never spoken", f"{_count(len(report.unspoken), 'passage')} of the text")
    summary.add_row("unscripted", f"{_count(len(report.unscripted), 'passage')} of speech")
    console.print(summary)

    def change(d: Difference) -> str:
        return escape(f"published: {d.published.strip(_QUOTE_MARKS) or '—'}  heard: {d.heard or '—'}")

    in_quotes = [d for q in report.misquotes for d in q.differences]
    for quote in report.misquotes:
        console.print(f"\n[bold red]NOT VERBATIM[/] {_at(quote.start)}  “{escape(quote.text)}”")
        for d in quote.differences:
            if d.kind == WORDING:
                console.print(f"  {_at(d.start)}  {change(d)}\n    [dim]{escape(d.reason)}[/]")
    outside = [d for d in report.differences if d.kind == WORDING and d not in in_quotes]
    if outside:
        console.print("\n[bold]Wording differences[/]")
        for d in outside:
            console.print(f"  {_at(d.start)}  {change(d)}")
    if report.unspoken:
        console.print("\n[bold]Published, never spoken[/]")
        for u in report.unspoken:
            console.print(f"  chars {u.char_start}-{u.char_end}: {escape(excerpt(u.text, 100))}", no_wrap=True,
                          overflow="ellipsis")
    if report.unscripted:
        console.print("\n[bold]Spoken, never published[/]")
        for u in report.unscripted:
            console.print(f"  {_at(u.start)}-{_at(u.end)}: {escape(excerpt(u.text, 100))}", no_wrap=True,
                          overflow="ellipsis")


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


# -- the command ------------------------------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("audio", type=Path, help="the broadcast recording")
    parser.add_argument("text", type=Path, help="the published text (plain UTF-8 or an HTML page)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the report as JSON")
    parser.add_argument("--html", type=Path, metavar="FILE",
                        help="write the review page (it plays the audio through a relative link)")
    parser.add_argument("--fail-on", action="append", default=[], metavar="KIND",
                        help=f"exit 1 when the report has items of this kind: {', '.join(FAIL_ON)} "
                             "(repeat or separate with commas)")
    parser.add_argument("--second-model", metavar="DIR",
                        help="a larger local CTranslate2 Whisper model whose judgement of each difference "
                             "overrules the recognizer's")
    parser.add_argument("--no-rescore", action="store_true",
                        help="judge differences by sound and confidence only, without reading them to the model")


def _fail_on(values: list[str]) -> list[str]:
    kinds = [k.strip() for value in values for k in value.split(",") if k.strip()]
    for kind in kinds:
        if kind not in FAIL_ON:
            raise InputError(f"--fail-on {kind}: choose from {', '.join(FAIL_ON)}")
    return kinds


def command(args: argparse.Namespace, options: TranscribeOptions) -> int:
    """`aligner check`: print the summary and flagged items; exit 1 if a --fail-on kind was found."""
    kinds = _fail_on(args.fail_on)
    for path in (args.json, args.html):
        if path is not None and path.is_dir():
            raise InputError(f"{path} is a folder; give a file name")
    if args.second_model and not Path(args.second_model).is_dir():
        raise InputError(f"--second-model {args.second_model}: no such folder (a local CTranslate2 Whisper model)")
    aligned = align_files(args.audio, args.text, options, use_cache=not args.no_cache)
    report = write_reports(aligned, args.json, args.html,
                           CheckOptions(rescore=not args.no_rescore, second_model=args.second_model), options)
    print_report(report)
    for path, what in ((args.json, "report"), (args.html, "review page")):
        if path is not None:
            print(f"wrote the {what} to {path}")
    found = [kind for kind in kinds if report.flagged(kind)]
    if found:
        print(f"failing: {', '.join(f'{report.flagged(k)} {k}' for k in found)}")
        return 1
    return 0
