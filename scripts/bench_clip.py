"""Boundary accuracy and speed of `aligner clip` on the committed broadcast, against its ground truth.

For every quote of the article (and a few fragments cut in connected speech) prints where the clip's
speech begins and ends (the cut with its padding removed) against the true start of the first word and
end of the last, and how much room the cut leaves to the neighbouring words (negative: the cut takes in
part of a neighbour). Then the wall time of `aligner clip --quotes` once the broadcast is transcribed,
the best of a few runs. Words whose true times the synthesizer did not report stand in for by the
nearest words inside the passage that have them.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRAGMENTS = ("unity of purpose", "our unity of action", "to replenish stockpiles", "a free and open Indo-Pacific")


def truth_edges(truth: dict, char_start: int, char_end: int) -> tuple[float, float, float | None, float | None]:
    """True start and end of the passage's speech, and the end of the word before and start of the word after."""
    timed = [w for w in truth["words"] if w.get("start") is not None]
    inside = [w for w in timed if w["char_start"] is not None and w["char_end"] > char_start
              and w["char_start"] < char_end]
    first, last = timed.index(inside[0]), timed.index(inside[-1])
    before = timed[first - 1]["end"] if first else None
    after = timed[last + 1]["start"] if last + 1 < len(timed) else None
    return inside[0]["start"], inside[-1]["end"], before, after


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aligner", "clip", *args], env=env, capture_output=True, text=True,
                          check=True)


def row(label: str, clip: dict, edges: tuple) -> str:
    start, end, before, after = edges
    room_before = f"{clip['start'] - before:+7.3f}" if before is not None else "      -"
    room_after = f"{after - clip['end']:+7.3f}" if after is not None else "      -"
    return (f"{label[:38]:38s} {clip['speech_start'] - start:+7.3f} {clip['speech_end'] - end:+7.3f}"
            f" {room_before} {room_after} {clip['start'] - start:+7.3f} {clip['end'] - end:+7.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--audio", type=Path, default=ROOT / "media/broadcast.flac")
    parser.add_argument("--text", type=Path, default=ROOT / "media/article.txt")
    parser.add_argument("--truth", type=Path, default=ROOT / "media/broadcast.truth.json")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of --quotes; the fastest is kept")
    args = parser.parse_args()
    env = os.environ | {"HF_HUB_OFFLINE": "1", "PYTHONWARNINGS": "ignore"}
    truth = json.loads(args.truth.read_text("utf-8"))
    article = args.text.read_text("utf-8")

    from aligner.audio import read_sound
    from aligner.clip import locate, plan_clip
    from aligner.pipeline import align_files

    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        run([str(args.audio), str(args.text), "--quotes", "-o", out], env)
        first = time.perf_counter() - started
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            run([str(args.audio), str(args.text), "--quotes", "-o", out, "--force"], env)
            times.append(time.perf_counter() - started)
        index = json.loads(Path(out, "quotes.json").read_text("utf-8"))

    print("seconds; speech = the cut with its padding removed; room = cut to the neighbouring word's true edge")
    print(f"{'passage':38s} {'start':>7s} {'end':>7s} {'room<':>7s} {'room>':>7s} {'cut<':>7s} {'cut>':>7s}")
    errors = []
    for clip in index:
        char_start = article.index(clip["text"])
        edges = truth_edges(truth, char_start, char_start + len(clip["text"]))
        errors += [abs(clip["speech_start"] - edges[0]), abs(clip["speech_end"] - edges[1])]
        print(row(f"{clip['number']:02d} {clip['text']}", clip, edges))
    aligned = align_files(args.audio, args.text)  # from the cache the runs above filled
    sound = read_sound(args.audio)
    for fragment in FRAGMENTS:
        match = locate(aligned.document, fragment)[0]
        plan = plan_clip(sound, aligned.alignment.words, aligned.transcript.words, match.first_word, match.last_word)
        words = aligned.document.words
        edges = truth_edges(truth, words[match.first_word].char_start, words[match.last_word].char_end)
        errors += [abs(plan.speech_start - edges[0]), abs(plan.speech_end - edges[1])]
        print(row(f"   {fragment}", vars(plan), edges))
    print(f"largest boundary error: {max(errors) * 1000:.0f} ms over {len(errors)} boundaries")
    print(f"aligner clip --quotes ({len(index)} clips): first run {first:.2f} s, then "
          f"{min(times):.2f} s (best of {len(times)}: {', '.join(f'{t:.2f}' for t in times)})")


if __name__ == "__main__":
    main()
