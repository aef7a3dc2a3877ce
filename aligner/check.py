"""The accuracy check: how faithful the published text is to what was said.

From one alignment it gathers the published text that was never spoken, the speech that was never
published (exactly the alignment's unscripted speech), and every word-level difference between the two,
each judged by `classify`; every quotation gets a verdict. The measures (WER, CER) cover the stretches that
were spoken: spoken words and words left out of a spoken sentence, against what was heard there.

A difference is judged by what the signal offers: the published wording (written the way the recognizer
writes, see `orthography`) and the heard one are both read to the recognizer's model for the same stretch
of audio (`transcribe.score_texts`). When the published words fit the audio about as well as what the
recognizer wrote, it misheard them; when they fit far worse, the speaker said something else.
"""
from __future__ import annotations

import argparse
import bisect
import dataclasses
import difflib
import functools
import itertools
import logging
import re
from collections.abc import Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from rapidfuzz.distance import Indel

from .align import (
    MATCHED,
    MIN_ANCHOR,
    OMITTED,
    PAUSE,
    PHRASE_GAP,
    SECONDS_PER_CHAR,
    SENTENCE_ENDS,
    SOUND_FLOOR,
    SUBSTITUTED,
    UNSPOKEN,
    Unscripted,
    elided,
    ends_clause,
    said_order,
    similarity,
)
from .classify import Fit, acoustic_distance, classify, whisper_distance
from .decode import read_spans
from .errors import ExitCode, InputError
from .files import Outputs, ensure_writable
from .measures import QUALIFIERS, Chunk, is_hesitation, is_negation, measure, standard_tokens, tokens_in_a_row
from .normalize import flatten, word_keys
from .orthography import as_recognized_case, is_name, spoken_form
from .pipeline import Aligned, align_files
from .quotes import Quote, find_quotes
from .render import print_report, write_reports
from .report import FAIL_ON, RECOGNITION, UNCERTAIN, WORDING, Difference, QuoteVerdict, Report, UnspokenText
from .text import editorial_words
from .timefmt import clock, to_ms
from .transcribe import SAMPLE_RATE, HeardWord, TranscribeOptions, voice_in

__all__ = ["CheckOptions", "check", "add_arguments", "command"]

log = logging.getLogger(__name__)

# Context around a difference that is read to the model with it.
_CONTEXT_WORDS = 4
_CONTEXT_PAUSE = 1.0  # seconds of silence that end the context ...
# ... beyond the nearest words: an orator's pauses ("ask … not … what") must not leave a difference alone in its
# window, where nothing around it tells the model or the phonetic aligner what was said ("ask" alone fitted
# "ask not" better than "ask not" did)
_MIN_CONTEXT_WORDS = 2
_WINDOW_PAD = 0.15  # seconds of audio either side of the context words
_MAX_WINDOW = 20.0  # seconds; nearby differences share a window up to this length
_BESIDE = 0.3  # seconds: unpublished speech this close to where unheard words belong was heard "there"
_MAX_EXTRA_UNITS = 2  # heard words beside unheard published ones compared with them: as many, and this many more
_MIN_VOICE = 0.3  # s: a gap shorter than this holds no word the recognizer could have dropped
_NEGATION_CUT = 3  # words: speech left out at an ellipsis this short, with a negation in it, may reverse a quote
# Words of speech a quote may run on across without an ellipsis: an aside of one or two words ("you know", "I
# mean", "well") is dropped from quotes by common practice; more is the speaker's content, left out unmarked.
_ASIDE = 2
# A quote found nowhere, with unpublished speech in its place that sounds this much like it (align.similarity of
# their letters), may have been said and misheard beyond recognition. Measured on 1,765 pairs of a check-set
# quote and recognized speech of the same length from another recording: median 0.44, 99th percentile 0.55.
_SOUNDS_LIKE_IT = 0.55
# ... or one recognized sentence of that speech this alike: the most alike of up to 12 sentences of another
# recording's speech (413 quotes of the check set's used splits, 5 stretches each) reached this once in a hundred
# (99th percentile 0.568; median 0.47).
_SENTENCE_LIKE_IT = 0.57
# ... or a run of recognized words about as long as the quote (_RUN_LETTERS times its letters) this alike: the most
# alike such run in up to 12 recognized sentences of another recording's speech (527 quotes of fresh31 to fresh38,
# calibration, 5 stretches each: 2,000 pairs) reached 0.69 once in a hundred (median 0.57, highest 0.80).
_RUN_LIKE_IT = 0.70
_RUN_LETTERS = (0.75, 1.33)
_RUN_SENTENCES = 12  # the line holds for speech of up to this many recognized sentences in the quote's place


@dataclass(frozen=True)
class CheckOptions:
    """How differences are judged."""

    rescore: bool = True  # read both wordings to the model; off: judge by sound and confidence only
    witness: bool = True  # a phonetic forced aligner (pocketsphinx) as a second, independent judge
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
_CLOCK = re.compile(r"(\d{1,2}):(\d\d)[.,;:!?”’\"')]*")
_CLOCK_HEARD = re.compile(r"(\d{1,2})[.:]?(\d\d)[.,;:!?\"')]*")


def _same_time(published: Sequence[str], heard: Sequence[str]) -> bool:
    """A clock time as published ("2:15") and as the recognizer writes the same words ("2.15", "215")."""
    if len(published) != 1 or len(heard) != 1:
        return False
    written, said = _CLOCK.fullmatch(published[0]), _CLOCK_HEARD.fullmatch(heard[0])
    return bool(written and said) and written.groups() == said.groups()


def _goes_with_the_word_before(text: str, in_a_row: tuple[str, ...]) -> bool:
    """A word with no tokens of its own in its row (measures.tokens_in_a_row) though it has some alone: the word
    before it holds them (the "hundred" of "a hundred") or they were read away (the "of" of "the 21st of May")."""
    return not in_a_row and bool(standard_tokens(text))


def _units(heard: Sequence[HeardWord]) -> list[_Unit]:
    groups: list[list[HeardWord]] = []
    for word in heard:
        if not word_keys(word.text):  # a lone mark ("." after "3.") is no word, here as in the alignment
            continue
        if groups and _CONTINUES.match(word.text) and word.start - groups[-1][-1].end < 0.3:
            groups[-1].append(word)
        else:
            groups.append([word])
    texts = ["".join(w.text for w in group) for group in groups]
    units: list[_Unit] = []
    for text, group, tokens in zip(texts, groups, tokens_in_a_row(texts), strict=True):
        unit = _Unit(text, group[0].start, group[-1].end, min(w.probability for w in group), tokens)
        if units and _goes_with_the_word_before(text, tokens):
            last = units.pop()
            unit = replace(last, text=f"{last.text} {text}", end=unit.end,
                           probability=min(last.probability, unit.probability))
        units.append(unit)
    return [u for u in units if u.tokens]


