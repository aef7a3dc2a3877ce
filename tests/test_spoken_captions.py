"""Captions of everything that was said, end to end with the real recognizer: the committed broadcast's
unscripted intro and outro, and a changed quote on a real recording (tests/data/real/jfk.flac)."""
from __future__ import annotations

import itertools
import json
import re

import pytest
import srt
import webvtt

from aligner.transcribe import transcribe

from conftest import MEDIA, REAL, run_cli

pytestmark = pytest.mark.slow

TRUTH = json.loads((MEDIA / "broadcast.truth.json").read_text("utf-8"))


def balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += (ch == "“") - (ch == "”")
        if depth < 0:
            return False
    return depth == 0 and text.count('"') % 2 == 0


def words_of(text: str) -> list[str]:
    return re.findall(r"[a-z0-9’']+", text.lower())


def vtt_cues(path):
    return list(webvtt.read(str(path)))


@pytest.fixture(scope="module")
def cues(broadcast_run):
    return vtt_cues(broadcast_run / "captions.vtt")


def sentences(source: str) -> list[dict]:
    return [s for s in TRUTH["sentences"] if s["source"] == source]


@pytest.mark.parametrize("source, phrase", [("intro", "world news roundup"),
                                            ("outro", "state department correspondent")])
def test_the_intro_and_outro_are_captioned_where_they_were_said(cues, source, phrase):
    start, end = sentences(source)[0]["start"], sentences(source)[-1]["end"]
    during = [c for c in cues if c.start_in_seconds < end and c.end_in_seconds > start]
    text = " ".join(words_of(" ".join(c.text for c in during)))
    assert phrase in text
    said = [w for s in sentences(source) for w in words_of(s["text"])]
    heard = set(text.split())
    assert sum(w in heard for w in said) >= 0.8 * len(said)  # the recognizer's words, nearly all right


def test_unscripted_cues_stand_apart_from_the_article(cues):
    intro_end = sentences("intro")[-1]["end"]
    first_article = next(c for c in cues if "Over the past year" in c.text)
    assert first_article.start_in_seconds > intro_end - 0.5
    assert all("Over the past year" not in c.text for c in cues if c.start_in_seconds < intro_end - 0.5)


def test_every_cue_balances_its_quotation_marks_and_parses(broadcast_run, cues):
    assert all(balanced(c.text) for c in cues)
    subtitles = list(srt.parse((broadcast_run / "captions.srt").read_text("utf-8")))
    assert [s.content for s in subtitles] == [c.text for c in cues]


def test_alignment_json_marks_the_captioned_unscripted_words(broadcast_run):
    alignment = json.loads((broadcast_run / "alignment.json").read_text("utf-8"))
    intro = next(u for u in alignment["unscripted"] if "roundup" in u["text"].lower())
    assert intro["captioned"] and all(w["captioned"] for w in intro["words"])
    assert " ".join(w["text"] for w in intro["words"]) == intro["text"]
    assert all(a["end"] <= b["start"] + 0.001 for a, b in itertools.pairwise(intro["words"]))


def test_no_unscripted_leaves_the_intro_out(tmp_path):
    out = tmp_path / "captions.vtt"
    result = run_cli("captions", MEDIA / "broadcast.flac", MEDIA / "article.txt", "-o", out, "--no-unscripted")
    assert result.returncode == 0, result.stderr
    text = " ".join(words_of(" ".join(c.text for c in vtt_cues(out))))
    assert "world news roundup" not in text and "over the past year" in text


CHANGED = ("In his inaugural address, the new President told the crowd: “And so my fellow Americans, ask not "
           "what your country can do for you, ask what you can do for the nation.”\n")


