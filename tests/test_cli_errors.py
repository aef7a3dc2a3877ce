"""Every input answered, through the real CLI: bad input gets one line on stderr, exit code 2 and nothing
written or overwritten; a bug gets exit code 1 and says so; unusual but valid input works.

Unusual audio is made at test time from the committed jfk.flac and broadcast.flac (PyAV, soundfile), so
no more audio is committed. Tests that run the recognizer are marked slow.
"""
from __future__ import annotations

import ctypes
import json
import os
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import soundfile

from conftest import DATA, MEDIA, REAL, ROOT, run_cli

JFK_WORDS = "ask not what your country can do for you"


def caption_text(path) -> str:
    """The words of a WebVTT file's cues in order, whatever cues they fall in (no header, times or blank lines)."""
    lines = Path(path).read_text("utf-8").splitlines()
    return " ".join(" ".join(line for line in lines[1:] if "-->" not in line).split())


def assert_one_line_error(result, *fragments: str, code: int = 2) -> None:
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("aligner: ") and "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def files_in(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def text(tmp_path: Path) -> Path:
    path = tmp_path / "text.txt"
    path.write_text((REAL / "jfk.txt").read_text("utf-8"), "utf-8")
    return path


@pytest.fixture()
def kept(tmp_path: Path):
    """An output folder holding an old output, and a check that the failed command left it as it was."""
    old = tmp_path / "work" / "out" / "captions.vtt"
    old.parent.mkdir(parents=True)
    old.write_text("WEBVTT\n\nold\n")
    before = files_in(tmp_path / "work")
    yield old.parent
    assert files_in(tmp_path / "work") == before


def _without_file_permission_override():
    """In the child: drop root's power to read and write any file (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH)
    from its capability bounding set, so permissions apply to it as to any user. Needs CAP_SETPCAP."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run_as_user(*args, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """run_cli, but as root without its file-permission override: unreadable stays unreadable in CI."""
    if os.geteuid() != 0:
        return run_cli(*args, cwd=cwd)
    try:
        return subprocess.run([sys.executable, "-m", "aligner", *map(str, args)], cwd=cwd, capture_output=True,
                              text=True, timeout=600, env=os.environ | {"PYTHONWARNINGS": "ignore"},
                              preexec_fn=_without_file_permission_override)
    except subprocess.SubprocessError as error:
        pytest.skip(f"cannot drop root's file permission override here: {error}")


# --- audio that is not usable ---------------------------------------------------------------------------


def test_missing_audio(tmp_path, text, kept):
    assert_one_line_error(run_cli("run", tmp_path / "nope.wav", text, "-o", kept), "not found", "nope.wav")


def test_audio_is_a_folder(tmp_path, text, kept):
    assert_one_line_error(run_cli("captions", tmp_path, text, "-o", kept / "captions.vtt"), "is a folder")


def test_empty_audio(tmp_path, text, kept):
    empty = tmp_path / "empty.wav"
    empty.touch()
    assert_one_line_error(run_cli("captions", empty, text, "-o", kept / "captions.vtt"), "empty", "empty.wav")


@pytest.mark.parametrize("suffix", [".flac", ".mp3"])
def test_truncated_audio(tmp_path, text, kept, suffix):
    whole = (REAL / "jfk.flac") if suffix == ".flac" else (REAL / "p001.mp3")
    half = tmp_path / f"half{suffix}"
    half.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert_one_line_error(run_cli("run", half, text, "-o", kept), "truncated", f"half{suffix}")


def test_not_audio(tmp_path, text, kept):
    fake = tmp_path / "story.mp3"
    fake.write_text("This is not a recording. " * 200)
    assert_one_line_error(run_cli("run", fake, text, "-o", kept), "cannot decode", "story.mp3")


def test_corrupt_audio(tmp_path, text, kept):
    corrupt = tmp_path / "corrupt.mp3"
    corrupt.write_bytes(np.random.default_rng(0).bytes(1000) * 20)
    assert_one_line_error(run_cli("run", corrupt, text, "-o", kept), "cannot decode", "corrupt.mp3")


def test_video_without_sound(tmp_path, text, kept):
    silent_film = tmp_path / "film.mp4"
    with av.open(str(silent_film), "w") as container:
        video = container.add_stream("mpeg4", rate=5)
        video.width, video.height, video.pix_fmt = 160, 120, "yuv420p"
        for n in range(10):
            frame = av.VideoFrame.from_ndarray(np.zeros((120, 160, 3), np.uint8), format="rgb24")
            frame.pts, frame.time_base = n, Fraction(1, 5)
            container.mux(video.encode(frame))
        container.mux(video.encode(None))
    assert_one_line_error(run_cli("run", silent_film, text, "-o", kept), "no audio track", "film.mp4")


def test_unreadable_audio(tmp_path, text, kept):
    locked = tmp_path / "locked.flac"
    locked.write_bytes((REAL / "jfk.flac").read_bytes())
    locked.chmod(0)
    try:
        assert_one_line_error(run_as_user("run", locked, text, "-o", kept), "cannot read", "locked.flac")
    finally:
        locked.chmod(0o644)


def _silence(path: Path) -> Path:
    soundfile.write(path, np.zeros(8 * 16000, np.float32), 16000)
    return path


def _music(path: Path) -> Path:
    """The broadcast's music bed where no one speaks: before the intro and after the outro."""
    samples, rate = soundfile.read(MEDIA / "broadcast.flac")
    soundfile.write(path, np.concatenate([samples[: int(3.3 * rate)], samples[int(200.6 * rate):]]), rate)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("make", [_silence, _music], ids=["silence", "music"])
