"""aligner batch: the manifest, both engines on a few short broadcasts and one corrupt file, resuming."""
from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from aligner.batch import MARKER, BatchOptions, Item, ItemResult, _Job, _local_pool, _plan, read_manifest, run_batch
from aligner.captions import CaptionOptions
from aligner.errors import InputError
from aligner.run import OUTPUT_FILES
from aligner.transcribe import TranscribeOptions

from conftest import DATA, run_cli

GOOD = ("short", "check_a", "check_b", "check_c")


def _make_batch(folder: Path) -> Path:
    """Audio and texts in subfolders of the manifest's folder, as an archive would hold them; one file is
    not audio at all."""
    (folder / "audio").mkdir(parents=True)
    (folder / "texts").mkdir()
    for name in GOOD:
        source = DATA if name == "short" else DATA / "check"
        shutil.copy(source / f"{name}.flac", folder / "audio")
        shutil.copy(source / f"{name}.txt", folder / "texts")
    (folder / "audio" / "corrupt.flac").write_bytes(b"not a recording\n" * 200)
    shutil.copy(DATA / "short.txt", folder / "texts" / "corrupt.txt")
    rows = [f"audio/{name}.flac,texts/{name}.txt" for name in ("short", "check_a", "corrupt", "check_b", "check_c")]
    manifest = folder / "manifest.csv"
    manifest.write_text("audio,text\n" + "\n".join(rows) + "\n", "utf-8")
    return manifest


