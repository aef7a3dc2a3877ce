"""Phonetic forced alignment (pocketsphinx): where known words sound in a short window, and how well a wording fits.

This is the only module that imports pocketsphinx. It serves two needs with one decoder: precise word
times for stretches that were really spoken (aligner.refine), and an acoustic witness that does not share
Whisper's errors when published and heard wordings differ (the accuracy check). Words are brought to the
pronunciation dictionary shipped in the pocketsphinx wheel (CMUdict): lowercase, straight apostrophes,
numbers and symbols spelled, hyphenated words split, accents dropped; a word missing from the dictionary
gets a pronunciation from gruut's English letter-to-sound model (a CRF shipped in the gruut-lang-en
wheel), chosen over the alternatives by measurement (see `_guess_phones`). Odd text never raises: a word
that cannot be pronounced is simply not placed (None).
"""
from __future__ import annotations

import atexit
import functools
import itertools
import logging
import math
import os
import pickle
import re
import signal
import subprocess
import sys
import threading
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .measures import said_as
from .normalize import number_readings, number_words, priced_in_a_row, unabbreviated, word_keys
from .transcribe import local_cores

__all__ = ["WordTiming", "TextFit", "force_align", "fit", "each_window", "start_helpers", "allow_helpers",
           "pronounce", "in_dictionary", "is_familiar", "FRAME_SECONDS"]

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
FRAME_SECONDS = 0.01  # pocketsphinx's frame step
_SCORE_SHIFT = 1024  # pocketsphinx keeps path scores shifted down by 10 bits; hypothesis scores are undone by it
_MIN_SECONDS = 0.1  # a window shorter than this holds no word worth aligning
_PAD = 0.3  # s of quiet added at either end of a window (see _pcm)
_PAD_SAMPLES = int(_PAD * SAMPLE_RATE)
_EDGE_SAMPLES = SAMPLE_RATE // 20  # the outer 50 ms of a window, repeated as its padding
# Noise put in place of exact zeros in a window (see _pcm): a standard deviation of 16 in 16-bit samples, -66 dBFS,
# far under any real recording's floor (the quietest 1% of 10 ms frames of tests/data/real and ../shared/real-speech
# lie at -42 to -53 dBFS). At 1 to 4 pocketsphinx's scores turned erratic (JFK's "your country" against a published
# "the nation", 2 s of zeros after it: -195 without noise, -29 with 1, -58 with 4, -115 with 16). Only zeros get it: the
# same noise over a whole window of a real recording moved the witness's ratios by tens of units (the sonnet
# reading's "glutton" against a published "wanton": -113 without, -46 with it), so other windows stay as they are.
_DITHER = 16 / 32768
_SETTLE_BYTES = 2 * SAMPLE_RATE  # the last second of a window's 16-bit samples (see _decode)
_ACRONYM = re.compile(r"[a-z](\.[a-z])+\.?$")
_PUNCTUATION = ".,;:!?\"'()[]{}“”‘’«»"  # marks around a written word
_FOUR_DIGITS = re.compile(r"(\d,?\d{3})(s?)$")  # a year or a count, said either way (see _spoken_forms)
_MAX_FORMS = 9  # ways of saying one wording that are fitted: the readings of its first two numbers


@dataclass(frozen=True)
class WordTiming:
    """Where one given word sounds, in absolute seconds, and how well its sound fits its pronunciation."""

    word: str  # as given
    start: float
    end: float
    score: float  # acoustic log-likelihood of the word's frames (unit as in TextFit.total)


@dataclass(frozen=True)
class TextFit:
    """How well one wording fits a window of audio.

    `total` is the acoustic log-likelihood of the best forced alignment of the wording over every frame of
    the window and its padding (optional silences included), in natural-log units, each frame scored against
    the best senone of that frame. Fits of different wordings of the same window cover the same frames, so their
    difference is a log-likelihood ratio: the larger total fits the sound better."""

    text: str
    total: float
    frames: int  # 10 ms frames in the window
    words: tuple[WordTiming, ...]  # the text's whitespace-separated words that carry sound, in order

    @property
    def per_frame(self) -> float:
        return self.total / max(1, self.frames)


