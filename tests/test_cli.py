"""The CLI on the short two-voice clip: captions by suffix, the transcript view, the progress bar."""
from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest
import srt

from conftest import DATA, ROOT, run_cli

pytestmark = pytest.mark.slow  # every test here runs the recognizer (directly or through a fixture)

SHORT_TRUTH = json.loads((DATA / "short.truth.json").read_text("utf-8"))


def test_captions_command_writes_srt_worded_as_published(tmp_path):
    out = tmp_path / "short.srt"
    result = run_cli("captions", DATA / "short.flac", DATA / "short.txt", "-o", out)
    assert result.returncode == 0, result.stderr
    subtitles = list(srt.parse(out.read_text("utf-8")))
    text = " ".join(s.content.replace("\n", " ") for s in subtitles).replace("” “", " ")  # a quote over two cues
    spoken = [s for s in SHORT_TRUTH["sentences"]]
    published = (DATA / "short.txt").read_text("utf-8")
    for sentence in spoken:
        assert " ".join(published[sentence["char_start"]:sentence["char_end"]].split()) in text
    assert "Breaking News" not in text
    assert subtitles[0].start.total_seconds() >= spoken[0]["start"] - 0.5
    assert [p.name for p in tmp_path.iterdir()] == ["short.srt"]  # no temporary file left behind


def test_transcribe_prints_timed_segments_and_words():
    segments = run_cli("transcribe", DATA / "short.flac")
    assert segments.returncode == 0 and segments.stdout.startswith("[0:")
    words = run_cli("transcribe", DATA / "short.flac", "--words")
    assert "percent" in words.stdout.lower() or "%" in words.stdout
    transcript = json.loads(run_cli("transcribe", DATA / "short.flac", "--json").stdout)
    assert transcript["model"] == "tiny.en" and transcript["words"][0]["start"] >= 0


def test_progress_bar_only_on_a_terminal(tmp_path):
    """Seconds of audio done out of the total, on stderr when it is a terminal; nothing otherwise."""
    env = os.environ | {"ALIGNER_CACHE_DIR": str(tmp_path)}  # a cold cache, so recognition really runs
    command = [sys.executable, "-m", "aligner", "transcribe", str(DATA / "short.flac")]
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    assert process.wait(timeout=300) == 0
    assert b"transcribing" in shown and b"s audio" in shown
    quiet = subprocess.run(command + ["--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert quiet.returncode == 0 and quiet.stderr == ""
