"""Audio for clips: decoding at the file's own rate and channels, cutting and fading, loudness, encoding.

PyAV (FFmpeg's libraries, installed with faster-whisper) decodes and encodes; pydub carries and fades
the raw PCM in between; pyloudnorm measures loudness (ITU-R BS.1770-4, the measure of EBU R128). No
`ffmpeg` program is needed: pydub is only ever handed raw samples, never asked to read or write a file.
This is the only module that imports pydub, pyloudnorm and PyAV's encoders.
"""
from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import InputError

__all__ = ["Sound", "Format", "FORMATS", "read_sound", "cut", "loudness", "normalize_loudness", "encode",
           "output_format"]

PEAK_CEILING = -1.0  # dBFS: loudness normalization never lets a sample peak above this (EBU R128: -1 dBTP)
_SAMPLE_WIDTH = 2  # clips are 16-bit PCM before encoding
_LIMITER_ATTACK = 0.005  # s: gain reduction starts this long before a peak (look-ahead)
_LIMITER_HOLD = 0.04  # s: and holds this long after it, so the gain does not flutter between peaks


@dataclass(frozen=True)
class Format:
    """How one file suffix is written: FFmpeg container and encoder, and the bit rate per channel."""

    container: str
    codec: str
    bit_rate: int = 0  # per channel; 0 for lossless
    lossless: bool = False


# .ogg is Opus in Ogg too: FFmpeg's own Vorbis encoder is experimental and libvorbis is not in PyAV's build.
FORMATS: dict[str, Format] = {
    ".wav": Format("wav", "pcm_s16le", lossless=True),
    ".flac": Format("flac", "flac", lossless=True),
    ".mp3": Format("mp3", "libmp3lame", 96_000),
    ".m4a": Format("ipod", "aac", 96_000),
    ".mp4": Format("mp4", "aac", 96_000),  # audio only: what a video editor or social upload takes as MP4
    ".aac": Format("adts", "aac", 96_000),
    ".ogg": Format("ogg", "libopus", 48_000),
    ".opus": Format("ogg", "libopus", 48_000),
}