# gruut's phonemes (IPA, US English) as CMUdict / pocketsphinx phones; stress and length marks dropped
_IPA_TO_ARPABET = {
    "aɪ": "AY", "aʊ": "AW", "eɪ": "EY", "oʊ": "OW", "ɔɪ": "OY", "tʃ": "CH", "dʒ": "JH", "ɑ": "AA", "ɒ": "AA",
    "a": "AA", "æ": "AE", "ʌ": "AH", "ə": "AH", "ɐ": "AH", "ɔ": "AO", "ɛ": "EH", "e": "EY", "ɚ": "ER",
    "ɝ": "ER", "ɜ": "ER", "ɪ": "IH", "ᵻ": "IH", "i": "IY", "o": "OW", "ʊ": "UH", "u": "UW", "b": "B",
    "d": "D", "ð": "DH", "f": "F", "ɡ": "G", "g": "G", "h": "HH", "k": "K", "l": "L", "ɫ": "L", "m": "M",
    "n": "N", "ŋ": "NG", "p": "P", "ɹ": "R", "r": "R", "ɾ": "T", "s": "S", "ʃ": "SH", "t": "T", "θ": "TH",
    "v": "V", "w": "W", "j": "Y", "z": "Z", "ʒ": "ZH", "x": "K",
}


def _arpabet(ipa: Sequence[str]) -> list[str]:
    phones = []
    for phoneme in ipa:
        rest = "".join(c for c in unicodedata.normalize("NFD", phoneme) if c not in "ˈˌː" and
                       not unicodedata.combining(c))
        while rest:
            for size in (2, 1):
                if rest[:size] in _IPA_TO_ARPABET:
                    phones.append(_IPA_TO_ARPABET[rest[:size]])
                    rest = rest[size:]
                    break
            else:
                rest = rest[1:]  # a symbol the acoustic model has no phone for
    return phones