def test_no_speech(tmp_path, text, kept, make):
    audio = make(tmp_path / "nothing.flac")
    assert_one_line_error(run_cli("run", audio, text, "-o", kept), "no speech", "nothing.flac")
    assert_one_line_error(run_cli("transcribe", audio), "no speech")  # from the cache, the same answer


# --- texts that are not usable ---------------------------------------------------------------------------


@pytest.mark.parametrize("content, fragment", [
    (b"", "no words"),
    (b" \n\n \t\n", "no words"),
    (b"--- * ---\n", "no words"),
    ((REAL / "p001.mp3").read_bytes()[:30000], "binary"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "binary"),
], ids=["empty", "blank", "punctuation", "mp3", "png"])
def test_unusable_text(tmp_path, kept, content, fragment):
    bad = tmp_path / "story.txt"
    bad.write_bytes(content)
    assert_one_line_error(run_cli("run", REAL / "jfk.flac", bad, "-o", kept), fragment, "story.txt")


def test_text_is_missing_or_a_folder(tmp_path, kept):
    assert_one_line_error(run_cli("run", REAL / "jfk.flac", tmp_path / "nope.txt", "-o", kept), "not found")
    assert_one_line_error(run_cli("run", REAL / "jfk.flac", tmp_path, "-o", kept), "is a folder")


def test_audio_and_text_swapped(tmp_path, text, kept):
    result = run_cli("run", text, REAL / "jfk.flac", "-o", kept)
    assert_one_line_error(result, "jfk.flac is a recording", "AUDIO first")


def test_unreadable_text(tmp_path, text, kept):
    text.chmod(0)
    try:
        assert_one_line_error(run_as_user("run", REAL / "jfk.flac", text, "-o", kept), "cannot read", "text.txt")
    finally:
        text.chmod(0o644)


@pytest.mark.slow
def test_text_of_a_different_story(kept):
    result = run_cli("run", REAL / "jfk.flac", REAL / "sonnet001_plain.txt", "-o", kept)
    assert_one_line_error(result, "does not match")


# --- quotes ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("quote, fragment", [
    ("", "no words"),
    (" … ", "no words"),
    ("ask not\x1b[2J what", "control characters"),
    ("ask not\x07", "control characters"),
    ("ask not what " * 3000, "more than the whole"),
], ids=["empty", "ellipsis", "escape", "bell", "huge"])
def test_unusable_quote(tmp_path, text, quote, fragment):
    result = run_cli("clip", REAL / "jfk.flac", text, quote, cwd=tmp_path)
    assert_one_line_error(result, fragment)
    assert files_in(tmp_path) == {"text.txt": text.read_bytes()}