# -- the published side ---------------------------------------------------------------------------------------
def _unspoken(aligned: Aligned) -> list[UnspokenText]:
    """Runs of published words never spoken (not those left out of a spoken sentence), one item per paragraph."""
    items: list[UnspokenText] = []
    words = aligned.alignment.words
    k = 0
    while k < len(words):
        if words[k].status != UNSPOKEN:
            k += 1
            continue
        end = k
        while end + 1 < len(words) and words[end + 1].status == UNSPOKEN and (
                words[end + 1].paragraph == words[k].paragraph):
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


def _apart(words, p_word: list[int]) -> set[int]:
    """Published tokens with text never spoken right before them (a paragraph not said, the reporter's words
    before a quote), or said before the text's words ahead of them: a difference never runs across such text,
    whose words the measure does not compare, nor from one passage to another said in another order."""
    return {t for t in range(1, len(p_word)) if p_word[t] < p_word[t - 1] or any(
        words[k].status == UNSPOKEN and standard_tokens(words[k].text) for k in range(p_word[t - 1] + 1, p_word[t]))}


Timing = tuple[list[tuple[float, float] | None], list[float]]  # published tokens' spoken spans, heard tokens' middles


def _cut(chunks: list[Chunk], apart: set[int], p_tokens: list[str], h_tokens: list[str],
         timing: Timing | None = None) -> list[Chunk]:
    """The chunks, each differing one cut where never-spoken text lies between its published tokens. A run of
    differing chunks across such text, whose every stretch was spoken, shares its heard words out by the times the
    alignment gave the stretches, however the word alignment broke its ties: of "sound quite different," and
    "the recording" around a reporter's words, heard "spent" and "reporting", each takes the one said in its time
    (jiwer had paired "quite" with "reporting" and left "the recording" out)."""
    runs: list[list[Chunk]] = []
    for chunk in chunks:
        if runs and chunk.kind != "equal" and runs[-1][-1].kind != "equal":
            runs[-1].append(chunk)
        else:
            runs.append([chunk])
    cut = []
    for run in runs:
        p0, p1, h0, h1 = run[0].p0, run[-1].p1, run[0].h0, run[-1].h1
        points = sorted(t for t in apart if p0 < t < p1)
        edges = list(itertools.pairwise([p0, *points, p1]))
        heard = _share_by_time(edges, h0, h1, timing) if len(run) > 1 and points else None
        if heard is not None:
            cut += [Chunk("substitute" if b > a else "delete", p_a, p_b, a, b)
                    for (p_a, p_b), (a, b) in zip(edges, heard, strict=True)]
            continue
        for chunk in run:
            points = sorted(t for t in apart if chunk.p0 < t < chunk.p1) if chunk.kind != "equal" else []
            if not points:
                cut.append(chunk)
                continue
            edges = list(itertools.pairwise([chunk.p0, *points, chunk.p1]))
            heard = _share_out(["".join(p_tokens[a:b]) for a, b in edges], h_tokens, chunk.h0, chunk.h1)
            cut += [Chunk(chunk.kind if b > a else "delete", p_a, p_b, a, b)
                    for (p_a, p_b), (a, b) in zip(edges, heard, strict=True)]
    return cut


def _short_ties(chunks: list[Chunk], joined: Collection[int]) -> list[Chunk]:
    """The chunks, with a lone short published token the word alignment heard as written but gave more heard
    words than its own (`joined`, see align._join_across_short_ties) made part of one difference with the
    inserted and the differing chunk on either side of it: "in Antananarivo" heard "hunter in row" is one
    mishearing, as in alignment.json, not "hunter" inserted and the name heard as "row"."""
    out = list(chunks)
    for k in range(1, len(out) - 1):
        tie, kinds = out[k], {out[k - 1].kind, out[k + 1].kind}
        if tie.kind == "equal" and tie.p1 - tie.p0 == 1 and tie.p0 in joined and "insert" in kinds and (
                kinds & {"substitute", "delete"}):
            out[k] = Chunk("substitute", tie.p0, tie.p1, tie.h0, tie.h1)
    return out


def _share_by_time(edges: list[tuple[int, int]], h0: int, h1: int, timing: Timing | None
                   ) -> list[tuple[int, int]] | None:
    """Heard tokens h0..h1 given to the published stretches `edges` by time: each boundary halfway between one
    stretch's spoken end and the next one's start. None if a stretch has no time (it was left out)."""
    if timing is None:
        return None
    p_spans, h_middle = timing
    spans = [[p_spans[t] for t in range(a, b) if p_spans[t] is not None] for a, b in edges]
    if not all(spans):
        return None
    cuts = [h0]
    for left, right in itertools.pairwise(spans):
        boundary = (max(end for _, end in left) + min(start for start, _ in right)) / 2
        cuts.append(max(cuts[-1], h0 + sum(h_middle[j] < boundary for j in range(h0, h1))))
    return list(itertools.pairwise([*cuts, h1]))


def _share_out(pieces: list[str], h_tokens: list[str], h0: int, h1: int) -> list[tuple[int, int]]:
    """Heard tokens h0..h1, in order, given to the published pieces they share the most letters with
    ("countrywoman" | "the" against "country woman": both heard words to the first piece)."""
    def spans(bounds: tuple[int, ...]) -> list[tuple[int, int]]:
        return list(itertools.pairwise((h0, *bounds, h1)))

    def shared(bounds: tuple[int, ...]) -> int:
        return sum(Indel.similarity(piece, "".join(h_tokens[a:b])) for piece, (a, b) in zip(pieces, spans(bounds),
                                                                                               strict=True))

    return spans(max(itertools.combinations_with_replacement(range(h0, h1 + 1), len(pieces) - 1), key=shared))


def _regions(chunks: list[Chunk], p_tokens: list[str], p_word: list[int], h_tokens: list[str],
             h_unit: list[int], held: dict[int, int], apart: set[int] = frozenset(),
             timing: Timing | None = None, joined: Collection[int] = ()) -> list[_Region]:
    """Consecutive differing chunks become one region ("HIMARS" ~ "high" + "Mars" is one difference), unless
    never-spoken text lies between them (`apart`, see _apart; `timing`, see _cut). A published word whose tokens
    the word before it holds or that has none of its own in a row of words (`held`: "hundred" of "a hundred",
    "of" of "the 21st of May") goes with that word."""
    chunks = _short_ties(_cut(chunks, apart, p_tokens, h_tokens, timing), joined)
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
        if run and chunk.kind != "equal" and chunk.p0 in apart and chunk.p1 > chunk.p0:
            raw.append((run[0].p0, run[-1].p1, run[0].h0, run[-1].h1))
            run = []
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
        words |= {k for k, holder in held.items() if holder in words}
        after = h_unit[h0 - 1] if h0 > 0 else -1
        if grown and (grown[-1][0] & words or grown[-1][1] & units):
            grown[-1] = (grown[-1][0] | words, grown[-1][1] | units, grown[-1][2])
        else:
            grown.append((words, units, after))
    return [_Region(tuple(sorted(words)), tuple(sorted(units)),
                    tuple(p_tokens[t] for w in sorted(words) for t in of_word.get(w, ())),
                    tuple(h_tokens[t] for u in sorted(units) for t in of_unit[u]), after)
            for words, units, after in grown]