@pytest.fixture(scope="module")
def changed_quote(tmp_path_factory):
    """`aligner run` on jfk.flac with its quote changed: published "…for the nation.", spoken "…for your
    country."."""
    folder = tmp_path_factory.mktemp("jfk")
    (folder / "article.txt").write_text(CHANGED, "utf-8")
    result = run_cli("run", REAL / "jfk.flac", folder / "article.txt", "-o", folder / "out")
    assert result.returncode == 0, result.stderr
    return folder / "out"


def test_a_changed_quote_is_captioned_as_spoken(changed_quote):
    cues = vtt_cues(changed_quote / "captions.vtt")
    assert all(balanced(c.text) for c in cues), [c.text for c in cues]
    text = " ".join(c.text for c in cues)
    assert "ask what you can do for your country" in " ".join(words_of(text))
    assert "nation" not in text
    assert "inaugural" not in text  # the reporter's words were never said
    report = json.loads((changed_quote / "report.json").read_text("utf-8"))
    assert [q["verbatim"] for q in report["quotes"]] == [False]


def test_quote_clips_of_a_changed_quote_carry_the_verdict(changed_quote, tmp_path):
    folder = changed_quote.parent
    result = run_cli("clip", REAL / "jfk.flac", folder / "article.txt", "--quotes", "-o", tmp_path / "clips")
    assert result.returncode == 0, result.stderr
    [clip] = json.loads((tmp_path / "clips" / "quotes.json").read_text("utf-8"))
    assert clip["verdict"] == "not verbatim" and clip["verbatim"] is False
    assert any(d["kind"] == "wording" and "nation" in d["published"] for d in clip["differences"])
    assert "NOT VERBATIM" in result.stdout
    cues = vtt_cues(tmp_path / "clips" / clip["captions"])
    assert cues and all(balanced(c.text) for c in cues)
    assert "nation" not in " ".join(c.text for c in cues)  # captions show what was said
    assert "for your country" in " ".join(words_of(" ".join(c.text for c in cues)))
    alignment = json.loads((changed_quote / "alignment.json").read_text("utf-8"))
    instead = [w for u in alignment["unscripted"] for w in u["words"] if w["start"] > 9.0]
    assert instead and clip["end"] >= instead[-1]["end"]  # the clip holds what was said in place of "the nation."

    single = run_cli("clip", REAL / "jfk.flac", folder / "article.txt", "ask what you can do for the nation",
                     "-o", tmp_path / "single.wav")
    assert single.returncode == 0, single.stderr
    assert "NOT VERBATIM" in single.stdout and "nation" in single.stdout.splitlines()[-1]
    heard = words_of(" ".join(w.text for w in transcribe(tmp_path / "single.wav").words))
    assert heard[-2:] == ["your", "country"], heard
    verbatim = run_cli("clip", REAL / "jfk.flac", folder / "article.txt", "my fellow Americans",
                       "-o", tmp_path / "fellow.wav")
    assert verbatim.returncode == 0 and "VERBATIM" not in verbatim.stdout


def test_a_changed_word_inside_a_quote_is_captioned_as_spoken(tmp_path):
    """Published "ask not what your nation can do for you", spoken "…your country…": where the check calls
    it a wording difference, the cue shows the spoken word."""
    text = tmp_path / "article.txt"
    text.write_text(CHANGED.replace("your country can do for you", "your nation can do for you")
                    .replace("for the nation.”", "for your country.”"), "utf-8")
    result = run_cli("run", REAL / "jfk.flac", text, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    cues = vtt_cues(tmp_path / "out" / "captions.vtt")
    assert all(balanced(c.text) for c in cues), [c.text for c in cues]
    said = " ".join(words_of(" ".join(c.text for c in cues)))
    report = json.loads((tmp_path / "out" / "report.json").read_text("utf-8"))
    called = {d["published"].strip("“”,."): d["kind"] for d in report["differences"]}
    if called.get("nation") == "wording":
        assert "what your country can do for you" in said and "nation" not in said
    else:
        assert "what your nation can do for you" in said
    assert said.endswith("ask what you can do for your country")