def _pydub():
    """pydub, imported without its warning that no ffmpeg program is installed (we never need one)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)  # audioop, which pydub uses, is deprecated
        import pydub
    return pydub


@dataclass(frozen=True)
class Sound:
    """A whole decoded recording: 16-bit samples, shape (frames, channels), at the file's own rate.
    Mono stays mono; anything with more channels is stereo (surround is mixed down for clips)."""

    samples: np.ndarray
    rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate

    @property
    def channels(self) -> int:
        return self.samples.shape[1]

    def mono(self, start: float = 0.0, end: float | None = None) -> np.ndarray:
        """Float samples of [start, end) s in [-1, 1], channels averaged: what boundary detection hears."""
        first = max(0, round(start * self.rate))
        last = len(self.samples) if end is None else max(first, round(end * self.rate))
        return self.samples[first:last].mean(axis=1, dtype=np.float32) / 32768.0

    def segment(self, start: float, end: float):
        """Samples [start, end) s as a pydub AudioSegment, made from raw PCM so pydub needs no ffmpeg program."""
        first, last = max(0, round(start * self.rate)), max(0, round(end * self.rate))
        return _pydub().AudioSegment(data=self.samples[first:last].tobytes(), sample_width=_SAMPLE_WIDTH,
                                     frame_rate=self.rate, channels=self.channels)


def read_sound(path: str | Path) -> Sound:
    """Decode a whole audio file to 16-bit PCM at its own rate, or raise InputError. Samples are counted
    from the first decoded one, as faster-whisper counts them, so clip times and word times agree."""
    import av

    path = Path(path)
    if not path.is_file():
        raise InputError(f"audio file not found: {path}")
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise InputError(f"{path} has no audio stream")
            stream = container.streams.audio[0]
            layout = "mono" if stream.channels == 1 else "stereo"
            resampler = av.AudioResampler(format="s16", layout=layout, rate=stream.rate)
            chunks = []
            for frame in container.decode(stream):
                frame.pts = None  # as faster-whisper does: a timestamp gap must not shift the samples
                chunks += [f.to_ndarray() for f in resampler.resample(frame)]
            chunks += [f.to_ndarray() for f in resampler.resample(None)]
            rate = stream.rate
    except InputError:
        raise
    except Exception as error:  # PyAV raises many kinds; all mean the same to the user
        raise InputError(f"cannot decode audio file {path}: {error}") from None
    channels = 1 if layout == "mono" else 2
    samples = np.concatenate(chunks, axis=1).reshape(-1, channels) if chunks else np.zeros((0, channels), np.int16)
    if not len(samples):
        raise InputError(f"audio file {path} has no audio")
    return Sound(samples, rate)


def cut(sound: Sound, start: float, end: float, fade_in: float, fade_out: float):
    """The stretch [start, end) s as an AudioSegment, faded in and out (fades never overlap)."""
    piece = sound.segment(start, end)
    half = len(piece) // 2  # ms
    fade_in_ms, fade_out_ms = min(round(fade_in * 1000), half), min(round(fade_out * 1000), half)
    if fade_in_ms:
        piece = piece.fade_in(fade_in_ms)
    if fade_out_ms:
        piece = piece.fade_out(fade_out_ms)
    return piece


def _floats(segment) -> np.ndarray:
    data = np.frombuffer(segment.raw_data, dtype=np.int16).reshape(-1, segment.channels)
    return data.astype(np.float64) / 32768.0


def _from_floats(segment, samples: np.ndarray):
    data = np.clip(np.round(samples * 32768.0), -32768, 32767).astype(np.int16)
    return _pydub().AudioSegment(data=data.tobytes(), sample_width=_SAMPLE_WIDTH, frame_rate=segment.frame_rate,
                                 channels=segment.channels)


def loudness(segment) -> float:
    """Integrated loudness in LUFS (ITU-R BS.1770-4 with its gating), measured by pyloudnorm."""
    import pyloudnorm

    samples = _floats(segment)
    if len(samples) < 0.4 * segment.frame_rate:
        raise InputError("the clip is shorter than 0.4 s, too short to measure its loudness")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyloudnorm warns about clipping we do not have
        return float(pyloudnorm.Meter(segment.frame_rate).integrated_loudness(samples))


def _limit(samples: np.ndarray, rate: int, ceiling: float) -> np.ndarray:
    """Peak limiting with look-ahead: a gain curve that stays below ceiling/|peak| at every peak and
    changes smoothly. The running minimum starts each reduction `_LIMITER_ATTACK` before its peak and
    holds it `_LIMITER_HOLD` after; a moving average reaching no further than the attack either side
    then rounds the corners without letting a peak through."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    peaks = np.abs(samples).max(axis=1)  # channels are limited together, so the stereo image stays put
    needed = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    if needed.min() >= 1.0:
        return samples
    attack, hold = max(1, round(_LIMITER_ATTACK * rate)), max(1, round(_LIMITER_HOLD * rate))
    # minimum over [n - hold, n + attack]: origin moves the window's centre
    gain = minimum_filter1d(needed, size=attack + hold + 1, origin=(hold - attack) // 2, mode="nearest")
    gain = uniform_filter1d(gain, size=2 * attack + 1, mode="nearest")
    return samples * np.minimum(gain, needed)[:, None]


def normalize_loudness(segment, target: float, ceiling_db: float = PEAK_CEILING):
    """The segment at `target` LUFS with no sample peak above `ceiling_db` dBFS.

    Gain alone would often clip: speech mixed at -25 LUFS with -5 dBFS peaks needs +9 dB to reach
    -16 LUFS. Peaks are limited instead; limiting takes away some loudness, so the gain is found by
    the secant method on measured loudness (three or four measurements land within 0.05 LU).
    """
    measured = loudness(segment)
    if not math.isfinite(measured):
        raise InputError("the clip is silent, so its loudness cannot be normalized")
    samples, ceiling, rate = _floats(segment), 10 ** (ceiling_db / 20), segment.frame_rate

    def attempt(gain_db: float):
        result = _from_floats(segment, _limit(samples * 10 ** (gain_db / 20), rate, ceiling))
        return result, loudness(result)

    gain, (result, reached) = target - measured, attempt(target - measured)
    previous = (0.0, measured)
    for _ in range(6):
        if abs(target - reached) < 0.05:
            break
        slope = (reached - previous[1]) / (gain - previous[0]) if gain != previous[0] else 1.0
        previous = (gain, reached)
        gain += (target - reached) / min(1.0, max(0.1, slope))
        result, reached = attempt(gain)
    return result


def output_format(path: str | Path) -> Format:
    """The format a file name asks for, or InputError listing the choices."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"cannot write {Path(path).name!r}: the file name must end in one of "
                         f"{', '.join(FORMATS)}")
    return FORMATS[suffix]


def _encoder_rate(codec, rate: int) -> int:
    """The segment's rate if the encoder takes it, else the nearest it takes (at or above, if any)."""
    rates = codec.audio_rates
    if not rates or rate in rates:
        return rate
    higher = [r for r in rates if r >= rate]
    return min(higher) if higher else max(rates)


def encode(segment, form: Format) -> bytes:
    """The segment as the bytes of a file in `form`, encoded in memory by PyAV."""
    import av

    layout = "mono" if segment.channels == 1 else "stereo"
    samples = np.frombuffer(segment.raw_data, dtype=np.int16).reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(samples, format="s16", layout=layout)
    frame.sample_rate = segment.frame_rate
    frame.pts = 0
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=form.container) as container:
        codec = av.Codec(form.codec, "w")
        stream = container.add_stream(form.codec, rate=_encoder_rate(codec, segment.frame_rate), layout=layout)
        if form.bit_rate:
            stream.bit_rate = form.bit_rate * segment.channels
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()