def _taken_from_timed_words(aligned: Aligned, chunks: list[Chunk], p_word: list[int], units: list[_Unit],
                            h_unit: list[int]) -> set[int]:
    """Published tokens of words the alignment left unheard (no time) that the word alignment paired as equal with
    a heard word the alignment gave to a timed published word: a quote's left-out "the flu," paired with the "the"
    of the next quote's “the recording…”, which then had no "the" of its own. The alignment knows whose it is."""
    words = aligned.alignment.words
    timed = sorted((w.start, w.end) for w in words if w.spoken and w.start is not None)
    starts = [start for start, _ in timed]

    def owned(unit: _Unit) -> bool:
        middle = (unit.start + unit.end) / 2
        k = bisect.bisect_right(starts, middle) - 1
        return k >= 0 and timed[k][0] <= middle <= timed[k][1]

    return {chunk.p0 + i for chunk in chunks if chunk.kind == "equal" for i in range(chunk.p1 - chunk.p0)
            if words[p_word[chunk.p0 + i]].start is None and owned(units[h_unit[chunk.h0 + i]])}


def _compared_units(aligned: Aligned, units: list[_Unit]) -> list[int]:
    """The heard units the measure compares with the published words: all but those of the alignment's
    unscripted passages said apart from the text (speech said inside a published sentence is an insertion)."""
    apart = [u for u in aligned.alignment.unscripted if not u.inside]
    return [k for k, unit in enumerate(units)
            if not any(u.start - 1e-6 <= unit.start and unit.end <= u.end + 1e-6 for u in apart)]


def check(aligned: Aligned, options: CheckOptions = CheckOptions(),
          transcribe_options: TranscribeOptions = TranscribeOptions()) -> Report:
    """The accuracy report for one aligned broadcast."""
    words = aligned.alignment.words
    compared_words = [k for k in said_order(words) if words[k].spoken or words[k].status == OMITTED]
    in_a_row = tokens_in_a_row([words[k].text for k in compared_words])
    p_tokens, p_word = flatten(zip(compared_words, in_a_row, strict=True))
    held: dict[int, int] = {}  # a published word with no tokens of its own in the row: the word it goes with
    for i in range(1, len(compared_words)):
        if _goes_with_the_word_before(words[compared_words[i]].text, in_a_row[i]):
            held[compared_words[i]] = held.get(compared_words[i - 1], compared_words[i - 1])

    # a first comparison finds spacing variants ("antiarmor" ~ "anti armor": the same words); the second
    # one is the measure
    units = _units(aligned.transcript.words)
    compared = _compared_units(aligned, units)
    h_tokens, h_unit = flatten((k, units[k].tokens) for k in compared)
    rewritten: dict[int, tuple[str, ...]] = {}
    apart = _apart(words, p_word)
    joined = {t for t, k in enumerate(p_word) if words[k].status == SUBSTITUTED}
    for region in _regions(measure(p_tokens, h_tokens)[1], p_tokens, p_word, h_tokens, h_unit, held, apart,
                           joined=joined):
        if region.p_tokens and region.h_tokens and ("".join(region.p_tokens) == "".join(region.h_tokens) or _same_time(
                [words[k].text for k in region.words], [units[k].text for k in region.units])):
            rewritten.update({k: region.p_tokens if j == 0 else () for j, k in enumerate(region.units)})
    units = [replace(u, tokens=rewritten[k]) if k in rewritten else u for k, u in enumerate(units)]
    h_tokens, h_unit = flatten((k, units[k].tokens) for k in compared)
    measures, chunks = measure(p_tokens, h_tokens)
    if taken := _taken_from_timed_words(aligned, chunks, p_word, units, h_unit):
        # the same measure, but those unheard words' tokens match nothing: jiwer's tie between equal alignments
        # ("the flu the recording" against "the reporting") must not give a heard word to the wrong one
        chunks = measure([_NOT_A_TOKEN if t in taken else token for t, token in enumerate(p_tokens)], h_tokens)[1]
    timing = ([(words[k].start, words[k].end) if words[k].start is not None else None for k in p_word],
              [(units[u].start + units[u].end) / 2 for u in h_unit])
    regions = _regions(chunks, p_tokens, p_word, h_tokens, h_unit, held, apart, timing, joined)
    quotes = find_quotes(aligned.document)
    openings = {quote.first_word for quote in quotes}
    regions = [_with_speech_after(aligned, units, _with_speech_beside(aligned, units, region, openings), openings)
               for region in regions]
    beside = {k for region in regions if region.words for k in region.units}
    # heard words now compared with the unheard published words in their place are not also an insertion
    regions = [r for r in regions if r.words or not set(r.units) <= beside]

    fits, second, acoustic, scored_by = _score(aligned, units, regions, options, transcribe_options)
    differences = _placed_in_doubt(aligned, [_difference(aligned, units, region, fits[k], second[k], acoustic[k],
                                                         openings) for k, region in enumerate(regions)], quotes)
    return Report(str(aligned.audio_path), aligned.transcript.duration, measures, tuple(_unspoken(aligned)),
                  aligned.alignment.unscripted, tuple(differences), tuple(_quotes(aligned, differences, quotes)),
                  scored_by, round(aligned.alignment.coverage, 4), sum(w.spoken for w in words),
                  sum(w.status == OMITTED for w in words))


_NOT_A_TOKEN = "\x00"  # a published token hidden from the word alignment: it matches nothing


# An article alone opening a quote, unheard: on the check set's used splits and fresh28 (stop 28), all 6 such
# differences were the recognizer missing the first word of the quote's voice ("“The children…" heard
# "Children…"), and 4 of them were confident wording verdicts, the phonetic aligner finding no room for it.
_ARTICLES = {("the",), ("a",), ("an",)}


