"""The labelled set's specification (tests/data/check_set/stories.txt) says what the bench assumes of it."""
from __future__ import annotations

import itertools
import re
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
sys.path.insert(0, str(SCRIPTS))
import make_check_set as mcs  # noqa: E402  (a script, not a package)

SPECS = mcs.read_specs()
WRITTEN = [s for s in SPECS if s.lines]


@pytest.mark.parametrize("spec", WRITTEN, ids=lambda s: s.name)
def test_edits_point_at_their_words(spec):
    compiled = mcs.compile_spec(spec)
    for edit in compiled.edits:
        assert compiled.published[edit.p0:edit.p1] == edit.published
        assert compiled.spoken[edit.s0:edit.s1] == edit.said
        assert edit.published.strip() == edit.published and edit.said.strip() == edit.said
    for a, b, _ in compiled.unspoken:
        assert compiled.published[a:b].strip() == compiled.published[a:b] != ""


@pytest.mark.parametrize("spec", WRITTEN, ids=lambda s: s.name)
def test_a_quote_is_verbatim_exactly_when_no_edit_is_inside(spec):
    compiled = mcs.compile_spec(spec)
    truth = mcs.truth(spec, compiled)
    for quote in truth["quotes"]:
        inside = [e for e in compiled.edits if quote["char_start"] <= e.p0 and e.p1 <= quote["char_end"]]
        assert quote["verbatim"] == (not inside)


def test_a_paragraph_said_last_is_published_where_its_mark_stands():
    """A quote given out of the order it was said in: "^NAME TEXT" is said where it stands, published at "^NAME"."""
    spec = mcs.Spec("moved", {"split": "fresh28"}, ["page: Headline", "^late", "First said, “we [[did|did not]] go.”",
                                                    "^late “Said last, with a [[red|blue]] door.”"])
    compiled = mcs.compile_spec(spec)
    assert compiled.published == "Headline\n\n“Said last, with a red door.”\n\nFirst said, “we did go.”\n"
    assert compiled.spoken == "First said, “we did not go.”\n“Said last, with a blue door.”\n"
    assert [(compiled.published[e.p0:e.p1], compiled.spoken[e.s0:e.s1]) for e in compiled.edits] == [
        ("did", "did not"), ("red", "blue")]


def test_edit_kinds_are_read_off_the_words():
    assert mcs.edit_kind("fifteen", "fifty") == "number"
    assert mcs.edit_kind("2,500", "1,500") == "number"
    assert mcs.edit_kind("can", "can’t") == "negation"
    assert mcs.edit_kind("not", "") == "negation"
    assert mcs.edit_kind("really", "") == "omission"
    assert mcs.edit_kind("", "still") == "insertion"
    assert mcs.edit_kind("priceless", "irreplaceable") == "substitution"


def _sentences(split: str) -> set[str]:
    spoken = " ".join(mcs.compile_spec(s).spoken for s in WRITTEN if s.split == split)
    return {re.sub(r"\W+", " ", s).strip().lower() for s in re.split(r"(?<=[.!?])[”\"]?\s+", spoken) if s.strip()}


@pytest.mark.parametrize("one,other", list(itertools.combinations(mcs.SYNTHETIC, 2)))
def test_synthetic_splits_share_no_sentence_and_no_voice(one, other):
    assert not _sentences(one) & _sentences(other)
    voices = {split: {v.label() for s in mcs.SETTINGS[split] for v in (s.narrator, s.quote)} for split in (one, other)}
    assert not voices[one] & voices[other]
    noise = {split: {(s.snr, s.music_below) for s in mcs.SETTINGS[split]} for split in (one, other)}
    assert not noise[one] & noise[other]


def test_the_guard_has_six_of_each():
    guard = [s for s in SPECS if s.split == "guard"]
    assert sum(s.keys.get("expect") == "accept" for s in guard) >= 6
    assert sum(s.keys.get("expect") == "refuse" for s in guard) >= 6


def test_the_bench_labels_a_difference_by_what_it_touches():
    from types import SimpleNamespace

    import bench_check

    truth = {"edits": [{"char_start": 10, "char_end": 15}, {"char_start": 30, "char_end": 30}],
             "unspoken": [{"char_start": 0, "char_end": 8}],
             "unscripted": [{"char_at": 50, "start": 12.0, "end": 14.0}]}

    def diff(published, a, b, start=1.0):
        return SimpleNamespace(published=published, heard="x", char_start=a, char_end=b, start=start, end=start + 0.3)

    assert bench_check.label(diff("fifteen", 10, 17), truth) == ("wording", 0)  # grown over the next word
    assert bench_check.label(diff("", 31, 31), truth) == ("wording", 1)  # heard-only, next to an insertion
    assert bench_check.label(diff("words", 29, 34), truth) == ("wording", 1)  # around an insertion
    assert bench_check.label(diff("Page", 2, 6), truth) == ("unspoken", None)
    assert bench_check.label(diff("", 60, 60, start=13.0), truth) == ("unscripted", None)
    assert bench_check.label(diff("", 51, 51), truth) == ("unscripted", None)
    assert bench_check.label(diff("Ukraine", 18, 25), truth) == ("recognition", None)
    assert bench_check.label(diff("", 20, 20), truth) == ("recognition", None)
    text = "said the, uh, corpus"  # an insertion at 14 ("corpus"), heard before the filler Whisper left out
    assert bench_check.label(diff("", 9, 9), {**truth, "edits": [{"char_start": 14, "char_end": 14}]}, text) == (
        "wording", 0)
    assert bench_check.label(diff("", 5, 5), {**truth, "edits": [{"char_start": 14, "char_end": 14}]}, text) == (
        "recognition", None)  # "the" is no filler
    text = "/ His heir might"  # "tender" said before "heir", inserted at the space before it
    assert bench_check.label(diff("heir", 6, 10), {**truth, "edits": [{"char_start": 5, "char_end": 5}]}, text) == (
        "wording", 0)
    assert bench_check.label(diff("might", 11, 16), {**truth, "edits": [{"char_start": 5, "char_end": 5}]},
                             text) == ("recognition", None)
