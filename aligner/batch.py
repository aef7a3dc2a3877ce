"""`aligner batch`: many (audio, text) items through `run_job`, on a local process pool or on Ray actors.

Everything about one item happens in a worker (hashing its inputs, skipping it if already done, aligning,
writing its folder), so the driver only reads the manifest and tallies results: the same work runs on one
core, a pool of processes or many machines, and writes the same bytes. Each worker loads a recognizer afresh
for each item it transcribes (see transcribe._fresh_recognizer). Ray is optional and imported only by the `ray`
engine.
"""
from __future__ import annotations

import contextlib
import csv
import dataclasses
import hashlib
import io
import json
import logging
import os
import shutil
import sys
import time
import uuid
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import phonetic
from .captions import CaptionOptions
from .errors import AlignerError, ExitCode, InputError
from .files import file_sha256, write_atomic
from .transcribe import TranscribeOptions, cache_dir, local_cores

__all__ = ["Item", "ItemResult", "BatchOptions", "Progress", "BatchReport", "read_manifest", "process_item",
           "run_batch", "add_arguments", "command", "ENGINES", "MARKER", "SUMMARY_FIELDS"]

ENGINES = ("local", "ray")
DONE, FAILED = "done", "failed"
MARKER = ".aligner-batch.json"  # in each item folder: the content key it was made from, and its outcome
SUMMARY_FIELDS = ("id", "status", "audio", "text", "duration_s", "wer", "quotes", "quotes_not_verbatim", "unspoken",
                  "unscripted", "wall_s", "earlier_run", "error")
_SUMMARY_EVERY = 10.0  # seconds between rewrites of the summary while a long batch runs
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    """One manifest row; the paths as written (relative to the manifest) and as found."""

    id: str
    audio: str
    text: str
    audio_path: Path  # absolute, so every worker finds it whatever its working folder
    text_path: Path


@dataclass(frozen=True)
class ItemResult:
    id: str
    status: str  # DONE or FAILED
    duration: float | None = None  # seconds of audio
    wer: float | None = None
    quotes: int | None = None
    misquotes: int | None = None  # spoken quotes that were not verbatim
    unspoken: int | None = None  # passages of the text never spoken
    unscripted: int | None = None  # passages of speech not in the text
    wall_seconds: float = 0.0  # time this run spent on the item
    error: str = ""
    earlier: bool = False  # done (or failed) by an earlier run with the same content; skipped now


@dataclass(frozen=True)
class BatchOptions:
    engine: str = "local"
    workers: int = 0  # 0: one per core of this machine (local) or per CPU of the Ray cluster
    address: str | None = None  # Ray cluster to join; None starts Ray on this machine
    retry_failed: bool = False  # run again items that failed before with the same content
    use_cache: bool = True  # the transcript cache (ALIGNER_CACHE_DIR)


@dataclass(frozen=True)
class _Job:
    """What every worker needs for every item: the same on every machine."""

    out: Path  # absolute
    transcribe: TranscribeOptions
    captions: CaptionOptions
    use_cache: bool
    cache_dir: str  # absolute: workers share the driver's transcript cache
    retry_failed: bool


@dataclass(frozen=True)
class Progress:
    """Sent to the caller once when the workers are planned (result None), then after every item."""

    engine: str
    workers: int
    threads: int  # recognizer threads per worker
    total: int
    done: int
    failed: int
    audio_seconds: float  # audio of the items done so far
    result: ItemResult | None


@dataclass(frozen=True)
class BatchReport:
    items: tuple[Item, ...]
    results: tuple[ItemResult, ...]  # in manifest order
    engine: str
    workers: int
    threads: int

    @property
    def failed(self) -> int:
        return sum(r.status == FAILED for r in self.results)


