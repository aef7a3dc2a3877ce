"""Audio for the recognizer as a stream of 16 kHz mono samples, so no step holds a whole long programme.

A ten-hour recording is 2.3 GB as 16 kHz float32 samples, and the recognizer's features take about
fourteen times the audio's size. Instead the file is decoded and resampled block by block (PyAV, the same
resampler settings as `faster_whisper.decode_audio`, so the samples are identical to a whole-file
decode), and cut into pieces of a few minutes at the quietest moment near each border, where no word is
being spoken. Stretches needed later (a second listen, the accuracy check's windows) are read in one more
pass over the file.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from .errors import InputError

__all__ = ["SAMPLE_RATE", "FRAME", "duration_hint", "blocks", "chunks", "read_spans", "windows", "load_window",
           "frame_loudness", "runs"]

SAMPLE_RATE = 16000
FRAME = SAMPLE_RATE // 100  # 10 ms: chunk borders fall on whole frames, so per-frame measures line up
_QUIET_FRAMES = 20  # 200 ms: a border goes in the middle of the quietest stretch this long (a short pause)


def _decoding_errors() -> tuple[type[Exception], ...]:
    """What PyAV raises for a file it cannot read or decode (its own errors, or OS errors such as no access)."""
    import av

    return av.error.FFmpegError, OSError, ValueError


def _unreadable(path: Path, error: Exception) -> InputError:
    if isinstance(error, PermissionError):
        return InputError(f"cannot read audio file {path}: permission denied")
    return InputError(f"cannot decode audio file {path}: {error}")


def duration_hint(path: str | Path) -> float | None:
    """The duration the file's header states (None if it states none); only for showing progress."""
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise InputError(f"cannot decode audio file {path}: it has no audio track")
            stream = container.streams.audio[0]
            if stream.duration is not None and stream.time_base is not None:
                return float(stream.duration * stream.time_base)
            return container.duration / av.time_base if container.duration else None
    except _decoding_errors() as error:
        raise _unreadable(Path(path), error) from None


def blocks(path: str | Path) -> Iterator[np.ndarray]:
    """The file's audio as consecutive 16 kHz mono float32 blocks (a few thousand samples each)."""
    import av

    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except _decoding_errors() as error:
        raise _unreadable(Path(path), error) from None
    with container:
        if not container.streams.audio:
            raise InputError(f"cannot decode audio file {path}: it has no audio track")
        frames = container.decode(audio=0)
        while True:
            try:
                frame = next(frames)
            except StopIteration:
                frame = None
            except av.error.InvalidDataError:
                frame = None  # like faster_whisper.decode_audio: a damaged tail ends the audio
            except _decoding_errors() as error:
                raise _unreadable(Path(path), error) from None
            if frame is not None:
                frame.pts = None  # the resampler need not check timestamps
            for out in resampler.resample(frame):  # None flushes the resampler's last samples
                yield out.to_ndarray().reshape(-1).astype(np.float32) / 32768.0
            if frame is None:
                return


