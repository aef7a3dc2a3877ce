"""Throughput of `aligner batch` on one batch, three ways, in one run: the items one after another in one
process (the recognizer using every core), the local process pool, and Ray started on this machine.

The batch is the committed recordings that have their text: the reference broadcast and six short
synthesized and real ones (about 6.4 minutes of audio in 7 items). Each way starts with an empty
transcript cache, so every item is recognized. Prints items per hour and hours of audio per hour.
Ray's start-up is timed apart: a cluster is started once and then serves many batches. The load
average is printed because other processes sharing the cores change every figure.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
ITEMS = [  # (audio, text); the longest first, as an archive would not be sorted for us either
    (ROOT / "media" / "broadcast.flac", ROOT / "media" / "article.txt"),
    (DATA / "short.flac", DATA / "short.txt"),
    (DATA / "check" / "check_a.flac", DATA / "check" / "check_a.txt"),
    (DATA / "check" / "check_b.flac", DATA / "check" / "check_b.txt"),
    (DATA / "check" / "check_c.flac", DATA / "check" / "check_c.txt"),
    (DATA / "real" / "jfk.flac", DATA / "real" / "jfk.txt"),
    (DATA / "real" / "p001.mp3", DATA / "real" / "sonnet001_plain.txt"),
]


def folder_bytes(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and p.parent != out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=len(ITEMS), help=f"use the first N items (default {len(ITEMS)})")
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    from aligner.batch import BatchOptions, _local_cores, run_batch

    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    manifest = work / "manifest.csv"
    manifest.write_text("audio,text\n" + "".join(f"{a},{t}\n" for a, t in ITEMS[:args.items]), "utf-8")
    cores = _local_cores()
    print(f"{args.items} items on {cores} cores; load average {os.getloadavg()[0]:.1f} at start")

    def timed(name: str, batch: BatchOptions, note: str = "") -> Path:
        slug = name.replace(" ", "-")
        os.environ["ALIGNER_CACHE_DIR"] = str(work / f"cache-{slug}")  # empty: every item is recognized
        out = work / f"out-{slug}"
        started = time.perf_counter()
        report = run_batch(manifest, out, batch=batch)
        wall = time.perf_counter() - started
        audio_h = sum(r.duration or 0 for r in report.results) / 3600
        assert not report.failed, [r.error for r in report.results if r.error]
        print(f"{name:<11} {report.workers} x {report.threads} threads  {wall:6.1f} s  "
              f"{len(report.results) / wall * 3600:6.0f} items/h  {audio_h / wall * 3600:5.1f} audio h/h"
              f"  ({audio_h * 3600:.0f} s of audio){note}")
        return out

    outputs = [timed("sequential", BatchOptions(workers=1)), timed("local pool", BatchOptions())]
    import ray

    started = time.perf_counter()
    ray.init(num_cpus=cores, include_dashboard=False, logging_level="warning")
    ray_start = time.perf_counter() - started
    try:
        outputs.append(timed("local ray", BatchOptions(engine="ray"), f"; Ray took {ray_start:.1f} s to start"))
    finally:
        ray.shutdown()
    same = all(folder_bytes(o) == folder_bytes(outputs[0]) for o in outputs[1:])
    print(f"item folders identical across the three: {'yes' if same else 'NO'}; "
          f"load average {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
