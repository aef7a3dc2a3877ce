"""Shared fixtures: one transcript cache for the whole session, so each audio file is recognized once."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
REAL = DATA / "real"
MEDIA = ROOT / "media"

os.environ["HF_HUB_OFFLINE"] = "1"  # nothing in the tests may reach a model hub


@pytest.fixture(scope="session", autouse=True)
def transcript_cache(tmp_path_factory) -> Path:
    """A fresh cache shared by in-process calls and CLI subprocesses of this session."""
    cache = tmp_path_factory.mktemp("transcripts")
    os.environ["ALIGNER_CACHE_DIR"] = str(cache)
    return cache


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`python -m aligner ARGS` in a subprocess, as a user would run it."""
    return subprocess.run([sys.executable, "-m", "aligner", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=600, env=os.environ | {"PYTHONWARNINGS": "ignore"})


@pytest.fixture(scope="session")
def broadcast_run(tmp_path_factory) -> Path:
    """`aligner run` with no arguments, as the README says, on the committed broadcast (once per session)."""
    workdir = tmp_path_factory.mktemp("broadcast")
    (workdir / "media").symlink_to(MEDIA)
    result = run_cli("run", cwd=workdir)
    assert result.returncode == 0, result.stderr
    return workdir / "out"
