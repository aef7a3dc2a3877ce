"""Bad input: one clear line on stderr, exit code 2, no traceback, nothing written."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import REAL, run_cli


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture()
def text(tmp_path: Path) -> Path:
    path = tmp_path / "text.txt"
    path.write_text((REAL / "jfk.txt").read_text())
    return path


def test_missing_audio(tmp_path, text):
    assert_one_line_error(run_cli("run", tmp_path / "nope.wav", text, "-o", tmp_path / "out"), "not found", "nope.wav")
    assert not (tmp_path / "out").exists()


def test_empty_audio(tmp_path, text):
    empty = tmp_path / "empty.wav"
    empty.touch()
    assert_one_line_error(run_cli("captions", empty, text, "-o", tmp_path / "c.vtt"), "empty", "empty.wav")


def test_corrupt_audio(tmp_path, text):
    corrupt = tmp_path / "corrupt.mp3"
    corrupt.write_bytes(os.urandom(1000) * 20)
    assert_one_line_error(run_cli("run", corrupt, text, "-o", tmp_path / "out"), "cannot decode", "corrupt.mp3")
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_audio(tmp_path, text):
    locked = tmp_path / "locked.flac"
    locked.write_bytes((REAL / "jfk.flac").read_bytes())
    locked.chmod(0)
    assert_one_line_error(run_cli("run", locked, text, "-o", tmp_path / "out"), "locked.flac")


def test_empty_text(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    assert_one_line_error(run_cli("run", REAL / "jfk.flac", empty, "-o", tmp_path / "out"), "no words", "empty.txt")


def test_undecodable_text(tmp_path):
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Ask not what your country can do for you – café".encode("latin-1", "replace"))
    assert_one_line_error(run_cli("run", REAL / "jfk.flac", latin, "-o", tmp_path / "out"), "UTF-8", "latin1.txt")


def test_text_that_does_not_belong_to_the_audio(tmp_path):
    result = run_cli("run", REAL / "jfk.flac", REAL / "sonnet001_plain.txt", "-o", tmp_path / "out")
    assert_one_line_error(result, "does not match")
    assert not (tmp_path / "out").exists()


def test_caption_suffix_is_checked(tmp_path, text):
    assert_one_line_error(run_cli("captions", REAL / "jfk.flac", text, "-o", tmp_path / "c.txt"), ".vtt or .srt")


def test_only_one_of_audio_and_text(tmp_path):
    assert_one_line_error(run_cli("run", REAL / "jfk.flac", "-o", tmp_path / "out"), "both AUDIO and TEXT")


def test_output_folder_is_a_file(tmp_path, text):
    blocker = tmp_path / "out"
    blocker.write_text("keep me")
    assert_one_line_error(run_cli("run", REAL / "jfk.flac", text, "-o", blocker), "is a file")
    assert blocker.read_text() == "keep me"


def test_local_model_folder_must_hold_a_model(tmp_path, text):
    assert_one_line_error(run_cli("run", REAL / "jfk.flac", text, "-o", tmp_path / "o", "--model", tmp_path),
                          "model.bin")


def test_help_and_usage():
    assert run_cli("--help").returncode == 0
    result = run_cli()
    assert result.returncode == 2 and "usage" in result.stderr and "Traceback" not in result.stderr