def _summary(out: Path) -> list[dict]:
    with open(out / "summary.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _folder_bytes(out: Path) -> dict[str, bytes]:
    """Every file of every item folder (markers included), by path relative to the output folder."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.parent != out}


# -- the manifest --------------------------------------------------------------------------------------------------
def test_manifest_csv_and_jsonl_paths_are_relative_to_the_manifest(tmp_path):
    (tmp_path / "m").mkdir()
    csv_manifest = tmp_path / "m" / "list.csv"
    csv_manifest.write_text("Text, Audio ,id\nt/a.txt,a.flac,\nb.txt,../b.flac,second\n", "utf-8")
    jsonl_manifest = tmp_path / "m" / "list.jsonl"
    jsonl_manifest.write_text('{"audio": "a.flac", "text": "t/a.txt"}\n\n{"audio": "../b.flac", "text": "b.txt", '
                              '"id": "second"}\n', "utf-8")
    for manifest in (csv_manifest, jsonl_manifest):
        items = read_manifest(manifest)
        assert [i.id for i in items] == ["a", "second"]
        assert items[0].audio_path == tmp_path / "m" / "a.flac" and items[0].text_path == tmp_path / "m" / "t" / "a.txt"
        assert items[1].audio_path == tmp_path / "b.flac" and items[1].audio == "../b.flac"


@pytest.mark.parametrize("content, message", [
    ("audio,words\na.flac,a.txt\n", "line 1: the CSV header must name the columns audio and text"),
    ("audio,text\na.flac,a.txt\nx/a.flac,b.txt\n", "line 3: id 'a' repeats line 2; give each row an id"),
    ("audio,text,id\na.flac,a.txt,one\nb.flac,,two\n", "line 3: a row needs both audio and text"),
    ("audio,text,id\na.flac,a.txt,../up\n", "line 2: id '../up' cannot name a folder"),
    ("audio,text\n", "lists no items"),
    ('{"audio": "a.flac", "text": "a.txt"}\n{"audio": "b.flac",\n', "line 2: not JSON"),
    ('{"audio": "a.flac", "text": 3}\n', "line 1: expected an object like"),
])
def test_manifest_errors_name_the_line(tmp_path, content, message):
    manifest = tmp_path / ("list.jsonl" if content.startswith("{") else "list.csv")
    manifest.write_text(content, "utf-8")
    with pytest.raises(InputError) as error:
        read_manifest(manifest)
    assert message in str(error.value) and str(manifest) in str(error.value)


@pytest.mark.parametrize("cores, requested, items, expected", [
    (2, 0, 8, (2, 1)),  # the default: a worker per core, one recognizer thread each
    (8, 2, 8, (2, 4)),  # fewer workers get more threads each
    (8, 0, 3, (3, 1)),  # no idle workers, and threads do not depend on how many items there are
    (2, 1, 5, (1, 2)),  # one worker: the items one after another, in this process
])
def test_workers_times_threads_fill_the_cores(cores, requested, items, expected):
    assert _plan(cores, requested, items) == expected


def test_ray_engine_without_ray_says_how_to_install_it(tmp_path, monkeypatch):
    manifest = tmp_path / "m.csv"
    manifest.write_text("audio,text\na.flac,a.txt\n", "utf-8")
    monkeypatch.setitem(sys.modules, "ray", None)  # what an environment without Ray looks like to `import ray`
    with pytest.raises(InputError, match=r'pip install "aligner\[ray\]"'):
        run_batch(manifest, tmp_path / "out", batch=BatchOptions(engine="ray"))


@pytest.mark.parametrize("options, message", [
    (BatchOptions(engine="spark"), "unknown engine 'spark'; choose one of local, ray"),
    (BatchOptions(address="head:6379"), "--address names a Ray cluster; use it with --engine ray"),
    (BatchOptions(workers=-1), "--workers must be at least 1"),
])
def test_bad_batch_options_are_refused_before_any_work(tmp_path, options, message):
    manifest = tmp_path / "m.csv"
    manifest.write_text("audio,text\na.flac,a.txt\n", "utf-8")
    with pytest.raises(InputError, match=message):
        run_batch(manifest, tmp_path / "out", batch=options)
    assert not (tmp_path / "out").exists()


def test_cli_bad_manifest_is_one_line_and_exit_2(tmp_path):
    result = run_cli("batch", tmp_path / "missing.csv", "-o", tmp_path / "out")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("aligner: error: manifest not found")


def _exit_on_crash_items(item, job):
    """Stands in for process_item in a worker: an item whose id starts with "crash" kills its process."""
    if item.id.startswith("crash"):
        os._exit(1)
    return ItemResult(item.id, "done")


def test_a_worker_that_dies_costs_only_its_item(tmp_path):
    items = [Item(name, "a", "t", tmp_path / "a", tmp_path / "t") for name in ["one", "crash", "two", "three", "four"]]
    job = _Job(tmp_path, TranscribeOptions(model=str(tmp_path)), CaptionOptions(), True, str(tmp_path), False)
    results = {r.id: r for r in _local_pool(items, job, 2, _exit_on_crash_items)}
    assert sorted(results) == sorted(i.id for i in items)
    assert results.pop("crash").error == "its worker process died while processing it (twice)"
    assert {r.status for r in results.values()} == {"done"}


# -- both engines on real audio ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def local_batch(tmp_path_factory) -> tuple[Path, Path, str]:
    """The batch through the local engine (two worker processes), as a user runs it, from another folder."""
    root = tmp_path_factory.mktemp("batch")
    manifest = _make_batch(root / "inputs")
    (root / "elsewhere").mkdir()
    result = run_cli("batch", manifest, "-o", root / "out-local", "--workers", "2", cwd=root / "elsewhere")
    assert result.returncode == 3, result.stderr  # 3: some item failed
    return manifest, root / "out-local", result.stderr


@pytest.fixture
def local_ray(monkeypatch):
    """Ray on this machine, two CPUs, no dashboard; shut down after the test."""
    import ray

    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=100 * 2**20, logging_level="warning")
    yield ray
    ray.shutdown()


@pytest.mark.slow
def test_local_engine_records_the_corrupt_item_and_does_the_rest(local_batch):
    _, out, stderr = local_batch
    rows = {row["id"]: row for row in _summary(out)}
    assert list(rows) == ["short", "check_a", "corrupt", "check_b", "check_c"]  # manifest order
    assert "local engine, 2 workers" in stderr and "[5/5]" in stderr and "1 failed" in stderr
    bad = rows.pop("corrupt")
    assert bad["status"] == "failed" and bad["duration_s"] == "" and "corrupt.flac" in bad["error"]
    assert f"corrupt: FAILED: {bad['error']}" in stderr
    assert sorted(p.name for p in (out / "corrupt").iterdir()) == [MARKER]  # no half outputs
    for name, row in rows.items():
        assert row["status"] == "done" and row["error"] == "" and row["earlier_run"] == "False"
        assert 15 < float(row["duration_s"]) < 40 and 0 <= float(row["wer"]) < 0.5
        assert sorted(p.name for p in (out / name).iterdir()) == sorted((MARKER, *OUTPUT_FILES))
        page = (out / name / "report.html").read_text("utf-8")
        assert f'src="../../inputs/audio/{name}.flac"' in page  # relative, as from a folder made in place
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    assert (summary["items"], summary["done"], summary["failed"]) == (5, 4, 1)
    assert [r["id"] for r in summary["rows"]] == [r["id"] for r in _summary(out)]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary folders left
    (out.parent / "plain").mkdir(exist_ok=True)
    assert (out / "short").stat().st_mode == (out.parent / "plain").stat().st_mode  # the usual permissions


@pytest.mark.slow
def test_ray_engine_writes_the_same_bytes_as_the_local_engine(local_batch, local_ray, tmp_path):
    manifest, local_out, _ = local_batch
    ray_out = local_out.parent / "out-ray"  # the same depth, so the same relative links
    report = run_batch(manifest, ray_out, batch=BatchOptions(engine="ray", workers=2, use_cache=False))
    assert (report.engine, report.workers, report.failed) == ("ray", 2, 1)
    assert local_ray.is_initialized()  # a Ray the caller started is left running for the caller
    assert _folder_bytes(ray_out) == _folder_bytes(local_out)

    def without_wall_time(rows):
        return [{k: v for k, v in row.items() if k != "wall_s"} for row in rows]

    assert without_wall_time(_summary(ray_out)) == without_wall_time(_summary(local_out))


@pytest.mark.slow
def test_second_run_skips_finished_items_and_retries_failures_only_when_asked(local_batch, tmp_path):
    manifest, local_out, _ = local_batch
    out = tmp_path / "out"
    shutil.copytree(local_out, out)  # items are keyed by their inputs, not by the output folder
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.parent != out}

    again = run_cli("batch", manifest, "-o", out)
    assert again.returncode == 3
    rows = _summary(out)
    assert [r["earlier_run"] for r in rows] == ["True"] * 5
    assert [r["status"] for r in rows] == ["done", "done", "failed", "done", "done"]
    assert "corrupt: failed by an earlier run, skipped" in again.stderr
    assert {p: p.stat().st_mtime_ns for p in before} == before  # nothing rewritten

    # --retry-failed runs the failure again; an input with new content under the same name is done again anyway
    text = manifest.parent / "texts" / "check_b.txt"
    original = text.read_text("utf-8")
    try:
        text.write_text(original.replace(".", ". Indeed.", 1), "utf-8")
        retried = run_cli("batch", manifest, "-o", out, "--retry-failed")
    finally:
        text.write_text(original, "utf-8")
    assert retried.returncode == 3 and "corrupt: FAILED" in retried.stderr
    assert {r["id"]: r["earlier_run"] for r in _summary(out)} == {
        "short": "True", "check_a": "True", "corrupt": "False", "check_b": "False", "check_c": "True"}
    rows = {r["id"]: r for r in _summary(out)}
    assert rows["check_b"]["status"] == "done", retried.stderr
    assert "Indeed" in (out / "check_b" / "alignment.json").read_text("utf-8")