@pytest.mark.slow
def test_quote_with_path_separators_writes_only_into_the_output_folder(tmp_path, text):
    clips = tmp_path / "clips"
    clips.mkdir()
    result = run_cli("clip", REAL / "jfk.flac", text, "../../ask not what your country", "-o", clips,
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(files_in(tmp_path)) == ["clips/ask-not-what-your-country.vtt", "clips/ask-not-what-your-country.wav",
                                          "text.txt"]
    missing = run_cli("clip", REAL / "jfk.flac", text, "/etc/passwd", "-o", clips, cwd=tmp_path)
    assert_one_line_error(missing, "quote not found")
    assert len(files_in(tmp_path)) == 3


# --- outputs that cannot be written ---------------------------------------------------------------------


@pytest.mark.parametrize("command", ["run", "captions", "clip", "check"])
def test_output_under_a_file(tmp_path, text, kept, command):
    blocker = kept / "captions.vtt"
    args = {"run": ["-o", blocker / "out"], "captions": ["-o", blocker / "c.vtt"],
            "clip": ["--start", "1", "--end", "2", "-o", blocker / "c.wav"],
            "check": ["--json", kept / "r.json", "--html", blocker / "r.html"]}[command]
    audio_text = [REAL / "jfk.flac"] + ([] if command == "clip" else [text])
    assert_one_line_error(run_cli(command, *audio_text, *args), "cannot write", "is a file")


def test_output_in_proc(text):
    assert_one_line_error(run_cli("captions", REAL / "jfk.flac", text, "-o", "/proc/aligner/c.vtt"), "cannot write")


def test_output_folder_is_a_file(tmp_path, text):
    blocker = tmp_path / "out"
    blocker.write_text("keep me")
    assert_one_line_error(run_cli("run", REAL / "jfk.flac", text, "-o", blocker), "is a file")
    assert blocker.read_text() == "keep me"


def test_output_folder_without_write_permission(tmp_path, text):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = run_as_user("captions", REAL / "jfk.flac", text, "-o", locked / "c.vtt")
        assert_one_line_error(result, "cannot write", "Permission denied")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


def test_an_input_is_never_overwritten(tmp_path):
    audio = tmp_path / "talk.wav"
    audio.write_bytes((REAL / "jfk.flac").read_bytes())
    before = audio.read_bytes()
    assert_one_line_error(run_cli("clip", audio, "--start", "1", "--end", "2", "-o", audio), "input")
    assert audio.read_bytes() == before


def test_end_past_the_audio_is_an_error(tmp_path):
    result = run_cli("clip", REAL / "jfk.flac", "--start", "5", "--end", "70", cwd=tmp_path)
    assert_one_line_error(result, "--end 70", "past the end", "0:11.000")
    assert list(tmp_path.iterdir()) == []


# --- arguments, help, version, pipes, bugs -----------------------------------------------------------------


def test_caption_suffix_is_checked(tmp_path, text):
    assert_one_line_error(run_cli("captions", REAL / "jfk.flac", text, "-o", tmp_path / "c.txt"), ".vtt or .srt")


def test_only_one_of_audio_and_text(tmp_path):
    assert_one_line_error(run_cli("run", REAL / "jfk.flac", "-o", tmp_path / "out"), "both AUDIO and TEXT")


def test_local_model_folder_must_hold_a_model(tmp_path, text):
    assert_one_line_error(run_cli("run", REAL / "jfk.flac", text, "-o", tmp_path / "o", "--model", tmp_path),
                          "model.bin")


def test_help_usage_and_version():
    assert run_cli("--help").returncode == 0
    for args in ((), ("run", "--bogus")):  # a usage mistake is one line too, pointing at --help
        assert_one_line_error(run_cli(*args), "--help")
    missing = run_cli("clip")
    assert missing.returncode == 2 and missing.stderr.strip().splitlines() == [
        "aligner clip: error: the following arguments are required: audio (see aligner clip --help)"]
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.startswith("aligner ") and version.stdout.split()[1][0].isdigit()


def _into_a_closed_pipe(*args: str) -> subprocess.CompletedProcess:
    reader, writer = os.pipe()
    os.close(reader)  # like `| head` that has already quit
    try:
        return subprocess.run([sys.executable, "-m", "aligner", *map(str, args)], cwd=ROOT, stdout=writer,
                              stderr=subprocess.PIPE, text=True, timeout=600)
    finally:
        os.close(writer)


def test_a_closed_pipe_ends_quietly():
    result = _into_a_closed_pipe("--help")  # argparse exits 0 before the pipe is found closed; quiet either way
    assert result.returncode in (0, 141) and result.stderr == ""


@pytest.mark.slow
def test_a_closed_pipe_ends_transcribe_quietly():
    result = _into_a_closed_pipe("transcribe", DATA / "short.flac", "--words")
    assert result.returncode == 141 and result.stderr == ""


BUG = """
import sys
import aligner.cli
def broken(args):
    return {}["no such key"]
aligner.cli._command_transcribe = broken
sys.exit(aligner.cli.main(sys.argv[1:]))
"""


def test_a_bug_says_internal_error_and_where_the_traceback_is(tmp_path):
    env = os.environ | {"TMPDIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", BUG, "transcribe", "x.wav"], capture_output=True, text=True,
                            env=env, cwd=ROOT)
    assert_one_line_error(result, "internal error", "KeyError", "not a problem with your input", code=1)
    saved = Path(result.stderr.split("traceback saved in ")[1].strip())
    assert saved.parent == tmp_path and "Traceback" in saved.read_text() and "broken" in saved.read_text()
    verbose = subprocess.run([sys.executable, "-c", BUG, "transcribe", "x.wav", "--verbose"], capture_output=True,
                             text=True, env=env, cwd=ROOT)
    assert verbose.returncode == 1 and "Traceback" in verbose.stderr and "internal error" in verbose.stderr


