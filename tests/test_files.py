"""Outputs: complete files only, a command's outputs together or not at all, never over an input."""
import os
import subprocess
import sys
import textwrap

import pytest

from aligner.errors import OutputError
from aligner.files import Outputs, ensure_writable, write_atomic


def test_written_files_get_the_usual_permissions_and_no_temporary_is_left(tmp_path):
    path = write_atomic(tmp_path / "sub" / "captions.vtt", "WEBVTT\n")
    assert path.read_text() == "WEBVTT\n"
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    assert os.listdir(path.parent) == ["captions.vtt"]


def test_outputs_replace_old_ones_together_or_not_at_all(tmp_path):
    (tmp_path / "a.vtt").write_text("old a")
    with Outputs() as outputs:
        outputs.add(tmp_path / "a.vtt", "new a")
        outputs.add(tmp_path / "b.srt", "new b")
        assert (tmp_path / "a.vtt").read_text() == "old a" and not (tmp_path / "b.srt").exists()
    assert (tmp_path / "a.vtt").read_text() == "new a" and (tmp_path / "b.srt").read_text() == "new b"

    with pytest.raises(KeyboardInterrupt), Outputs() as outputs:
        outputs.add(tmp_path / "a.vtt", "newer a")
        outputs.add(tmp_path / "new" / "deeper" / "c.json", "{}")
        raise KeyboardInterrupt  # Ctrl-C halfway through
    assert sorted(os.listdir(tmp_path)) == ["a.vtt", "b.srt"] and (tmp_path / "a.vtt").read_text() == "new a"


def test_an_input_is_never_an_output(tmp_path):
    audio = tmp_path / "talk.wav"
    audio.write_bytes(b"RIFF")
    with pytest.raises(OutputError, match="input"):
        write_atomic(tmp_path / "." / "talk.wav", b"clip", inputs=[audio])
    assert audio.read_bytes() == b"RIFF"


def test_unwritable_places_are_refused_before_any_work(tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("keep")
    for path, reason in [(blocker / "out" / "c.vtt", "is a file"), (tmp_path, "is a folder"),
                         ("/proc/aligner-test/c.vtt", "cannot write")]:
        with pytest.raises(OutputError, match=reason):
            ensure_writable(path)
        with pytest.raises(OutputError, match="cannot write"):
            write_atomic(path, "x")
    assert os.listdir(tmp_path) == ["notes.txt"] and blocker.read_text() == "keep"


def test_a_killed_writer_leaves_only_a_hidden_file_that_the_next_write_removes(tmp_path):
    target = tmp_path / "captions.vtt"
    script = textwrap.dedent(f"""
        import os, signal
        from aligner.files import Outputs
        with Outputs() as outputs:
            outputs.add({str(target)!r}, "half")
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    assert subprocess.run([sys.executable, "-c", script]).returncode == -9
    [leftover] = os.listdir(tmp_path)
    assert leftover.startswith(".captions.vtt.") and leftover.endswith(".tmp")
    write_atomic(target, "whole")
    assert os.listdir(tmp_path) == ["captions.vtt"] and target.read_text() == "whole"