def frame_loudness(samples: np.ndarray) -> np.ndarray:
    """Root-mean-square level of each whole 10 ms frame."""
    usable = samples[: len(samples) // FRAME * FRAME].reshape(-1, FRAME)
    if not len(usable):
        return np.zeros(0)
    return np.sqrt(np.mean(usable.astype(np.float64) ** 2, axis=1))


# One step of 16-bit audio, in dBFS: a frame quieter than this holds no sound a microphone could give (digital
# silence, where recordings were joined or a gap was put in), so it is no measure of a room's quiet.
DIGITAL_SILENCE_DB = 20 * np.log10(1 / 32768)


def floor_level(levels_db: np.ndarray, percent: float) -> float:
    """The level (dBFS) that `percent` of the frames lie below, digital silence left out (unless it is all
    there is): the quiet a word's sound is measured against."""
    sounding = levels_db[levels_db > DIGITAL_SILENCE_DB]
    return float(np.percentile(sounding if len(sounding) else levels_db, percent))


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) indices of each run of True: the quiet or loud stretches of a frame measure."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _quietest_border(samples: np.ndarray) -> int:
    """Sample index (a whole frame) in the middle of the quietest 200 ms of `samples`."""
    loudness = frame_loudness(samples)
    if len(loudness) <= _QUIET_FRAMES:
        return len(loudness) // 2 * FRAME
    smoothed = np.convolve(loudness, np.ones(_QUIET_FRAMES), mode="valid")
    return (int(np.argmin(smoothed)) + _QUIET_FRAMES // 2) * FRAME


def chunks(path: str | Path, seconds: float, search: float) -> Iterator[tuple[int, np.ndarray]]:
    """(first sample, samples) pieces of the whole file in order. A file no longer than `seconds` is one
    piece; a longer one is cut at the quietest moment of the last `search` seconds before each `seconds`."""
    length = int(seconds * SAMPLE_RATE) // FRAME * FRAME
    window = min(length, int(search * SAMPLE_RATE) // FRAME * FRAME)
    held: list[np.ndarray] = []
    size = offset = 0
    for block in blocks(path):
        held.append(block)
        size += len(block)
        if size > length:
            buffer = np.concatenate(held)
            cut = max(FRAME, length - window + _quietest_border(buffer[length - window:length]))
            yield offset, buffer[:cut]
            held, size, offset = [buffer[cut:].copy()], size - cut, offset + cut
    if offset + size < SAMPLE_RATE // 10:
        raise InputError(f"audio file {path} has no audio (it decodes to {offset + size} samples)")
    if size:
        yield offset, np.concatenate(held)


def read_spans(path: str | Path, spans: Sequence[tuple[float, float]]) -> Iterator[tuple[int, np.ndarray]]:
    """(index, samples) for each (start, end) in seconds, in order of start, from one pass over the file.
    The samples are exactly those of a whole-file decode between `int(start * 16000)` and
    `int(end * 16000)` (cut short at the end of the audio); only the spans still to come are held."""
    wanted = sorted((max(0, int(start * SAMPLE_RATE)), int(end * SAMPLE_RATE), index)
                    for index, (start, end) in enumerate(spans))
    if not wanted:
        return
    held: deque[np.ndarray] = deque()
    held_from = held_to = 0  # sample numbers of the first held sample and one past the last

    def piece(first: int, last: int) -> np.ndarray:
        last = min(last, held_to)
        if last <= first:
            return np.zeros(0, np.float32)
        joined = np.concatenate(held) if len(held) > 1 else held[0]
        return joined[first - held_from:last - held_from].copy()

    next_span = 0
    for block in blocks(path):
        held.append(block)
        held_to += len(block)
        while next_span < len(wanted) and wanted[next_span][1] <= held_to:
            first, last, index = wanted[next_span]
            yield index, piece(first, last)
            next_span += 1
        if next_span == len(wanted):
            return  # the rest of the file is not needed
        while held and held_from + len(held[0]) <= wanted[next_span][0]:
            held_from += len(held.popleft())
    for first, last, index in wanted[next_span:]:
        yield index, piece(first, last) if held else np.zeros(0, np.float32)


def windows(audio: np.ndarray | str | Path, spans: Sequence[tuple[float, float]]) -> Iterator[tuple[int, np.ndarray]]:
    """(index, samples) for each (start, end): `read_spans` of a file, or the same slices of samples already
    in memory (a caller with the whole audio at hand, a test or a benchmark)."""
    if isinstance(audio, np.ndarray):
        for index, (start, end) in enumerate(spans):
            yield index, audio[max(0, int(start * SAMPLE_RATE)):int(end * SAMPLE_RATE)]
    else:
        yield from read_spans(audio, spans)


def load_window(path: str | Path, start: float, end: float) -> np.ndarray:
    """The 16 kHz mono samples from `start` to `end` seconds; the file is decoded only up to `end`."""
    return next(read_spans(path, [(start, end)]))[1]