def _difference(aligned: Aligned, units: list[_Unit], region: _Region, fit: Fit | None,
                second: Fit | None, acoustic: float | None, openings: set[int]) -> Difference:
    words = aligned.alignment.words
    heard_units = [units[k] for k in region.units]
    if region.words:
        char_start, char_end = words[region.words[0]].char_start, words[region.words[-1]].char_end
        published = aligned.document.text[char_start:char_end]
    else:  # heard-only words: placed after the published word said before them
        before = sorted((w for w in words if w.spoken and w.end is not None and w.end <= heard_units[0].start + 0.05),
                        key=lambda w: w.end)
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
    kind, reason = classify(region.p_tokens, region.h_tokens, probability, fit, second, timed, acoustic,
                            not timed and not heard_units and _speech_beside(aligned, region.words[0],
                                                                             region.words[-1]),
                            _unfamiliar(aligned, region.words))
    if kind == WORDING and not timed and (elsewhere := _said_elsewhere(aligned, region.p_tokens)) is not None:
        kind, reason = UNCERTAIN, (f"listen: these words were heard at {clock(to_ms(elsewhere))}, apart from the "
                                   f"words around them: put together from speech said in another order?")
    if kind == WORDING and not heard_units and region.words[0] in openings and region.p_tokens in _ARTICLES:
        kind, reason = UNCERTAIN, ("listen: the article that opens the quote was not recognized, and neither "
                                   "witness can be trusted there: the recognizer often drops the first short word "
                                   "of a new voice, and the phonetic aligner cannot tell a reduced \"the\" from none")
    alike = similarity("".join(region.p_tokens), "".join(region.h_tokens)) if region.p_tokens and region.h_tokens \
        else 0.0
    best = second or fit
    distance = None if best is None else round(whisper_distance(region.p_tokens, region.h_tokens, probability, best), 2)
    witness = None if acoustic is None else round(acoustic_distance(acoustic, region.p_tokens, region.h_tokens), 2)
    return Difference(published, " ".join(u.text for u in heard_units), start, end, char_start, char_end, kind,
                      reason, None if best is None else round(best.margin, 2), None if best is None else best.pieces,
                      probability, round(alike, 3), acoustic, distance, witness)


def _said_elsewhere(aligned: Aligned, published: Sequence[str]) -> float | None:
    """When MIN_ANCHOR or more published words in a row (not by chance) that the alignment left out of a spoken
    sentence were heard word for word in speech apart from the text, where: a quote that joins two sentences in
    the other order than they were said."""
    if len(published) < MIN_ANCHOR:
        return None
    apart = (u for u in aligned.alignment.unscripted if not u.inside)
    return next((speech.words[owner[match.b]].start for speech, _, owner, _, match in _runs_in(apart, published)
                 if match.size >= MIN_ANCHOR), None)


def _unfamiliar(aligned: Aligned, published: Sequence[int]) -> str:
    """What makes one of these published words one a recognizer may not know: "a name", "a rare word" or ""."""
    from .phonetic import is_familiar

    words = aligned.alignment.words
    if any(is_name(aligned.document.text, words[k].char_start, words[k].char_end) for k in published):
        return "a name"
    return "" if all(is_familiar(words[k].text) for k in published) else "a rare word"


def _gap(aligned: Aligned, first: int, last: int) -> tuple[float, float]:
    """The time between the spoken words around published words first..last."""
    words = aligned.alignment.words
    before = [w for w in words[:first] if w.spoken and w.end is not None]
    after = [w for w in words[last + 1:] if w.spoken and w.start is not None]
    lo = before[-1].end if before else 0.0
    hi = after[0].start if after else aligned.transcript.duration
    if lo > hi:  # said in another order than the text's (align._said_out_of_order): the gap in time beside the
        # spoken word of their own sentence
        timed = [w for w in words if w.spoken and w.start is not None]
        if after and after[0].sentence == words[last].sentence:
            lo = max((w.end for w in timed if w.end <= hi), default=0.0)
        else:
            hi = min((w.start for w in timed if w.start >= lo), default=aligned.transcript.duration)
    return lo, hi


def _unscripted_beside(aligned: Aligned, first: int, last: int) -> tuple[float, float, list]:
    """The gap around unheard published words first..last, and the unpublished speech heard in it."""
    lo, hi = _gap(aligned, first, last)
    return lo, hi, [u for u in aligned.alignment.unscripted if u.start < hi + _BESIDE and lo - _BESIDE < u.end]


def _with_speech_beside(aligned: Aligned, units: list[_Unit], region: _Region, openings: set[int]) -> _Region:
    """Published words that were not heard, where unpublished speech was heard in their place ("…for the
    nation." against "…for your country."): that speech is what the witnesses compare them with, so a real
    change and a word misheard beyond recognition are told apart instead of both being "never said".
    `openings` are the published words that open a quotation."""
    if region.units or not region.words or any(aligned.alignment.words[k].spoken for k in region.words):
        return region
    lo, hi, apart = _unscripted_beside(aligned, region.words[0], region.words[-1])
    if not apart:
        return region
    # the heard words next to the side the published words hang on: the start of a quote or paragraph (its
    # first words unheard) was said right before the next spoken word, the rest right after the last one; only
    # the unscripted passage said there, not speech after a long pause (where the alignment splits passages)
    words, first = aligned.alignment.words, region.words[0]
    opening = first == 0 or words[first - 1].paragraph != words[first].paragraph or first in openings
    there = max(apart, key=lambda u: u.end) if opening else min(apart, key=lambda u: u.start)
    beside = [k for k, unit in enumerate(units) if lo - _BESIDE < unit.start and unit.end < hi + _BESIDE
              and there.start - 1e-6 <= unit.start and unit.end <= there.end + 1e-6]
    count = len(region.p_tokens) + _MAX_EXTRA_UNITS
    beside = beside[-count:] if opening else beside[:count]
    # published words that begin or end a sentence (or open a quote) were said in the heard sentence beside them,
    # not in the one before or after it ("…is probably fine.” against "…probably good. Alright, thanks.": "good."
    # alone; a quote's first "The", heard "A", after a reporter's "she said:" and the speaker's own "not ten past.")
    breaks = [n + 1 for n, k in enumerate(beside[:-1]) if ends_clause(units[k].text, SENTENCE_ENDS)]
    if opening and beside and not ends_clause(words[region.words[-1]].text) and ends_clause(units[beside[-1]].text,
                                                                                       SENTENCE_ENDS):
        breaks.append(len(beside))  # they run on into the next spoken word: said after the heard sentence ended
    if opening and (first == 0 or first in openings or ends_clause(words[first - 1].text, SENTENCE_ENDS)):
        beside = beside[max(breaks, default=0):]
    elif not opening and ends_clause(words[region.words[-1]].text, SENTENCE_ENDS):
        beside = beside[:min(breaks, default=len(beside))]
    if not beside:
        return region
    # as many heard words as published ones, and more only where they sound more like them: a quote taken up
    # mid-sentence has the speaker's words before it ("a durable peace-net" for the quote's first "that", said
    # "a durable peace that"), but a published word is often heard as two ("HIMARS" as "high Mars")
    published = "".join(region.p_tokens)

    def nearest(n: int) -> list[int]:
        return beside[-n:] if opening else beside[:n]

    fewest = min(len(region.p_tokens), len(beside))
    alike, n = max((similarity(published, "".join(t for k in nearest(n) for t in units[k].tokens)), -n)
                   for n in range(fewest, len(beside) + 1))
    beside = nearest(-n if alike >= SOUND_FLOOR else fewest)  # spellings that do not sound alike: as many
    return replace(region, units=tuple(beside), h_tokens=tuple(t for k in beside for t in units[k].tokens))


