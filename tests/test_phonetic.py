"""The phonetic forced aligner (pocketsphinx) on real speech: placement, fit of wordings, odd text."""
from __future__ import annotations

import statistics

import pytest

from aligner import phonetic
from aligner.transcribe import load_audio, transcribe

from conftest import DATA, REAL

JFK = ("And so my fellow Americans, ask not what your country can do for you, "
       "ask what you can do for your country.")


@pytest.fixture(scope="module")
def jfk_audio():
    return load_audio(REAL / "jfk.flac")


@pytest.mark.parametrize("word, phones", [
    ("Americans,", "AH M EH R AH K AH N Z"),
    ("U.S.", "Y UW EH S"),
    ("2%", "T UW P ER S EH N T"),
    ("rules-based", "R UW L Z B EY S T"),
    ("we’ll", "W IY L"),
    ("x86", "EH K S EY T IY S IH K S"),
    ("—", ""),
    ("Dr.", "D AA K T ER"),  # an abbreviation as said, not "drive"
    ("£5m", "F AY V M IH L Y AH N P AW N D Z"),
])
def test_words_are_brought_to_the_dictionary(word, phones):
    assert phonetic.pronounce(word) == phones.split()


def test_unknown_words_get_a_pronunciation_or_none():
    assert phonetic.pronounce("Lindqvist")[:3] == ["L", "IH", "N"]  # not in the dictionary: guessed
    assert phonetic.pronounce("Okafor's")[-1] == "Z"
    assert phonetic.pronounce("日本") is None  # nothing the English model can say


def test_published_words_align_in_order_inside_the_window(jfk_audio):
    words = JFK.split()
    timings = phonetic.force_align(jfk_audio, 0.0, 11.0, words)
    assert [t.word for t in timings] == words
    starts = [t.start for t in timings]
    assert starts == sorted(starts)
    assert all(0.0 <= t.start < t.end <= 11.0 for t in timings)
    later = phonetic.force_align(jfk_audio, 8.0, 11.0, "ask what you can do for your country.".split())
    assert all(t is not None and 8.0 <= t.start for t in later)
    assert abs(later[0].start - timings[14].start) <= 0.05  # the same "ask", found from a window of its own


def test_a_window_that_ends_on_short_words_keeps_them(jfk_audio):
    # pocketsphinx's lattice pass used to end the path at "can", its "do for" left to silence: window lost
    words = "your country can do for".split()
    timings = phonetic.force_align(jfk_audio, 5.47, 7.33, words)
    assert all(t is not None for t in timings)
    assert [t.word for t in timings] == words
    assert timings[-1].start - timings[-2].start >= 0.1  # "for" has sound of its own after "do"


@pytest.mark.slow
def test_aligned_words_are_near_whisper_times(jfk_audio):
    heard = transcribe(REAL / "jfk.flac").words
    timings = phonetic.force_align(jfk_audio, 0.0, 11.0, [w.text for w in heard])
    distances = [abs(t.start - w.start) for t, w in zip(timings, heard, strict=True)]
    assert statistics.median(distances) <= 0.1
    assert max(distances) <= 0.5


def test_the_spoken_wording_fits_better_than_a_changed_one(jfk_audio):
    changed = JFK.replace("your country can", "your nation can")
    spoken, other = phonetic.fit(jfk_audio, 0.0, 11.0, [JFK, changed])
    assert spoken.frames == other.frames >= 1100  # the window, and the same padding for both
    assert spoken.total > other.total
    assert spoken.per_frame > other.per_frame
    assert [w.word for w in spoken.words] == JFK.split()


def test_a_wording_that_fits_badly_still_gets_a_fit_and_times(jfk_audio):
    # the default beams prune every path of this wording away; a low score is evidence all the same, and the
    # spoken wording beside it is scored by the same decoder, so the two totals can be compared
    badly = JFK.replace("your country can do for you,", "your purple hippopotamus can do for you,")
    spoken, other = phonetic.fit(jfk_audio, 0.0, 11.0, [JFK, badly])
    assert other is not None and spoken.total > other.total
    assert all(t is not None for t in phonetic.force_align(jfk_audio, 0.0, 11.0, badly.split()))


def test_odd_text_never_raises(jfk_audio):
    words = ["Lindqvist", "2%", "rules-based", "日本", "—", "", "U.K.-based", "x86"]
    timings = phonetic.force_align(jfk_audio, 0.0, 11.0, words)
    assert len(timings) == len(words)
    assert timings[3] is None and timings[4] is None and timings[5] is None
    fits = phonetic.fit(jfk_audio, 0.0, 11.0, ["日本 country", "", "— …", JFK])
    assert fits[:3] == [None, None, None] and fits[3] is not None
    assert phonetic.force_align(jfk_audio, 5.0, 5.05, ["country"]) == [None]  # too short a window
    assert phonetic.force_align(jfk_audio, 0.0, 11.0, []) == []


def test_a_wording_with_a_year_is_fitted_in_every_way_of_saying_it():
    forms = phonetic._spoken_forms("opened in 1887, closed in the 2040s.”")
    assert forms[0] == "opened in 1887, closed in the 2040s.”" and len(forms) == 9
    assert "opened in one thousand eight hundred and eighty seven closed in the two thousand forties" in forms
    assert phonetic._spoken_forms("£1,685 in 300 days") == ["£1,685 in 300 days"]  # no year among them
    assert phonetic._spoken_forms("about 1,500 people") == ["about 1,500 people", "about fifteen hundred people"]


@pytest.mark.parametrize("sentence, start, end", [
    ("“I walked 11 days with 40 camels, and every night I slept beside them under the stars,” said the herder "
     "Bhanwar Dewasi.", 10.159, 17.094),
    ("“A strong camel for the plough sells for the price of a small motorbike,” he said.", 19.687, 23.927)])
def test_a_voice_with_digital_silence_between_words_is_aligned(sentence, start, end):
    # tests/data/hard_voice.flac: an espeak-ng narrator with no noise under it, a quarter of its samples exactly
    # zero; the sentences' times are the synthesizer's. With nothing in place of the zeros pocketsphinx found no path
    # for either.
    audio = load_audio(DATA / "hard_voice.flac")
    timings = phonetic.force_align(audio, start - 0.2, end + 0.2, sentence.split())
    assert all(t is not None and start - 0.2 <= t.start < t.end <= end + 0.2 for t in timings)
    assert phonetic.fit(audio, start - 0.2, end + 0.2, [sentence])[0] is not None