@functools.lru_cache(maxsize=1)
def _letter_to_sound():
    """gruut's English grapheme-to-phoneme CRF, or None when gruut is not installed.

    gruut's g2p module needs only pycrfsuite, but importing it through the gruut package first runs the
    package's text processing imports (dateparser and more: 0.8 s, an eighth of a short `aligner run`), so
    the module is loaded from its file on its own."""
    import importlib.util

    package = importlib.util.find_spec("gruut")
    language = importlib.util.find_spec("gruut_lang_en")
    if package is None or language is None or not package.submodule_search_locations:
        log.warning("gruut is not installed: words missing from the pronunciation dictionary are not aligned")
        return None
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("_aligner_gruut_g2p",
                                                  Path(package.submodule_search_locations[0]) / "g2p.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = Path(language.submodule_search_locations[0]) / "g2p" / "model.crf"
    return module.GraphemesToPhonemes(model)


def _guess_phones(token: str) -> list[str]:
    """A pronunciation for a word missing from the dictionary.

    Chosen by measurement (scripts/bench_timing.py --g2p): on 1,000 random CMUdict words, gruut's CRF
    gives the dictionary's exact pronunciation for 50% and gets 87% of phones right (optimistic: the CRF
    may have seen them in training). It ships in a wheel and needs no download; g2p-en downloads NLTK
    data when imported, and espeak-ng would be a system program."""
    model = _letter_to_sound()
    if model is None:
        return []
    try:
        return _arpabet(model(token))
    except Exception:  # a model that cannot read a word leaves it unpronounced, never crashes the caller
        return []


# The wide decoder's beams (pocketsphinx's default is 1e-48 for each). Chosen on phone_ban (fresh7, calibration data
# of the check set): 1e-70 gave a path to both windows the default lost there ("I'd hate it" heard "I'd pay it"),
# 1e-80 leaves a margin. On every used split, differences of familiar words without a phonetic witness fell from 247
# of 1,319 to 83.
_WIDE_BEAM = 1e-80


class _Decoder:
    """The process's one pocketsphinx decoder (in alignment mode), and the words added to its dictionary."""

    def __init__(self) -> None:
        from pocketsphinx import Decoder

        # bestpath off: the lattice pass after the grammar search takes any word ending in the last frame as
        # the end of the path, so it returned paths that skip the text's last words ("knew exactly what they"
        # without "they", its sound left to silence; 35 windows of JFK's 11 s) and the window was lost
        self.decoder = Decoder(samprate=SAMPLE_RATE, lm=None, loglevel="FATAL", bestpath=False)
        self._wide = None  # made when first needed (see wide)
        self.lock = threading.Lock()
        self.added: dict[str, str | None] = {}
        self.guessed: dict[str, str] = {}  # tokens whose pronunciation was guessed, not found in the dictionary

    @property
    def wide(self):
        """A decoder that prunes far less, for a text the first one found no path for: a wording that fits the
        sound badly is pruned away by the default beams ("I'd hate it" where the recognizer heard "I'd pay it"
        lost the phonetic witness for both wordings), though it still has a score, and a low one is evidence."""
        if self._wide is None:
            from pocketsphinx import Decoder

            self._wide = Decoder(samprate=SAMPLE_RATE, lm=None, loglevel="FATAL", bestpath=False, beam=_WIDE_BEAM,
                                 wbeam=_WIDE_BEAM, pbeam=_WIDE_BEAM)
            for token, phones in self.guessed.items():
                self._wide.add_word(token, phones, True)
        return self._wide

    def word(self, token: str) -> str | None:
        """The dictionary entry to align for a token, adding a guessed pronunciation when it is missing."""
        if token in self.added:
            return self.added[token]
        name: str | None = token
        if self.decoder.lookup_word(token) is None:
            phones = self._possessive(token) or self._spelled(token) or _guess_phones(token.replace("'", ""))
            if phones:
                self.guessed[token] = " ".join(phones)
                for decoder in (self.decoder, self._wide):
                    if decoder is not None:
                        decoder.add_word(token, self.guessed[token], True)
            else:
                name = None
        self.added[token] = name
        return name

    def phones(self, token: str) -> str | None:
        return self.decoder.lookup_word(token)

    def _possessive(self, token: str) -> list[str]:
        """"biden's" from "biden": the stem, then s, z or iz as English voices it."""
        stem = self.decoder.lookup_word(token[:-2]) if token.endswith("'s") else None
        if not stem:
            return []
        last = stem.split()[-1]
        ending = ["IH", "Z"] if last in ("S", "Z", "SH", "ZH", "CH", "JH") else ["S"] if last in "P T K F TH" else ["Z"]
        return stem.split() + ending

    def _spelled(self, token: str) -> list[str]:
        """A short abbreviation without vowels, missing from the dictionary, read letter by letter ("nhs")."""
        if len(token) > 5 or re.search(r"[aeiouy']", token):
            return []
        letters = [self.decoder.lookup_word(letter) for letter in token]
        return [] if None in letters else " ".join(letters).split()


@functools.lru_cache(maxsize=1)
def _decoder() -> _Decoder:
    return _Decoder()


def _tokens(word: str) -> list[str]:
    """Dictionary tokens of one published word: "U.S." -> u s; "2%" -> two per cent; "rules-based" -> two."""
    text = unicodedata.normalize("NFKD", unabbreviated(word))
    text = "".join(c for c in text if not unicodedata.combining(c))
    bare = text.lower().strip(_PUNCTUATION)
    if _ACRONYM.match(bare):
        return bare.replace(".", " ").split()
    tokens = []
    for key in word_keys(text):
        for part in re.findall(r"[a-z']+|\d+", key):  # "x86": x eighty six
            part = part.strip("'")
            if part.isdigit():
                tokens += number_words(part)
            elif part:
                tokens.append(said_as(part, word) or part)
    return tokens


def _entries_in_a_row(decoder: _Decoder, words: Sequence[str]) -> list[list[str] | None]:
    """_entries of words in a row, a price's currency said after its scale ("£47 billion")."""
    tokens = priced_in_a_row([tuple(_tokens(word)) for word in words])
    return [_entries(decoder, word, list(word_tokens)) for word, word_tokens in zip(words, tokens, strict=True)]


def _entries(decoder: _Decoder, word: str, tokens: list[str] | None = None) -> list[str] | None:
    """Dictionary entries for a word (or for its given tokens): none for punctuation, None when the word or a
    part of it has no pronunciation (a word in another script)."""
    tokens = _tokens(word) if tokens is None else tokens
    if not tokens and any(c.isalnum() for c in word):
        return None
    entries = []
    for token in tokens:
        entry = decoder.word(token)
        if entry is None:
            return None
        entries.append(entry)
    return entries


def in_dictionary(word: str) -> bool:
    """Is every part of the word in the pronunciation dictionary (not guessed)? A guessed pronunciation
    ("HIMARS") makes the acoustic witness weak for that word."""
    decoder = _decoder()
    with decoder.lock:
        entries = _entries(decoder, word)
        return entries is not None and not any(token in decoder.guessed for token in _tokens(word))


def is_familiar(word: str) -> bool:
    """Does the pronunciation dictionary (134,860 entries) list every part of the word, a possessive by its stem?
    One it lacks (archaic, coined, foreign: "mak'st", "porta-potties") is rare, and a recognizer's language
    model knows it as little as the dictionary does."""
    decoder = _decoder()
    with decoder.lock:
        tokens = _tokens(word)
        if not tokens:  # punctuation is familiar; a word in another script is not
            return not any(c.isalnum() for c in word)

        def listed(token: str) -> bool:
            return decoder.phones(token) is not None and token not in decoder.guessed

        return all(listed(t) or t.endswith("'s") and listed(t[:-2]) for t in tokens)


def pronounce(word: str) -> list[str] | None:
    """The phones the aligner will expect for a published word (for inspection and tests)."""
    decoder = _decoder()
    with decoder.lock:
        entries = _entries(decoder, word)
        return None if entries is None else [p for e in entries for p in (decoder.phones(e) or "").split()]


def _pcm(audio: np.ndarray, start: float, end: float) -> tuple[bytes, float]:
    """The window as 16-bit samples between two stretches of quiet, and the time of its first sample.

    The aligner needs a few hundred ms of silence at either end to end the text there: with less, it
    stretches the last word over the window's remaining quiet. A window cut in the middle of a short pause
    has too little, so each end is padded with noise as loud as that end's outer 50 ms (seeded: the same
    every time), which the aligner takes for the silence around the words.

    Digital silence (exact zeros: a synthesized voice, a studio fade, a noise gate) gets a floor of faint noise
    (_DITHER, seeded too): without one pocketsphinx's features have none, and it found no path for any wording.
    With a clean espeak-ng narrator (calibration fresh36), 10 of 18 differences had no phonetic witness even in
    windows of their own."""
    first = max(0, int(round(start * SAMPLE_RATE)))
    last = min(len(audio), int(round(end * SAMPLE_RATE)))
    piece = np.clip(np.asarray(audio[first:last], dtype=np.float32), -1.0, 1.0)
    noise = np.random.default_rng(0).standard_normal(2 * _PAD_SAMPLES + len(piece))
    head = noise[:_PAD_SAMPLES] * _loudness(piece[:_EDGE_SAMPLES])
    tail = noise[_PAD_SAMPLES:2 * _PAD_SAMPLES] * _loudness(piece[-_EDGE_SAMPLES:])
    padded = np.concatenate([head, np.where(piece == 0, noise[2 * _PAD_SAMPLES:] * _DITHER, piece), tail])
    return (np.clip(padded, -1.0, 1.0) * 32767).astype("<i2").tobytes(), first / SAMPLE_RATE - _PAD


def _loudness(samples: np.ndarray) -> float:
    return max(float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if len(samples) else 0.0, 1e-4)


def _decode(decoder: _Decoder, pcm: bytes, entries: list[str]):
    """Forced alignment of entries to the audio: (total score, [(entry, first frame, last frame, score)]).

    The decoder's front end tracks the noise floor across utterances, so a result depended on what was
    aligned before it (a window's score moved by up to 40 log-units), and a fresh tracker places words
    worse (JFK's "ask", in a window of its own, was pulled 150 ms early into the padding): it must have
    heard the window's own quiet first. So the tracker is reset, then settled on the window's last second
    (which ends in its padding) without searching, and the result depends on the window alone. On the 40
    sentence windows of the committed broadcast this settles it as well as aligning the whole window
    twice did (identical word frames, scores within 2.4 log-units) for a sixth of the cost of a pass.

    Where the default beams find no path, the wide decoder searches again (see _Decoder.wide): for timings,
    not for scores to compare with the default decoder's (see fit)."""
    return _search(decoder.decoder, pcm, entries) or _search(decoder.wide, pcm, entries)


def _search(ps, pcm: bytes, entries: list[str]):
    """_decode with one pocketsphinx decoder; None when it finds no path."""
    try:
        ps.set_align_text(" ".join(entries))
        with warnings.catch_warnings():  # pocketsphinx 5 calls it unnecessary; here it makes results repeatable
            warnings.simplefilter("ignore", DeprecationWarning)
            ps.start_stream()
        ps.start_utt()
        ps.process_raw(pcm[-_SETTLE_BYTES:], no_search=True, full_utt=True)
        ps.end_utt()
        ps.start_utt()
        ps.process_raw(pcm, full_utt=True)
        ps.end_utt()
        hypothesis = ps.hyp()
        if hypothesis is None or hypothesis.score <= 0:
            return None
        segments = [(s.word, s.start_frame, s.end_frame, math.log(max(s.ascore, 1e-300))) for s in ps.seg()]
    except (RuntimeError, ValueError) as error:  # e.g. no path through the window
        log.debug("forced alignment failed: %s", error)
        return None
    return math.log(hypothesis.score) * _SCORE_SHIFT, segments


def _placed(segments, words: Sequence[str], owners: list[int], offset: float,
            bounds: tuple[float, float]) -> list[WordTiming | None]:
    """Word timings from the decoder's segments; several dictionary tokens of one word become one span."""
    spans: list[list[float] | None] = [None] * len(words)
    token = 0
    for name, first, last, score in segments:
        if name.startswith("<") or name.startswith("[") or token >= len(owners):
            continue  # silence and noise between words
        owner = owners[token]
        token += 1
        span = spans[owner]
        if span is None:
            spans[owner] = [first, last, score]
        else:
            span[1], span[2] = last, span[2] + score
    if token != len(owners):
        return [None] * len(words)
    low, high = bounds

    def seconds(frame: int) -> float:
        return round(min(max(offset + frame * FRAME_SECONDS, low), high), 3)

    return [None if span is None else WordTiming(word, seconds(span[0]), seconds(span[1] + 1), round(span[2], 2))
            for word, span in zip(words, spans, strict=True)]


def force_align(audio: np.ndarray, start: float, end: float, words: Sequence[str]) -> list[WordTiming | None]:
    """Where each of `words` (spoken in this order inside [start, end] s of 16 kHz mono audio) sounds.

    A word without sound of its own (punctuation) or without a pronunciation is None; the others are
    aligned around it. Everything is None when the words cannot be aligned to the window at all."""
    words = list(words)
    if end - start < _MIN_SECONDS or not words:
        return [None] * len(words)
    decoder = _decoder()
    with decoder.lock:
        entries, owners = [], []
        for k, found in enumerate(_entries_in_a_row(decoder, words)):
            if found:
                entries += found
                owners += [k] * len(found)
        if not entries:
            return [None] * len(words)
        pcm, offset = _pcm(audio, start, end)
        result = _decode(decoder, pcm, entries)
    if result is None:
        return [None] * len(words)
    return _placed(result[1], words, owners, offset, (start, end))


def fit(audio: np.ndarray, start: float, end: float, texts: Sequence[str]) -> list[TextFit | None]:
    """How well each candidate wording of the same window fits its sound (see TextFit for the unit); a wording
    with a four-digit number is fitted in each way of saying it, and the best fit counts.

    None for a text that cannot be aligned: a word without a pronunciation, no words at all, or no path
    through the window."""
    decoder = _decoder()
    with decoder.lock:
        pcm, offset = _pcm(audio, start, end)
        frames = len(pcm) // 2 // int(SAMPLE_RATE * FRAME_SECONDS)  # the window and its padding
        fits = [_best_fit(decoder, decoder.decoder, pcm, offset, frames, text, (start, end)) for text in texts]
        if None in fits:
            # every wording of a window is scored by one decoder: scores of two decoders with other beams differ
            # for the same path (JFK's sentence: -1963 and -2109), so a wording the default beams lose sends all
            # to the wide one (built only then)
            fits = [_best_fit(decoder, decoder.wide, pcm, offset, frames, text, (start, end)) for text in texts]
    return fits


def _best_fit(decoder: _Decoder, ps, pcm: bytes, offset: float, frames: int, text: str,
              bounds: tuple[float, float]) -> TextFit | None:
    """The best fit of `text` in any of its spoken forms, searched by the pocketsphinx decoder `ps`."""
    found = (_fit_one(decoder, ps, pcm, offset, frames, text, said, bounds) for said in _spoken_forms(text))
    return max((f for f in found if f is not None), key=lambda f: f.total, default=None)


def _spoken_forms(text: str) -> list[str]:
    """The text as written, then with its four-digit numbers, with or without a comma ("1,500" is said "fifteen
    hundred" as often as 1500 is), said in their other common ways (see normalize.number_readings), at most
    _MAX_FORMS in all."""
    options = []
    for word in text.split():
        number = _FOUR_DIGITS.match(word.strip(_PUNCTUATION))
        readings = number_readings(number[1].replace(",", ""), number[2]) if number else []
        options.append([word] + [" ".join(r) for r in readings if tuple(r) != word_keys(word)])
    return [" ".join(form) for form in itertools.islice(itertools.product(*options), _MAX_FORMS)]


def _fit_one(decoder: _Decoder, ps, pcm: bytes, offset: float, frames: int, text: str, said: str,
             bounds: tuple[float, float]) -> TextFit | None:
    """The fit of `text` said as `said` (see fit), searched by the pocketsphinx decoder `ps`; the decoder's
    lock is held."""
    words = said.split()
    entries, owners, sounding = [], [], []
    for word, found in zip(words, _entries_in_a_row(decoder, words), strict=True):
        if found is None:
            return None
        if found:
            entries += found
            owners += [len(sounding)] * len(found)
            sounding.append(word)
    result = _search(ps, pcm, entries) if entries and frames * FRAME_SECONDS >= _MIN_SECONDS else None
    placed = result and _placed(result[1], sounding, owners, offset, bounds)
    if not placed or any(p is None for p in placed):
        return None
    return TextFit(text, round(result[0], 2), frames, tuple(placed))


# -- the other cores ---------------------------------------------------------------------------------------------
_MAX_HELPERS = 4  # each holds its own decoder (about 110 MB)
_START_TIMEOUT = 10.0  # s to wait for a started helper to be ready (it takes about 0.6 s); past it, align here
_helpers_allowed = True
_helpers: list[_Helper] = []  # started once per process (see start_helpers); one that fails is dropped


def allow_helpers(allowed: bool) -> None:
    """Whether each_window may align in helper processes. A batch worker must not: the batch already keeps every
    core busy with one item per core."""
    global _helpers_allowed
    _helpers_allowed = allowed


def start_helpers() -> None:
    """Start one helper process per core (at most _MAX_HELPERS, none on one core) now, so that they are ready
    when windows come: each takes about 0.6 s to start and build its decoder (each_window waits for that), and
    sits idle until then."""
    global _helpers_allowed
    cores = local_cores()
    if _helpers or not _helpers_allowed or cores < 2:
        return
    _helpers_allowed = False  # once per process
    try:
        _helpers.extend(_Helper() for _ in range(min(cores, _MAX_HELPERS)))
    except (OSError, ValueError) as error:  # no interpreter to start (an embedded Python): align here
        log.debug("no phonetic helper: %s", error)


def each_window(function: Callable, jobs: Iterable[tuple[object, tuple]]) -> Iterator[tuple[object, object]]:
    """(tag, function(*arguments)) for each (tag, arguments) of `jobs`, in order: `function` is force_align or
    fit, and the tag is the caller's own (it stays in this process).

    pocketsphinx holds the interpreter lock for the whole of a window, so neither a second thread nor this
    process's own share would leave time to feed a helper. Once helper processes are ready (see
    start_helpers), each takes the next window whenever it is free, fed by a thread of this process that
    waits for its answers without the lock; this process only reads the windows and hands the results on, in
    order. Each window's result depends on the window alone (see _decode), so it is the same wherever it was
    aligned. A window whose helper fails is aligned here, and that helper is not used again."""
    helpers = [helper for helper in _helpers if helper.started.wait(timeout=_START_TIMEOUT) and helper.ready]
    if not helpers:
        for tag, arguments in jobs:
            yield tag, function(*arguments)
        return
    source, taking, arrived = enumerate(jobs), threading.Lock(), threading.Condition()
    done: dict[int, tuple[object, tuple, object]] = {}  # window number: tag, arguments, result (_LEFT: not done)

    def take():
        with taking:
            return next(source, None)

    def lend(helper: _Helper) -> None:
        try:
            while (job := take()) is not None:
                k, (tag, arguments) = job
                try:
                    result = helper.align(function.__name__, arguments)
                except Exception as error:  # the helper died or could not answer
                    log.debug("phonetic helper failed (%s): aligning here", error)
                    result = _LEFT
                    _drop(helper)
                with arrived:
                    done[k] = tag, arguments, result
                    arrived.notify()
                if result is _LEFT:
                    return
        finally:
            with arrived:
                arrived.notify()

    couriers = [threading.Thread(target=lend, args=(h,), name="phonetic-courier", daemon=True) for h in helpers]
    for courier in couriers:
        courier.start()
    shown = 0
    while True:
        with arrived:
            arrived.wait_for(lambda k=shown: k in done or not any(c.is_alive() for c in couriers))
            finished = done.pop(shown, None)
        if finished is None:  # every helper has stopped before window `shown` was taken: align the rest here
            job = take()
            if job is None:
                return
            finished = (*job[1], _LEFT)
        tag, arguments, result = finished
        yield tag, function(*arguments) if result is _LEFT else result
        shown += 1


_LEFT = object()  # a window no helper aligned


def _drop(helper: _Helper) -> None:
    if helper in _helpers:
        _helpers.remove(helper)
    helper.close()


# The helper's program: this very aligner package (from the folder given), whatever else sys.path would find
_HELPER_CODE = """import importlib.machinery, importlib.util, sys
spec = importlib.machinery.PathFinder.find_spec("aligner", [sys.argv[1]])
package = sys.modules["aligner"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(package)
from aligner.phonetic import _serve
_serve()
"""


class _Helper:
    """A second Python process that aligns windows sent to it (pickled over its stdin and stdout).

    Started with subprocess rather than multiprocessing, so the caller's own script is never imported again in
    it (multiprocessing's spawn re-runs an unguarded main module). It ends when this process does (at exit, or
    at the end of its input); the threads that talk to it are daemons, so they never hold up an exit."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", _HELPER_CODE, str(Path(__file__).resolve().parents[1])],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.ready = False  # it has built its decoder and answered
        self.started = threading.Event()  # set once it is ready or has failed to start
        threading.Thread(target=self._wait_ready, name="phonetic-helper-start", daemon=True).start()
        atexit.register(self.close)

    def align(self, name: str, arguments: tuple):
        """force_align's or fit's result (by `name`) for these arguments, from the helper."""
        pickle.dump((name, arguments), self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.process.stdin.flush()
        return pickle.load(self.process.stdout)

    def close(self) -> None:
        """End the helper at once: it holds nothing worth waiting for."""
        self.process.kill()
        self.process.wait()

    def _wait_ready(self) -> None:
        try:
            self.ready = self.align("ready", ())
        except Exception as error:  # it could not start: it is never used
            log.debug("no phonetic helper: %s", error)
        self.started.set()


def _serve() -> None:
    """The helper's loop: answer (name, arguments) with force_align's or fit's result until stdin closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    requests, answers = os.fdopen(0, "rb"), os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # nothing but answers on the answer channel
    _decoder()
    functions = {"ready": lambda: True, "force_align": force_align, "fit": fit}
    while True:
        try:
            name, arguments = pickle.load(requests)
        except EOFError:
            return
        pickle.dump(functions[name](*arguments), answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()