# --- unusual but valid input -------------------------------------------------------------------------------


def _resampled(source: Path, rate: int, layout: str) -> np.ndarray:
    """The source's samples at `rate` Hz, as float32 (frames, channels)."""
    with av.open(str(source)) as container:
        resampler = av.AudioResampler(format="flt", layout=layout, rate=rate)
        chunks = [f.to_ndarray() for frame in container.decode(audio=0) for f in resampler.resample(frame)]
        chunks += [f.to_ndarray() for f in resampler.resample(None)]
    channels = 1 if layout == "mono" else 2
    return np.concatenate(chunks, axis=1).reshape(-1, channels)


def _video(source: Path, path: Path) -> Path:
    """An MP4 with a video track (a grey picture, 5 frames a second) and the source's audio as AAC."""
    samples = _resampled(source, 44100, "stereo")
    with av.open(str(path), "w") as container:
        video = container.add_stream("mpeg4", rate=5)
        video.width, video.height, video.pix_fmt = 160, 120, "yuv420p"
        sound = container.add_stream("aac", rate=44100, layout="stereo")
        for n in range(int(len(samples) / 44100 * 5) + 1):
            frame = av.VideoFrame.from_ndarray(np.full((120, 160, 3), 90 + n % 50, np.uint8), format="rgb24")
            frame.pts, frame.time_base = n, Fraction(1, 5)
            container.mux(video.encode(frame))
        audio_frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(samples.reshape(1, -1)), format="flt",
                                                 layout="stereo")
        audio_frame.sample_rate, audio_frame.pts = 44100, 0
        container.mux(sound.encode(audio_frame))
        container.mux(sound.encode(None))
        container.mux(video.encode(None))
    return path