# -- the manifest -------------------------------------------------------------------------------------------------
def read_manifest(path: str | Path) -> tuple[Item, ...]:
    """CSV with a header naming audio, text and optionally id, or JSON Lines of {"audio", "text", "id"}.
    Paths are relative to the manifest's folder; the id (default: the audio's file name without suffix)
    names the item's output folder, so ids must be unique."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"manifest not found: {path}")
    try:
        content = path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"manifest {path} is not UTF-8 text") from None
    first = content.lstrip()[:1]
    rows = _jsonl_rows(path, content) if path.suffix.lower() in (".jsonl", ".ndjson") or first == "{" \
        else _csv_rows(path, content)
    base = Path(os.path.abspath(path)).parent  # as the user sees it, symlinks not resolved (the review page links)
    items: list[Item] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        audio, text, given_id = (str(row.get(key) or "").strip() for key in ("audio", "text", "id"))
        if not audio or not text:
            raise InputError(f"{path}, line {line}: a row needs both audio and text")
        item_id = given_id or Path(audio).stem
        if item_id in (".", "..") or item_id.startswith(".") or "/" in item_id or "\\" in item_id:
            raise InputError(f"{path}, line {line}: id {item_id!r} cannot name a folder "
                             "(no slashes, no leading dot)")
        if item_id in seen:
            hint = "" if given_id else "; give each row an id"
            raise InputError(f"{path}, line {line}: id {item_id!r} repeats line {seen[item_id]}{hint}")
        seen[item_id] = line
        items.append(Item(item_id, audio, text, Path(os.path.normpath(base / audio)),
                          Path(os.path.normpath(base / text))))
    if not items:
        raise InputError(f"manifest {path} lists no items")
    return tuple(items)


def _csv_rows(path: Path, content: str) -> Iterator[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(content))
    columns = [name.strip().lower() for name in reader.fieldnames or ()]
    if "audio" not in columns or "text" not in columns:
        raise InputError(f"{path}, line 1: the CSV header must name the columns audio and text (and optionally id)")
    reader.fieldnames = columns
    for row in reader:
        if any((value or "").strip() for key, value in row.items() if key is not None):
            yield reader.line_num, row


def _jsonl_rows(path: Path, content: str) -> Iterator[tuple[int, dict]]:
    for line, text in enumerate(content.splitlines(), 1):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
        except ValueError as error:
            raise InputError(f"{path}, line {line}: not JSON ({error})") from None
        if not isinstance(row, dict) or not all(isinstance(row.get(k, ""), str) for k in ("audio", "text", "id")):
            raise InputError(f'{path}, line {line}: expected an object like {{"audio": "a.flac", "text": "a.txt"}}')
        yield line, row


# -- one item, in a worker -----------------------------------------------------------------------------------------
def _digest(path: Path) -> str | None:
    """SHA-256 of a file's bytes; None if it cannot be read (run_job then says why)."""
    try:
        return file_sha256(path).hexdigest()
    except OSError:
        return None


def _settings_key(job: _Job) -> dict:
    """The settings that shape the outputs, but for the recognizer's threads: they may change a word here and
    there (CTranslate2 4.8), yet a transcript made with any number of them is as good, so changing --workers does
    not redo finished items."""
    from . import __version__

    return {"transcribe": dataclasses.asdict(dataclasses.replace(job.transcribe, cpu_threads=0)),
            "captions": dataclasses.asdict(job.captions), "aligner": __version__}