def _with_speech_after(aligned: Aligned, units: list[_Unit], region: _Region, openings: set[int]) -> _Region:
    """A difference whose last published words were not heard, where the speaker went on without a pause or a
    clause's end into speech the text does not follow: the heard words said right there are compared with them,
    as with words not heard at all (_with_speech_beside). The case (fresh38, calibration): “…if you spend it
    panicking,” heard "…spend its sanity, people ask me…", where "it panicking" was compared with "its" alone and
    called a change."""
    words = aligned.alignment.words
    spoken = [k for k in region.words if words[k].spoken]
    tail = [k for k in region.words if spoken and k > spoken[-1]]
    last = units[region.units[-1]] if region.units else None
    if last is None or not tail or ends_clause(last.text):
        return region
    unheard = _Region(tuple(tail), (), tuple(t for k in tail for t in standard_tokens(words[k].text)), (),
                      region.units[-1])
    after = _with_speech_beside(aligned, units, unheard, openings).units
    if not after or after[0] != region.units[-1] + 1 or units[after[0]].start - last.end >= PAUSE:
        return region
    return replace(region, units=region.units + after, h_tokens=region.h_tokens + tuple(
        t for k in after for t in units[k].tokens))


def _speech_beside(aligned: Aligned, first: int, last: int) -> bool:
    """Was speech heard where these unheard published words would have been said (between the spoken words
    around them): unpublished words, or a voice the recognizer wrote nothing for (it dropped the last
    "Thanks." of a recording) in time enough to say them? Then they may have been said and not recognized."""
    lo, hi, unscripted = _unscripted_beside(aligned, first, last)
    if unscripted:
        return True
    words = aligned.alignment.words
    if hi - lo < max(_MIN_VOICE, SECONDS_PER_CHAR * sum(len(words[k].text) for k in range(first, last + 1))):
        return False
    return _voice_in(str(aligned.audio_path), lo, hi)


@functools.lru_cache(maxsize=256)
def _voice_in(audio_path: str, start: float, end: float) -> bool:
    """`transcribe.voice_in` for one gap. Every unheard word of a run asks about the same gap, and a long
    programme is read from its start: asked once."""
    return voice_in(audio_path, [(start, end)])


def _left_out(aligned: Aligned, k: int, at: float) -> Difference:
    """A word of a quote that was not said: a wording difference, or uncertain with unpublished speech beside."""
    w = aligned.alignment.words[k]
    kind, reason = classify(standard_tokens(w.text), (), timed=False, speech_beside=_speech_beside(aligned, k, k))
    return Difference(w.text, "", at, at, w.char_start, w.char_end, kind, reason)


def _left_out_inside(aligned: Aligned, spoken: list) -> tuple[Difference, ...]:
    """Speech a quote leaves out between its own words, which the alignment calls speech never published.

    A negation a passage's editor left out at an ellipsis ("will … support" for "will not support"): a quote
    may be shortened, never turned into its opposite. Only a short cut is asked about (a negation and up to
    two words of its verb, "has not been"): a whole clause left out ("ask not what your country can do for
    you") takes its negation with it, and the words kept keep their sense.

    Speech a quote runs on across, between two of its sentences, where the text has no ellipsis: "…the
    principles of the UN Charter. It has to be a durable peace" for "…the UN Charter: sovereignty, territorial
    integrity, independence, and it has to be a durable peace". Inside a sentence such speech is an insertion,
    judged as any difference; here only a listener can tell whether the quote still says what was meant (an
    aside of _ASIDE words is not asked about). A cut already asked about for its negation is not asked again."""
    found = []
    for passage in aligned.alignment.unscripted:
        if passage.inside or not spoken[0].start <= passage.start < passage.end <= spoken[-1].end:
            continue
        before = max((w for w in spoken if w.end <= passage.start + 0.05), key=lambda w: w.end, default=None)
        after = min((w for w in spoken if w.start >= passage.end - 0.05), key=lambda w: w.start, default=None)
        negations = _negations_in(passage.words, (before or spoken[0]).char_end, "at the ellipsis") if len(
            passage.words) <= _NEGATION_CUT else []
        said = [h for h in passage.words if not is_hesitation(word_keys(h.text))]
        if negations:
            found += negations
        elif (before is not None and after is not None and not elided(before.text, after.text) and len(said) > _ASIDE
              and not _said_otherwise(aligned, spoken, before, after)):
            found.append(_asked_about(passage.words, after.char_start, "the quote runs on across speech it leaves "
                                                                       "out, with no ellipsis"))
    return tuple(found)


def _said_otherwise(aligned: Aligned, spoken: list, before, after) -> bool:
    """Do the heard words between two spoken words of a quote say what its words between them say, in another form
    ("£2,500" said "two and a half thousand pounds", where the alignment paired only "two" and "thousand pounds")?"""
    def said(texts: list[str]) -> list[str]:
        return [t for keys in tokens_in_a_row(texts) for t in keys]

    published = [w.text for w in spoken if before.char_end <= w.char_start and w.char_end <= after.char_start]
    heard = [h.text for h in aligned.transcript.words if before.end - 0.05 <= h.start and h.end <= after.start + 0.05]
    return bool(published) and said(published) == said(heard)


def _cut_off_before(aligned: Aligned, spoken: list) -> tuple[Difference, ...]:
    """A negation said just before a quote's first word, in the same clause ("Never" before "seen the roads so
    full", published as he had "seen the roads so full"; Kennedy's "ask not" before "what your country can do for
    you"): the same reversal as a negation left out at an ellipsis. Only the heard words within _NEGATION_CUT of
    the quote, after the last mark the recognizer wrote that ends a clause ("might never die, / But as the
    riper" is a new clause), with no pause longer than an orator's (PHRASE_GAP: Kennedy's "ask not … what" is
    1.1 s), are asked about. English puts a negation before what it negates: the words after a quote's end
    are an ordinary partial quote ("I'm talking pretty fast here" then "there's nothing else going on").
    Likewise a qualifier said right before the quote's first word ("probably" before "been lent to a cousin",
    published as the film had "been lent to a cousin"): a quote cut after it loses the speaker's hedge."""
    first = spoken[0]
    before = max([first.start - PHRASE_GAP, *(w.end for w in aligned.alignment.words
                                              if w.spoken and w.end <= first.start)])
    found = []
    for passage in aligned.alignment.unscripted:
        # the speech right before the quote, not inside its sentence. Its end is compared with the first word's end,
        # not start: the phonetic aligner re-times published words only, and Whisper gives a word it hurried over
        # no length, on the next word's sound ("Not" at 33.94-33.94 s before "slept", re-timed from 33.88 s)
        if before <= passage.end <= first.end and passage.start < first.end and not passage.inside:
            near = passage.words[-_NEGATION_CUT:]
            ends = [k for k, h in enumerate(near) if ends_clause(h.text)]
            near = near[ends[-1] + 1:] if ends else near
            negated = [k for k, h in enumerate(near) if _negated(h)]
            if negated:
                found += _negations_in(near[negated[0]:], first.char_start, "just before the quote")
            elif near and set(standard_tokens(near[-1].text)) & QUALIFIERS:
                found.append(_asked_about(near[-1:], first.char_start, f"the speaker qualified the quote's first "
                                                                       f"words just before it ({near[-1].text})"))
    return tuple(found)