UNUSUAL_AUDIO = {
    "8kHz-mono.wav": lambda path: soundfile.write(path, _resampled(REAL / "jfk.flac", 8000, "mono"), 8000),
    "48kHz-stereo.flac": lambda path: soundfile.write(path, _resampled(REAL / "jfk.flac", 48000, "stereo"), 48000),
    "96kHz.wav": lambda path: soundfile.write(path, _resampled(REAL / "jfk.flac", 96000, "stereo"), 96000,
                                              subtype="PCM_24"),
    "video.mp4": lambda path: _video(REAL / "jfk.flac", path),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", UNUSUAL_AUDIO)
def test_unusual_audio_works(tmp_path, text, name):
    audio = tmp_path / name
    UNUSUAL_AUDIO[name](audio)
    result = run_cli("captions", audio, text, "-o", tmp_path / "c.vtt")
    assert result.returncode == 0, result.stderr
    assert JFK_WORDS in caption_text(tmp_path / "c.vtt")
    clip = run_cli("clip", audio, text, "ask not what your country", "-o", tmp_path / "quote.mp4")
    assert clip.returncode == 0, clip.stderr
    said = float(re.search(r"(\d+\.\d\d) s ", clip.stdout).group(1))
    with av.open(str(tmp_path / "quote.mp4")) as container:
        assert container.streams.audio[0].codec_context.name == "aac"
        assert abs(container.duration / 1e6 - said) <= 0.05 and 1.5 < said < 4.0


@pytest.mark.slow
def test_a_few_words_of_speech_are_not_taken_for_silence(tmp_path):
    """A transcript this short is checked for invented words; real ones stay."""
    samples, rate = soundfile.read(REAL / "jfk.flac")
    soundfile.write(tmp_path / "bite.wav", samples[int(7.5 * rate):int(10.6 * rate)], rate)
    (tmp_path / "bite.txt").write_text("Ask what you can do for your country.", "utf-8")
    result = run_cli("captions", tmp_path / "bite.wav", tmp_path / "bite.txt", "-o", tmp_path / "bite.srt")
    assert result.returncode == 0, result.stderr
    assert "Ask what you can do" in " ".join((tmp_path / "bite.srt").read_text("utf-8").split())


JFK = (REAL / "jfk.txt").read_text("utf-8").strip()
UNUSUAL_TEXT = {
    "utf16.txt": (("Kennedy’s inaugural address\n\n" + JFK).encode("utf-16"), "UTF-16"),
    "cp1252.txt": (("Kennedy’s address – “the torch”\n\n" + JFK).encode("cp1252"), "Windows-1252"),
    "latin1.txt": (("Discours du président, à Washington\n\n" + JFK).encode("latin-1"), "Latin-1"),
    "page.html": (("<!DOCTYPE html><html><head><title>JFK</title><script>var words = 'ask not';</script></head>"
                   "<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>Inaugural</h1>"
                   f"<p>{JFK}</p><script>track('ask what you can do')</script></article>"
                   "<footer>© 1961</footer></body></html>").encode(), None),
    "aeneas.txt": ((b"f000001|And so my fellow Americans,\nf000002|ask not what your country can do for you,\n"
                    b"f000003|ask what you can do for your country.\n"), "aeneas"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", UNUSUAL_TEXT)
def test_unusual_text_works(tmp_path, name):
    content, note = UNUSUAL_TEXT[name]
    path = tmp_path / name
    path.write_bytes(content)
    result = run_cli("captions", REAL / "jfk.flac", path, "-o", tmp_path / "c.vtt")
    assert result.returncode == 0, result.stderr
    notes = result.stderr.strip().splitlines()
    assert notes == [] if note is None else (len(notes) == 1 and note in notes[0] and "note" in notes[0])
    captions = caption_text(tmp_path / "c.vtt")
    assert JFK_WORDS in captions and "f00000" not in captions and "var" not in captions and "Home" not in captions


# --- the transcript cache ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_concurrent_runs_share_one_transcription_and_a_damaged_entry_is_rebuilt(tmp_path):
    env = os.environ | {"ALIGNER_CACHE_DIR": str(tmp_path / "cache"), "PYTHONWARNINGS": "ignore"}
    command = [sys.executable, "-m", "aligner", "transcribe", str(REAL / "jfk.flac"), "--json"]
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert len({out for out, _ in outputs}) == 1  # the same transcript for all
    [entry] = [p for p in (tmp_path / "cache").glob("*.json") if not p.name.startswith("refined-")]  # the transcript

    entry.write_text(entry.read_text().replace('"ask"', '"task"', 1) if '"ask"' in entry.read_text()
                     else entry.read_text()[:-40])
    damaged = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert damaged.returncode == 0 and damaged.stdout == outputs[0][0]
    [warning] = damaged.stderr.strip().splitlines()
    assert "damaged" in warning and entry.name in warning
    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert again.returncode == 0 and again.stderr == "" and json.loads(again.stdout) == json.loads(outputs[0][0])


@pytest.mark.slow
def test_a_killed_run_leaves_nothing_and_the_next_one_resumes_from_the_cache(tmp_path, text):
    """Killed while it waits for another process's transcription (a moment that can be caught reliably):
    no output and no staged file is left; the next run takes the cached transcript."""
    import fcntl

    env = os.environ | {"ALIGNER_CACHE_DIR": str(tmp_path / "cache"), "PYTHONWARNINGS": "ignore"}
    out = tmp_path / "out"
    command = [sys.executable, "-m", "aligner", "captions", str(REAL / "jfk.flac"), str(text), "-o", str(out / "c.vtt")]
    assert subprocess.run(command, cwd=ROOT, env=env, capture_output=True).returncode == 0
    [entry] = [p for p in (tmp_path / "cache").glob("*.json") if not p.name.startswith("refined-")]  # the transcript
    saved = entry.read_bytes()
    entry.unlink()
    (out / "c.vtt").write_text("WEBVTT\n\nold\n")
    with open(entry.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as if another aligner were transcribing this audio
        waiting = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        assert "waiting for another aligner process" in waiting.stderr.readline()
        waiting.terminate()
        _, rest = waiting.communicate(timeout=60)
    assert waiting.returncode == 130 and rest.strip() == "aligner: interrupted"
    assert os.listdir(out) == ["c.vtt"] and (out / "c.vtt").read_text() == "WEBVTT\n\nold\n"
    entry.write_bytes(saved)  # what the other process would have left
    resumed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert resumed.returncode == 0 and JFK_WORDS in caption_text(out / "c.vtt")