def _item_key(item: Item, audio_sha: str, text_sha: str, job: _Job) -> str:
    """The contents, the settings, and where the inputs are: the outputs name the audio and link to it."""
    payload = json.dumps({"audio": audio_sha, "text": text_sha, "settings": _settings_key(job),
                          "paths": [str(item.audio_path), str(item.text_path)]}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _read_marker(folder: Path) -> dict | None:
    try:
        marker = json.loads((folder / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


def _outcome(result: ItemResult) -> dict:
    """The marker's record of an outcome: no wall time, so the folder's bytes do not depend on the run."""
    return {"status": result.status, "duration": result.duration, "wer": result.wer, "quotes": result.quotes,
            "quotes_not_verbatim": result.misquotes, "unspoken": result.unspoken, "unscripted": result.unscripted,
            "error": result.error}


def _from_marker(item: Item, marker: dict, started: float) -> ItemResult:
    return ItemResult(item.id, marker["status"], marker.get("duration"), marker.get("wer"), marker.get("quotes"),
                      marker.get("quotes_not_verbatim"), marker.get("unspoken"), marker.get("unscripted"),
                      round(time.perf_counter() - started, 3), marker.get("error") or "", earlier=True)


def process_item(item: Item, job: _Job) -> ItemResult:
    """Align one item into its own folder, all or nothing; never raises for a bad item. Skips the item when its
    folder was made from the same audio, text and settings (a failure too, unless job.retry_failed)."""
    from .run import run_job

    started = time.perf_counter()
    final = job.out / item.id
    audio_sha, text_sha = _digest(item.audio_path), _digest(item.text_path)
    key = _item_key(item, audio_sha, text_sha, job) if audio_sha and text_sha else None
    marker = _read_marker(final) if key else None
    if marker and marker.get("key") == key and (marker.get("status") == DONE or not job.retry_failed):
        return _from_marker(item, marker, started)

    partial = _new_folder(job.out, f".{item.id}.partial")  # beside the final folder, so the review page's
    try:  # relative link to the audio is already right
        try:
            ran = run_job(item.audio_path, item.text_path, partial, job.transcribe, job.captions, job.use_cache)
            report = ran.report
            result = ItemResult(item.id, DONE, ran.aligned.transcript.duration, round(report.measures.wer, 4),
                                len(report.quotes), len(report.misquotes), len(report.unspoken),
                                len(report.unscripted))
        except AlignerError as error:
            result = ItemResult(item.id, FAILED, error=str(error))
        except Exception as error:  # a bug, or a library's surprise: still only this item fails
            _log.debug("item %s", item.id, exc_info=True)
            result = ItemResult(item.id, FAILED, error=f"unexpected {type(error).__name__}: {error}")
        if result.status == FAILED:  # no partial outputs: the folder keeps only the marker
            for leftover in partial.iterdir():
                leftover.unlink()
        if key is None:  # inputs unreadable: nothing to key on, so nothing recorded; the next run tries again
            shutil.rmtree(partial)
        else:
            write_atomic(partial / MARKER, json.dumps({"key": key, "audio_sha256": audio_sha, "text_sha256": text_sha}
                                                      | _outcome(result), indent=1) + "\n")
            _replace_folder(partial, final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return dataclasses.replace(result, wall_seconds=round(time.perf_counter() - started, 3))


def _new_folder(parent: Path, prefix: str) -> Path:
    """A new folder with a name no other worker on any machine picks; the usual permissions (not mkdtemp's)."""
    folder = parent / f"{prefix}-{uuid.uuid4().hex}"
    folder.mkdir()
    return folder


def _replace_folder(new: Path, final: Path) -> None:
    """Rename `new` to `final`; an older `final` is moved aside first and then deleted."""
    if final.exists():
        old = _new_folder(final.parent, f".{final.name}.old")
        os.replace(final, old / final.name)
        os.replace(new, final)
        shutil.rmtree(old)
    else:
        os.replace(new, final)


def _start_worker(job: _Job, quiet: bool) -> None:
    """Once per worker process: use the driver's transcript cache, and no phonetic helper processes. The
    recognizer is loaded for each item it transcribes (see transcribe._fresh_recognizer)."""
    os.environ["ALIGNER_CACHE_DIR"] = job.cache_dir
    phonetic.allow_helpers(False)  # the batch already gives each core an item of its own
    if quiet:  # several workers' progress bars on one terminal would only garble it
        sys.stderr = open(os.devnull, "w")  # for the life of the worker


def _failed(item: Item, message: str) -> ItemResult:
    return ItemResult(item.id, FAILED, error=message)


# -- engines: each yields one result per item, in any order ---------------------------------------------------------
def _largest_first(items: Sequence[Item]) -> list[Item]:
    """Biggest audio files first, so the batch does not end with one long item running alone."""
    def size(item: Item) -> int:
        try:
            return item.audio_path.stat().st_size
        except OSError:
            return 0

    return sorted(items, key=size, reverse=True)


def _in_process(items: Sequence[Item], job: _Job) -> Iterator[ItemResult]:
    for item in items:
        yield process_item(item, job)


_Work = Callable[[Item, _Job], ItemResult]


def _local_pool(items: Sequence[Item], job: _Job, workers: int, work: _Work = process_item) -> Iterator[ItemResult]:
    """A process pool; a worker that dies (a crash in a decoder, the kernel's OOM killer) breaks the pool, so
    the items it was running are tried again, each alone, and fail only if they kill their worker again."""
    queue, suspects = deque(items), []
    while queue:
        suspects += yield from _pool_pass(queue, job, workers, work)
    for item in suspects:
        if (yield from _pool_pass(deque([item]), job, 1, work)):
            yield _failed(item, "its worker process died while processing it (twice)")


@contextlib.contextmanager
def _openmp_threads(threads: int):
    """Worker processes started meanwhile get OMP_NUM_THREADS=threads, as Ray gives its actors their CPUs: the
    numerical libraries read it as they load, and how many threads sum the recognizer's input features can change
    a word it hears ("residents" with one, "resident" with two), so both engines write the same bytes."""
    before = os.environ.get("OMP_NUM_THREADS")
    os.environ["OMP_NUM_THREADS"] = str(threads)
    try:
        yield
    finally:
        if before is None:
            del os.environ["OMP_NUM_THREADS"]
        else:
            os.environ["OMP_NUM_THREADS"] = before


def _pool_pass(queue: deque[Item], job: _Job, workers: int, work: _Work) -> Generator[ItemResult, None, list[Item]]:
    """Run items from `queue` with at most `workers` in flight; return the items in flight if the pool broke."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")  # a clean interpreter: no threads or state of the driver
    with _openmp_threads(job.transcribe.cpu_threads or local_cores()), ProcessPoolExecutor(
            workers, mp_context=context, initializer=_start_worker, initargs=(job, True)) as pool:
        running = {}
        while queue or running:
            while queue and len(running) < workers:
                item = queue.popleft()
                running[pool.submit(work, item, job)] = item
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            broken = []
            for future in finished:
                item = running.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    broken.append(item)
            if broken:
                return broken + list(running.values())
    return []


class _RayWorker:
    """A Ray actor: one process that runs one item at a time."""

    def __init__(self, job: _Job):
        self.job = job
        _start_worker(job, quiet=False)

    def process(self, item: Item) -> ItemResult:
        return process_item(item, self.job)


def _import_ray():
    try:
        import ray
    except ImportError:
        raise InputError('--engine ray needs Ray, an optional dependency: pip install "aligner[ray]"') from None
    return ray


def _ray_actors(items: Sequence[Item], job: _Job, ray, workers: int, threads: int) -> Iterator[ItemResult]:
    """One actor per worker, each holding `threads` CPUs; an actor that dies is replaced and its item tried once
    more on a fresh actor."""
    worker_class = ray.remote(num_cpus=threads)(_RayWorker)
    job = dataclasses.replace(job, transcribe=dataclasses.replace(job.transcribe, cpu_threads=threads))
    idle = [worker_class.remote(job) for _ in range(workers)]
    queue, running, deaths = deque(items), {}, {}
    try:
        while queue or running:
            while queue and idle:
                actor, item = idle.pop(), queue.popleft()
                running[actor.process.remote(item)] = (actor, item)
            [ready], _ = ray.wait(list(running), num_returns=1)
            actor, item = running.pop(ready)
            try:
                yield ray.get(ready)
                idle.append(actor)
            except ray.exceptions.RayActorError as error:
                deaths[item.id] = deaths.get(item.id, 0) + 1
                if deaths[item.id] >= 2:
                    yield _failed(item, f"its Ray worker died while processing it (twice): {error}".splitlines()[0])
                else:
                    queue.append(item)
                idle.append(worker_class.remote(job))
    finally:
        for actor in idle + [actor for actor, _ in running.values()]:
            ray.kill(actor)


# -- the batch ------------------------------------------------------------------------------------------------------
def _plan(cores: int, requested: int, items: int) -> tuple[int, int]:
    """Workers and recognizer threads per worker: workers x threads about the cores, never more workers than
    items. Threads follow the requested workers, not the item count, so they do not vary with the batch."""
    workers = requested or cores
    threads = max(1, cores // workers)
    return max(1, min(workers, items)), threads


def run_batch(manifest: str | Path, out: str | Path, options: TranscribeOptions = TranscribeOptions(),
              captions: CaptionOptions = CaptionOptions(), batch: BatchOptions = BatchOptions(),
              progress: Callable[[Progress], None] | None = None) -> BatchReport:
    """Every manifest item into OUT/ID/ (the files of `aligner run`), then OUT/summary.csv and summary.json.
    The local pool starts fresh interpreters, so a script calling this needs the `if __name__ == "__main__":`
    guard of every multiprocessing program."""
    if batch.engine not in ENGINES:
        raise InputError(f"unknown engine {batch.engine!r}; choose one of {', '.join(ENGINES)}")
    if batch.address and batch.engine != "ray":
        raise InputError("--address names a Ray cluster; use it with --engine ray")
    if batch.workers < 0:
        raise InputError("--workers must be at least 1")
    items = read_manifest(manifest)
    out = Path(os.path.abspath(out))
    if out.exists() and not out.is_dir():
        raise InputError(f"output folder {out} is a file")
    out.mkdir(parents=True, exist_ok=True)
    from .transcribe import model_location

    model_location(options.model)  # a wrong --model is one error now, not one per item
    job = _Job(out, options, captions, batch.use_cache, os.path.abspath(cache_dir()), batch.retry_failed)

    ray = started_ray = None
    if batch.engine == "ray":
        ray = _import_ray()
        if not ray.is_initialized():
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # offline machines: no usage report
            extra = {} if batch.address else {"include_dashboard": False}
            ray.init(address=batch.address, logging_level=logging.WARNING, **extra)
            started_ray = True
        workers, threads = _plan(int(ray.cluster_resources().get("CPU", 1)), batch.workers, len(items))
        largest = max((node["Resources"].get("CPU", 0) for node in ray.nodes() if node["Alive"]), default=1)
        threads = max(1, min(threads, int(largest)))  # an actor runs on one machine
        results = _ray_actors(_largest_first(items), job, ray, workers, threads)
    else:
        workers, threads = _plan(local_cores(), batch.workers, len(items))
        job = dataclasses.replace(job, transcribe=dataclasses.replace(options, cpu_threads=threads))
        results = _in_process(items, job) if workers == 1 else _local_pool(_largest_first(items), job, workers)

    finished: dict[str, ItemResult] = {}
    tally = Progress(batch.engine, workers, threads, len(items), 0, 0, 0.0, None)
    if progress:
        progress(tally)
    written = time.monotonic()
    try:
        for result in results:
            finished[result.id] = result
            tally = dataclasses.replace(
                tally, done=tally.done + (result.status == DONE), failed=tally.failed + (result.status == FAILED),
                audio_seconds=tally.audio_seconds + (result.duration or 0.0), result=result)
            if progress:
                progress(tally)
            if time.monotonic() - written > _SUMMARY_EVERY:
                _write_summary(out, items, finished)
                written = time.monotonic()
    finally:
        _write_summary(out, items, finished)
        if started_ray:
            ray.shutdown()
    return BatchReport(items, tuple(finished[i.id] for i in items), batch.engine, workers, threads)


def _summary_row(item: Item, result: ItemResult | None) -> dict:
    if result is None:
        return dict.fromkeys(SUMMARY_FIELDS) | {"id": item.id, "status": "pending", "audio": item.audio,
                                               "text": item.text, "error": ""}
    return {"id": item.id, "status": result.status, "audio": item.audio, "text": item.text,
            "duration_s": result.duration, "wer": result.wer, "quotes": result.quotes,
            "quotes_not_verbatim": result.misquotes, "unspoken": result.unspoken, "unscripted": result.unscripted,
            "wall_s": result.wall_seconds, "earlier_run": result.earlier, "error": result.error}


def _write_summary(out: Path, items: Sequence[Item], finished: dict[str, ItemResult]) -> None:
    """summary.json and summary.csv: one row per manifest item, in manifest order."""
    rows = [_summary_row(item, finished.get(item.id)) for item in items]
    done = [r for r in rows if r["status"] == DONE]
    write_atomic(out / "summary.json", json.dumps({
        "items": len(rows), "done": len(done), "failed": sum(r["status"] == FAILED for r in rows),
        "audio_hours": round(sum(r["duration_s"] for r in done) / 3600, 4), "rows": rows}, indent=1,
        ensure_ascii=False) + "\n")
    table = io.StringIO()
    writer = csv.DictWriter(table, SUMMARY_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    write_atomic(out / "summary.csv", table.getvalue())


# -- the command ----------------------------------------------------------------------------------------------------
def add_arguments(parser) -> None:
    parser.add_argument("manifest", type=Path,
                        help="CSV with columns audio,text[,id] or JSON Lines of {\"audio\", \"text\", \"id\"}; "
                             "paths relative to the manifest")
    parser.add_argument("-o", "--output", type=Path, required=True,
                        help="output folder: one folder per item id, and summary.csv / summary.json")
    parser.add_argument("--engine", choices=ENGINES, default="local",
                        help="local: a process pool on this machine (default); ray: Ray actors, "
                             'pip install "aligner[ray]"')
    parser.add_argument("--address", help="with --engine ray: the Ray cluster to join (default: start Ray here)")
    parser.add_argument("--workers", type=int, default=0,
                        help="workers, each running one item at a time (default: one per core / Ray CPU); "
                             "recognizer threads per worker are cores divided by workers")
    parser.add_argument("--retry-failed", action="store_true",
                        help="run again the items that failed before (done items are always skipped "
                             "unless their audio, text or settings changed)")


def _print_progress(p: Progress) -> None:
    if p.result is None:
        print(f"batch: {p.total} items on the {p.engine} engine, {p.workers} worker{'s' * (p.workers != 1)} "
              f"x {p.threads} recognizer thread{'s' * (p.threads != 1)}", file=sys.stderr)
        return
    r = p.result
    if r.earlier:
        what = f"{r.status} by an earlier run, skipped"
    elif r.status == DONE:
        what = f"done, {r.duration:.0f} s of audio in {r.wall_seconds:.1f} s"
    else:
        what = f"FAILED: {r.error}"
    print(f"[{p.done + p.failed}/{p.total}] {r.id}: {what}  ({p.done} done, {p.failed} failed, "
          f"{p.total - p.done - p.failed} to go; {p.audio_seconds / 3600:.3f} h of audio)", file=sys.stderr, flush=True)


def command(args, options: TranscribeOptions, captions: CaptionOptions) -> int:
    """`aligner batch`: exit 0 when every item is done, 3 when some failed (listed in the summary): 1 is kept
    for a bug in aligner itself."""
    if args.workers < 0:
        raise InputError("--workers must be at least 1")
    report = run_batch(args.manifest, args.output, options, captions,
                       BatchOptions(args.engine, args.workers, args.address, args.retry_failed, not args.no_cache),
                       _print_progress)
    print(f"{len(report.results) - report.failed} of {len(report.results)} items done, {report.failed} failed; "
          f"summary in {args.output / 'summary.csv'} and {args.output / 'summary.json'}")
    return ExitCode.FINDINGS if report.failed else ExitCode.OK