def _negated(word: HeardWord) -> bool:
    return any(map(is_negation, standard_tokens(word.text)))


def _negations_in(words: Sequence[HeardWord], at: int, where: str) -> list[Difference]:
    """An uncertain difference for unpublished words with a negation in them, said beside a quote or inside it."""
    negations = [h.text for h in words if _negated(h)]
    return [_asked_about(words, at, f"the words left out {where} hold a negation ({', '.join(negations)})")] \
        if negations else []


def _asked_about(words: Sequence[HeardWord], at: int, why: str) -> Difference:
    """Unpublished words said beside a quote or inside it that may change what it says: uncertain, to listen to."""
    return Difference("", " ".join(h.text for h in words), words[0].start, words[-1].end, at, at, UNCERTAIN,
                      f"listen: {why}: does the quote still say what was meant?")


def _heard_elsewhere(aligned: Aligned, passage: Quote) -> QuoteVerdict | None:
    """A quote the alignment found nowhere, heard among the speech the text does not follow: a review quoting
    the end of a speech before its beginning, too short or too changed for the alignment to take it there (see
    align._said_out_of_order). It is not judged word by word: uncertain, with the times to listen to (never "not
    spoken")."""
    quoted = _said_as(aligned, passage)
    found = _found_in(aligned.alignment.unscripted, quoted, min(MIN_ANCHOR, len(quoted)))
    if found is None:
        return None
    said, tokens, _ = found
    exact = tokens == list(quoted)
    return _to_listen_to(passage, said, f"listen: heard at {clock(to_ms(said[0].start))}, out of the order of the "
                         f"text, {'word for word as published' if exact else 'not word for word'} (not judged by the "
                         f"witnesses)")


def _placed_in_doubt(aligned: Aligned, differences: list[Difference], quotes: Sequence[Quote]) -> list[Difference]:
    """The differences, with those in wording inside a quote uncertain where more of the quote's words were heard,
    in their order, in speech apart from the text than where the alignment placed it: a story's last quote
    “We’ll be ready. We’ve got to be.” placed on "we've got to move" a minute before its place at the end ("We'll
    be ready. We got to meet."), 4 words as published there against 7. Where it was said is in doubt, so what
    was said is too: listen, at both places."""
    words = aligned.alignment.words
    apart = [u for u in aligned.alignment.unscripted if not u.inside]
    for quote in quotes:
        wording = [k for k, d in enumerate(differences) if d.kind == WORDING
                   and d.char_end > quote.char_start and d.char_start < quote.char_end]
        if not wording:
            continue
        quoted = _said_as(aligned, quote)
        here = sum(len(standard_tokens(w.text)) for w in words[quote.first_word:quote.last_word + 1]
                   if w.status == MATCHED)
        found = _found_in(apart, quoted, 2)  # two tokens in a row, the least align takes for a quote
        if found is None or found[2] <= here:
            continue
        said, _, matched = found
        reason = (f"listen: {matched} of the quote's {len(quoted)} words were heard in order at "
                  f"{clock(to_ms(said[0].start))}, more than the {here} where it was placed: said there?")
        for k in wording:
            differences[k] = replace(differences[k], kind=UNCERTAIN, reason=reason)
    return differences


def _found_in(passages: Iterable[Unscripted], quoted: Sequence[str], least: int
              ) -> tuple[list[HeardWord], list[str], int] | None:
    """In these passages of unscripted speech, the longest run of at least `least` of the quoted tokens: the heard
    words from the first to the last matching near that run (stretched by quoted words beyond them), their tokens,
    and how many quoted tokens match there."""
    if not quoted:
        return None
    found = [f for f in _runs_in(passages, quoted) if f[-1].size >= least]
    if not found:
        return None
    speech, heard, owner, matcher, match = max(found, key=lambda f: f[-1].size)
    slack = len(quoted) // 2 + 2
    near = [b for b in matcher.get_matching_blocks() if b.size and abs((b.b - b.a) - (match.b - match.a)) <= slack]
    first = max(0, near[0].b - near[0].a)
    last = min(len(heard), near[-1].b + near[-1].size + len(quoted) - near[-1].a - near[-1].size) - 1
    return list(speech.words[owner[first]:owner[last] + 1]), heard[first:last + 1], sum(b.size for b in near)


def _runs_in(passages: Iterable[Unscripted], tokens: Sequence[str]):
    """Per passage of unscripted speech: the passage, its tokens, the word each token is of, and the matcher of
    `tokens` against them with its longest run."""
    for speech in passages:
        heard, owner = flatten((k, standard_tokens(h.text)) for k, h in enumerate(speech.words))
        matcher = difflib.SequenceMatcher(None, tokens, heard, autojunk=False)
        yield speech, heard, owner, matcher, matcher.find_longest_match()


def _heard_in_its_place(aligned: Aligned, passage: Quote) -> QuoteVerdict | None:
    """A quote the alignment found nowhere, where unpublished speech that sounds like it was heard between the
    spoken words around it ("You won’t need a telescope" heard as "You won't read up to any scope"): it may
    have been said and misheard beyond recognition, so uncertain, with the times to listen to (never "not
    spoken" on this evidence)."""
    heard = [h for u in _unscripted_beside(aligned, passage.first_word, passage.last_word)[2] for h in u.words]
    if not heard:
        return None
    quoted = "".join(_said_as(aligned, passage))
    spelled = ["".join(standard_tokens(h.text)) for h in heard]  # each heard word's letters, as the quote's are

    def alike(span: tuple[int, int]) -> float:  # heard words [a, b)
        return similarity(quoted, "".join(spelled[span[0]:span[1]]))

    if (whole := alike((0, len(heard)))) >= _SOUNDS_LIKE_IT:
        return _to_listen_to(passage, heard, f"listen: not recognized, but speech that sounds like it (similarity "
                             f"{whole:.2f}) was heard where it belongs (not judged by the witnesses)")
    # or one sentence of that speech ("We owe them a great deal" heard "We all never great deal." among others)
    ends = [k + 1 for k, h in enumerate(heard) if ends_clause(h.text, SENTENCE_ENDS)]
    sentences = [(a, b) for a, b in itertools.pairwise([0, *ends, len(heard)]) if b > a]
    if len(sentences) > 1 and (closest := alike(best := max(sentences, key=alike))) >= _SENTENCE_LIKE_IT:
        return _to_listen_to(passage, heard[slice(*best)], f"listen: not recognized, but a sentence that sounds like "
                             f"it (similarity {closest:.2f}) was heard where it belongs (not judged by the witnesses)")
    # or a run of its words about as long as the quote, inside a sentence ("Mud forgives you, and cement never
    # does," heard "…it cooks the people inside like bringing a heaven, mud, fungus, and cement, and dust, if we…")
    if len(sentences) > _RUN_SENTENCES:
        return None  # more speech than the line was measured on: a run like it is likelier by chance
    letters = list(itertools.accumulate(map(len, spelled), initial=0))
    shortest, longest = (share * len(quoted) for share in _RUN_LETTERS)
    runs = [(a, b) for a in range(len(heard))
            for b in range(bisect.bisect_left(letters, letters[a] + shortest, a + 1),
                           bisect.bisect_right(letters, letters[a] + longest, a + 1))]
    if runs and (closest := alike(best := max(runs, key=alike))) >= _RUN_LIKE_IT:
        return _to_listen_to(passage, heard[slice(*best)], f"listen: not recognized, but words that sound like it "
                             f"(similarity {closest:.2f}) were heard where it belongs (not judged by the witnesses)")
    return None


