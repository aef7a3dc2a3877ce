import os

import pytest

from aligner.errors import InputError
from aligner.files import write_atomic


def test_written_files_get_the_usual_permissions_and_no_temporary_is_left(tmp_path):
    path = write_atomic(tmp_path / "sub" / "captions.vtt", "WEBVTT\n")
    assert path.read_text() == "WEBVTT\n"
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    assert os.listdir(path.parent) == ["captions.vtt"]


def test_no_overwrite_unless_asked(tmp_path):
    path = tmp_path / "clip.wav"
    path.write_bytes(b"keep")
    with pytest.raises(InputError, match="--force"):
        write_atomic(path, b"new", overwrite=False)
    assert path.read_bytes() == b"keep"
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
