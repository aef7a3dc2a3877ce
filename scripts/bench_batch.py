"""Throughput of `aligner batch` on one batch, three ways, in one run: the items one after another in one
process (the recognizer using every core), the local process pool, and Ray started on this machine.

The batch is the six short committed recordings that have their text, synthesized and real (3 minutes
of audio; the longest item 53 s). The 3.4-minute reference broadcast is left out: one item that is half
of the batch would measure how long one worker takes over it, not throughput (see the README). Each way
starts with an empty transcript cache, so every item is recognized. Prints items per hour and hours of
audio per hour. Each way runs in a fresh process of its own (imports and model loading included), so
the ways cannot slow each other down; Ray's start-up is timed apart, since a cluster is started once and
then serves many batches. The load average is printed because other processes sharing the cores change
every figure; --rounds interleaves repeats. CPU seconds (for the two local ways) show the work apart from
the waiting: "cores" is how many cores the run kept busy.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
ITEMS = [  # (audio, text)
    (DATA / "short.flac", DATA / "short.txt"),
    (DATA / "check" / "check_a.flac", DATA / "check" / "check_a.txt"),
    (DATA / "check" / "check_b.flac", DATA / "check" / "check_b.txt"),
    (DATA / "check" / "check_c.flac", DATA / "check" / "check_c.txt"),
    (DATA / "real" / "jfk.flac", DATA / "real" / "jfk.txt"),
    (DATA / "real" / "p001.mp3", DATA / "real" / "sonnet001_plain.txt"),
]


def folder_bytes(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file() and p.parent != out}


def children_cpu() -> float:
    """CPU seconds of finished child processes and theirs (a pool's workers are waited for at its shutdown)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_way(manifest: Path, out: Path, way: str) -> None:
    """In a fresh process: run the batch one way and print what it took as JSON."""
    from aligner.batch import BatchOptions, run_batch

    batch = {"sequential": BatchOptions(workers=1), "pool": BatchOptions(), "ray": BatchOptions(engine="ray")}[way]
    ray_start = None
    if way == "ray":
        import ray

        started = time.perf_counter()
        ray.init(num_cpus=_cores(), include_dashboard=False, logging_level="warning")
        ray_start = time.perf_counter() - started
    started = time.perf_counter()
    report = run_batch(manifest, out, batch=batch)
    wall = time.perf_counter() - started
    assert not report.failed, [r.error for r in report.results if r.error]
    print(json.dumps({"wall": wall, "items": len(report.results), "audio": sum(r.duration for r in report.results),
                      "workers": report.workers, "threads": report.threads, "ray_start": ray_start}))


def _cores() -> int:
    from aligner.transcribe import local_cores

    return local_cores()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=len(ITEMS), help=f"use the first N items (default {len(ITEMS)})")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run the three ways this many times, interleaved, to see how much the machine's "
                             "other load moves the figures (default 1)")
    parser.add_argument("--one-way", nargs=3, metavar=("MANIFEST", "OUT", "WAY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if args.one_way:
        one_way(Path(args.one_way[0]), Path(args.one_way[1]), args.one_way[2])
        return

    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    manifest = work / "manifest.csv"
    manifest.write_text("audio,text\n" + "".join(f"{a},{t}\n" for a, t in ITEMS[:args.items]), "utf-8")
    print(f"{args.items} items on {_cores()} cores; load average {os.getloadavg()[0]:.1f} at start")
    outputs = []
    for round_ in range(1, args.rounds + 1):
        for way in ("sequential", "pool", "ray"):
            out = work / f"out-{way}-{round_}"
            cpu_before = children_cpu()
            done = subprocess.run([sys.executable, __file__, "--one-way", str(manifest), str(out), way],
                                  env=os.environ | {"ALIGNER_CACHE_DIR": str(work / f"cache-{way}-{round_}")},
                                  capture_output=True, text=True)
            if done.returncode:
                sys.exit(f"{way} failed:\n{done.stderr}")
            m = json.loads(done.stdout.strip().splitlines()[-1])
            cpu = children_cpu() - cpu_before
            busy = (f"cpu {cpu:5.1f} s = {cpu / m['wall']:.2f} cores" if m["ray_start"] is None
                    else f"(+ {m['ray_start']:.1f} s to start Ray; cpu in Ray's processes)")
            print(f"{way:<10} {m['workers']} x {m['threads']} threads  {m['wall']:6.1f} s  "
                  f"{m['items'] / m['wall'] * 3600:6.0f} items/h  {m['audio'] / m['wall']:5.1f} audio h/h  "
                  f"({m['audio']:.0f} s of audio)  {busy}", flush=True)
            outputs.append(out)
        print(f"load average {os.getloadavg()[0]:.1f} after round {round_}", flush=True)
    same = all(folder_bytes(o) == folder_bytes(outputs[0]) for o in outputs[1:])
    print(f"item folders identical across every run: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