def _to_listen_to(passage: Quote, heard: Sequence[HeardWord], reason: str) -> QuoteVerdict:
    """An uncertain verdict for a quote not aligned word by word, with the heard words to listen to."""
    difference = Difference(passage.text, " ".join(h.text for h in heard), heard[0].start, heard[-1].end,
                            passage.char_start, passage.char_end, UNCERTAIN, reason)
    return QuoteVerdict(passage.text, passage.char_start, passage.char_end, heard[0].start, heard[-1].end, False,
                        (difference,), True)


def _quotes(aligned: Aligned, differences: list[Difference], quotes: list[Quote]) -> list[QuoteVerdict]:
    """Every quote's verdict. A quote printed again (a pull quote repeating the body's, a headline quoting a few
    of its words: ‘rest and refit’) is said once: a copy the alignment left unspoken takes the verdict of the
    words of a spoken quote it repeats."""
    words = aligned.alignment.words
    said = [q for q in quotes if any(w.spoken for w in words[q.first_word:q.last_word + 1])]
    verdicts = []
    for quote in quotes:
        source = None if quote in said else _repeated_in(aligned, quote, said)
        if source is None:
            verdicts.append(passage_verdict(aligned, differences, quote))
        else:
            verdicts.append(dataclasses.replace(passage_verdict(aligned, differences, source), text=quote.text,
                                                char_start=quote.char_start, char_end=quote.char_end))
    return verdicts


def _repeated_in(aligned: Aligned, quote: Quote, said: list[Quote]) -> Quote | None:
    """The words of a spoken quote that say what `quote` says, word for word as the measures compare them."""
    wanted = _said_as(aligned, quote)
    words = aligned.alignment.words
    for other in said if wanted else ():
        tokens, owner = flatten((k, standard_tokens(words[k].text))
                                for k in range(other.first_word, other.last_word + 1))
        for at in range(len(tokens) - len(wanted) + 1):
            first, last = owner[at], owner[at + len(wanted) - 1]
            if (tuple(tokens[at:at + len(wanted)]) == wanted and (at == 0 or owner[at - 1] != first)
                    and (at + len(wanted) == len(tokens) or owner[at + len(wanted)] != last)):
                return Quote(quote.text, words[first].char_start, words[last].char_end, first, last)
    return None


def _said_as(aligned: Aligned, quote: Quote) -> tuple[str, ...]:
    """A quote's words as the measures compare them."""
    return tuple(t for w in aligned.alignment.words[quote.first_word:quote.last_word + 1]
                 for t in standard_tokens(w.text))


def passage_verdict(aligned: Aligned, differences: Sequence[Difference], passage: Quote) -> QuoteVerdict:
    """Whether a published passage (a quote, or any run of words a clip is asked for) was said as published:
    verbatim when every difference in it is the recognizer's, uncertain when the rest are differences the
    evidence disagrees on, else not verbatim. Words of it never said count as differences of their own."""
    words = aligned.alignment.words
    inside = words[passage.first_word:passage.last_word + 1]
    spoken = [w for w in inside if w.spoken]
    found = tuple(d for d in differences if d.char_end > passage.char_start and d.char_start < passage.char_end)
    if spoken and len(spoken) < len(inside):  # a part of the passage never said (whole sentences of it)
        covered = {(d.char_start, d.char_end) for d in found}
        editorial = editorial_words(aligned.document)
        # hesitations ("Um,") count for nothing: the measure and the recognizer leave them out alike; words in
        # brackets are the writer's ("[America]"), never the speaker's
        found += tuple(_left_out(aligned, k, spoken[-1].end)
                       for k, w in enumerate(inside, start=passage.first_word)
                       if not w.spoken and standard_tokens(w.text) and k not in editorial
                       and not any(a <= w.char_start and w.char_end <= b for a, b in covered))
    if spoken:
        found += tuple(d for d in _left_out_inside(aligned, spoken) + _cut_off_before(aligned, spoken)
                       if not any(f.start < d.end and d.start < f.end for f in found))  # not judged already
    elif heard := _heard_elsewhere(aligned, passage) or _heard_in_its_place(aligned, passage):
        return heard
    # every word left out is now a difference: judged, or "never said"
    verbatim = bool(spoken) and all(d.kind == RECOGNITION for d in found)
    uncertain = bool(spoken) and not verbatim and all(d.kind != WORDING for d in found)
    return QuoteVerdict(passage.text, passage.char_start, passage.char_end,
                        spoken[0].start if spoken else None, spoken[-1].end if spoken else None,
                        verbatim, tuple(sorted(found, key=lambda d: d.char_start)), uncertain)


# -- scoring the two wordings against the audio -----------------------------------------------------------------
def _context(units: list[_Unit], first: int, last: int) -> tuple[int, int]:
    """Heard units lo..hi-1 around units first..last-1: up to _CONTEXT_WORDS each side, the nearest
    _MIN_CONTEXT_WORDS whatever the pauses, the rest up to the first long pause."""
    def paused(k: int) -> bool:  # a long pause before unit k
        return 0 < k < len(units) and units[k].start - units[k - 1].end >= _CONTEXT_PAUSE

    lo = first
    while lo > 0 and first - lo < _CONTEXT_WORDS and (first - lo < _MIN_CONTEXT_WORDS or not paused(lo)):
        lo -= 1
    hi = last
    while hi < len(units) and hi - last < _CONTEXT_WORDS and (hi - last < _MIN_CONTEXT_WORDS or not paused(hi)):
        hi += 1
    return lo, hi


