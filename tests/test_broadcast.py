"""`aligner run` on the committed broadcast, checked against its ground truth (media/broadcast.truth.json)."""
from __future__ import annotations

import json
import re
import statistics
import sys

import pytest
import srt
import webvtt

from aligner.transcribe import TranscribeOptions, transcribe

from conftest import DATA, MEDIA

pytestmark = pytest.mark.slow  # every test here runs the recognizer (directly or through a fixture)

TRUTH = json.loads((MEDIA / "broadcast.truth.json").read_text("utf-8"))
ARTICLE = (MEDIA / "article.txt").read_text("utf-8")
FIRST_BODY_OFFSET = ARTICLE.index("Over the past year")
PAGE_LINES = ["Accessibility links", "Breaking News", "Successful NATO Ministerial", "(FILE)", "please wait",
              "No media source currently available", "0:00", "The NATO alliance members have been"]


@pytest.fixture(scope="module")
def alignment(broadcast_run):
    return json.loads((broadcast_run / "alignment.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def cues(broadcast_run):
    return list(webvtt.read(str(broadcast_run / "captions.vtt")))


def caption_text(cues) -> str:
    return " ".join(c.text.replace("\n", " ") for c in cues)


def unquoted(text: str) -> str:
    """Without double quotation marks: a quote running over several cues is closed and reopened in each."""
    return re.sub("[“”\"]", "", text)


def test_every_spoken_sentence_is_captioned_in_order(alignment, cues):
    spoken = [s for s in TRUTH["sentences"] if s["source"] == "article"]
    assert len(spoken) >= 15
    text = unquoted(caption_text(cues))
    position = 0
    for sentence in spoken:
        published = unquoted(" ".join(ARTICLE[sentence["char_start"]:sentence["char_end"]].split()))
        found = text.find(published, position)
        assert found >= 0, published
        position = found + len(published)
    body = [w for w in alignment["words"] if w["char_start"] >= FIRST_BODY_OFFSET]
    assert all(w["status"] != "unspoken" for w in body)


def test_page_lines_are_unspoken_and_never_captioned(alignment, cues):
    chrome = [w for w in alignment["words"] if w["char_start"] < FIRST_BODY_OFFSET]
    assert len(chrome) > 40
    assert all(w["status"] == "unspoken" and w["start"] is None for w in chrome)
    text = caption_text(cues)
    for line in PAGE_LINES:
        assert line not in text


@pytest.mark.parametrize("source, phrase", [("intro", "world news roundup"), ("outro", "state department")])
def test_intro_and_outro_are_unscripted(alignment, source, phrase):
    sentences = [s for s in TRUTH["sentences"] if s["source"] == source]
    start, end = sentences[0]["start"], sentences[-1]["end"]
    covering = [u for u in alignment["unscripted"] if u["start"] < end and u["end"] > start]
    assert covering, source
    # over the music bed the recognizer's word edges are looser than in the clear
    assert abs(covering[0]["start"] - start) < 0.75 and abs(covering[-1]["end"] - end) < 0.75
    assert phrase in " ".join(u["text"] for u in covering).lower()


def test_nothing_else_is_unscripted_but_a_stray_misrecognition(alignment):
    assert len(alignment["unscripted"]) <= 4


def test_word_starts_against_ground_truth(alignment):
    by_offset = {w["char_start"]: w for w in alignment["words"]}
    errors = [abs(by_offset[t["char_start"]]["start"] - t["start"]) for t in TRUTH["words"]
              if t["char_start"] is not None and by_offset[t["char_start"]]["start"] is not None]
    assert len(errors) >= 350
    errors.sort()
    assert statistics.median(errors) <= 0.100
    assert errors[int(0.95 * len(errors))] <= 0.300


def test_captions_follow_broadcast_conventions(broadcast_run, cues):
    assert len(cues) >= 30
    subtitles = list(srt.parse((broadcast_run / "captions.srt").read_text("utf-8")))
    assert [s.content for s in subtitles] == [c.text for c in cues]
    previous_end = 0.0
    for subtitle in subtitles:
        lines = subtitle.content.split("\n")
        assert 1 <= len(lines) <= 2 and all(len(line) <= 42 for line in lines)
        start, end = subtitle.start.total_seconds(), subtitle.end.total_seconds()
        assert previous_end < start < end <= 7.0 + start
        previous_end = end
    assert previous_end <= TRUTH["duration"]


def test_second_command_on_the_same_audio_uses_the_cache(broadcast_run, monkeypatch):
    recognizer = sys.modules["aligner.transcribe"]

    def must_not_run(*args, **kwargs):
        raise AssertionError("the cached transcript should have been used")

    monkeypatch.setattr(recognizer, "_recognize", must_not_run)
    transcript = transcribe(MEDIA / "broadcast.flac", TranscribeOptions())
    assert transcript.duration == pytest.approx(205.0, abs=1.0)
    assert len(transcript.words) > 350


def test_whisper_samples_from_the_same_seed_in_every_recognizer_it_loads():
    # Whisper reads a window again by random sampling when its first reading loops (fresh6's clock_tower: another
    # transcript in each run before). At temperature 1 each word is drawn at random: two readings of the same
    # audio agree only if each freshly loaded recognizer starts from the same seed.
    from aligner.transcribe import _fresh_recognizer, model_location

    def sampled() -> list[str]:
        model = _fresh_recognizer(model_location(TranscribeOptions().model), TranscribeOptions())
        segments, _ = model.transcribe(str(DATA / "short.flac"), language="en", temperature=1.0)
        return [segment.text for segment in segments]

    first = sampled()
    assert sampled() == first


def test_a_voice_whisper_drops_for_a_whole_window_is_heard_in_pieces():
    # tests/data/hard_voice.flac: the first 31 s of fresh39's pushkar_camel_fair (scripts/make_check_set.py), an
    # espeak-ng narrator (en-gb-scotland, pedro, 140 wpm) reading four sentences from 0.5 s on. Whisper tiny.en
    # decodes its first 30 s window as no speech at all, and so does a second listen to the whole stretch; the
    # published words were then all "never spoken" and nothing was captioned. Heard in pieces of up to 10 s, the
    # sentences after the first are written out; the first may set Whisper looping ("Come on, come on, …", on some
    # machines' arithmetic), and a looping piece is dropped
    words = transcribe(DATA / "hard_voice.flac", use_cache=False).words
    assert words[0].start < 11.0
    heard = {re.sub(r"\W", "", w.text.lower()) for w in words if w.start < 29.0}
    assert {"camels", "beside", "stars", "motorbike"} <= heard