def _windows(aligned: Aligned, units: list[_Unit], regions: list[_Region], alone: set[int] | None = None):
    """Stretches of audio to score, each with the heard text and, per region in it, the text with that
    region's heard words replaced by the published ones. Nearby regions share a stretch; with `alone`, only
    those regions are read, each in a stretch of its own."""
    spans = []  # (first unit, last unit + 1, region index)
    for k, region in enumerate(regions):
        if alone is not None and k not in alone:
            continue
        first = region.units[0] if region.units else min(region.after_unit + 1, len(units))
        last = region.units[-1] + 1 if region.units else first
        lo, hi = _context(units, first, last)
        if lo == hi or units[hi - 1].end - units[lo].start > _MAX_WINDOW:
            continue  # nothing heard around it to read the published words against, or too long to read
        spans.append((lo, hi, first, last, k))
    windows: list[tuple[int, int, list[tuple[int, int, int]]]] = []
    for lo, hi, first, last, k in sorted(spans):  # in time order, whatever the order of the text
        if (alone is None and windows and lo <= windows[-1][1]
                and units[hi - 1].end - units[windows[-1][0]].start <= _MAX_WINDOW):
            windows[-1] = (windows[-1][0], max(hi, windows[-1][1]), windows[-1][2] + [(first, last, k)])
        else:
            windows.append((lo, hi, [(first, last, k)]))
    words, text = aligned.alignment.words, aligned.document.text
    requests, owners = [], []
    for lo, hi, members in windows:
        heard = " ".join(u.text for u in units[lo:hi])
        texts = [heard]
        for first, last, k in members:
            published = spoken_form([as_recognized_case(text, words[i].char_start, words[i].char_end)
                                     for i in regions[k].words], [u.text for u in units[first:last]])
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
    """Fits per region from the recognizer's model and from the second model (None where not scored), and the
    phonetic witness's judgement. The witness works in a thread while the models score: CTranslate2 lets go of
    the interpreter lock while it computes, and pocketsphinx aligns in the helper processes (on a recording of
    30 s or more, else in that thread). Each result is the same either way. On media/ the check took 2.2 s
    instead of 2.7 s (scripts/bench_timing.py measures whole runs)."""
    fits: list[Fit | None] = [None] * len(regions)
    second: list[Fit | None] = [None] * len(regions)
    acoustic: list[float | None] = [None] * len(regions)
    if not regions or not (options.rescore or options.second_model):
        return fits, second, acoustic, ()
    requests, owners = _windows(aligned, units, regions)
    audio = aligned.audio_path  # read window by window: a long programme is never held whole
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="phonetic-witness") as pool:
        witnessed = (pool.submit(_witness, aligned, units, regions, requests, owners, acoustic) if options.witness
                     else None)
        scored_by = _score_models(audio, requests, owners, options, transcribe_options, fits, second)
        if witnessed is not None:
            witnessed.result()  # its failure is the check's
    return fits, second, acoustic, scored_by


def _score_models(audio: Path, requests, owners, options: CheckOptions, transcribe_options: TranscribeOptions,
                  fits: list[Fit | None], second: list[Fit | None]) -> tuple[str, ...]:
    """Fill `fits` (and `second`, with a second model) from each model's scores of the windows' texts."""
    from .transcribe import score_texts

    models = ([(fits, transcribe_options)] if options.rescore else []) + (
        [(second, replace(transcribe_options, model=options.second_model))] if options.second_model else [])
    scored_by = []
    for target, model_options in models:
        scores = score_texts(audio, requests, model_options)
        for window, text, k in owners:
            target[k] = _fit(scores[window][text], scores[window][0])
        scored_by.append(model_options.model)
        log.debug("%s scored %d differences in %d stretches of audio", model_options.model, len(owners),
                 len(requests))
    return tuple(scored_by)


def _witness(aligned: Aligned, units: list[_Unit], regions: list[_Region], requests, owners,
             acoustic: list[float | None]) -> None:
    """The phonetic aligner's log-likelihood ratio (published minus heard) for each region it can judge:
    not where a published word's pronunciation had to be guessed.

    A window's heard text the aligner finds no path for leaves every region in it unjudged, though the
    cause is often one of them: garbled heard words too many for their time ("One body, a cantilever-fishing
    net" where "The catch" was said, calibration fresh31). Each region of such a window is judged again in a
    window of its own context alone."""
    from .phonetic import in_dictionary

    words = aligned.alignment.words
    known = [all(in_dictionary(words[i].text) for i in region.words) for region in regions]
    failed = _fitted(aligned, requests, owners, known, acoustic)
    shared = [w for w in failed if len(requests[w][2]) > 2]  # texts: the heard one and two regions' or more
    if shared:
        lost = {k for w, _, k in owners if w in shared and known[k]}
        _fitted(aligned, *_windows(aligned, units, regions, alone=lost), known, acoustic)


def _fitted(aligned: Aligned, requests, owners, known: list[bool], acoustic: list[float | None]) -> list[int]:
    """Fill `acoustic` for the regions of `owners` the phonetic aligner can judge in `requests`; the windows whose
    heard text it found no path for."""
    from .phonetic import each_window, fit

    jobs = ((window, (samples, 0.0, len(samples) / SAMPLE_RATE, requests[window][2]))
            for window, samples in read_spans(aligned.audio_path, [(start, end) for start, end, _ in requests]))
    failed = []
    for window, witnessed in each_window(fit, jobs):
        if witnessed[0] is None:
            failed.append(window)
            continue
        for w, text, k in owners:
            if w == window and known[k] and witnessed[text] is not None:
                acoustic[k] = round(witnessed[text].total - witnessed[0].total, 2)
    return failed


# -- the command ------------------------------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("audio", type=Path, help="the broadcast recording")
    parser.add_argument("text", type=Path, help="the published text (plain UTF-8 or an HTML page)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the report as JSON")
    parser.add_argument("--html", type=Path, metavar="FILE",
                        help="write the review page (it plays the audio through a relative link)")
    parser.add_argument("--fail-on", action="append", default=[], metavar="KIND",
                        help=f"exit 3 when the report has items of this kind: {', '.join(FAIL_ON)} "
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
    """`aligner check`: print the summary and flagged items; exit 3 if a --fail-on kind was found."""
    for path in (args.json, args.html):  # tried before the long work, as every command's outputs are
        if path is not None:
            ensure_writable(path, inputs=[args.audio, args.text])
    kinds = _fail_on(args.fail_on)
    if args.second_model and not Path(args.second_model).is_dir():
        raise InputError(f"--second-model {args.second_model}: no such folder (a local CTranslate2 Whisper model)")
    aligned = align_files(args.audio, args.text, options, use_cache=not args.no_cache)
    report = check(aligned, CheckOptions(rescore=not args.no_rescore, second_model=args.second_model), options)
    with Outputs([args.audio, args.text]) as outputs:
        write_reports(aligned, report, args.json, args.html, outputs)
    print_report(report)
    for path, what in ((args.json, "report"), (args.html, "review page")):
        if path is not None:
            print(f"wrote the {what} to {path}")
    found = [kind for kind in kinds if report.flagged(kind)]
    if found:
        print(f"failing: {', '.join(f'{report.flagged(k)} {k}' for k in found)}")
        return ExitCode.FINDINGS  # not 1: a pipeline must tell findings from a crash
    return 0
