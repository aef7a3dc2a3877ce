"""Long programmes are read as a stream and recognized piece by piece; these tests force small pieces on
short committed audio and check that nothing is lost, doubled or shifted at a border."""
from __future__ import annotations

import json
import statistics
from difflib import SequenceMatcher

import numpy as np
import pytest

from aligner import decode
from aligner import transcribe as recognizer
from aligner.errors import InputError
from aligner.normalize import word_keys

from conftest import DATA, MEDIA, REAL

BROADCAST = MEDIA / "broadcast.flac"
SHORT = DATA / "short.flac"


@pytest.fixture(scope="module")
def broadcast_samples() -> np.ndarray:
    from faster_whisper import decode_audio  # the whole-file decode that the stream must reproduce

    return decode_audio(str(BROADCAST), sampling_rate=decode.SAMPLE_RATE)


def test_pieces_join_to_exactly_the_whole_decode(broadcast_samples):
    pieces = list(decode.chunks(BROADCAST, 40.0, 10.0))
    assert len(pieces) == 6
    assert np.array_equal(np.concatenate([p for _, p in pieces]), broadcast_samples)
    position = 0
    for first, samples in pieces:
        assert first == position and first % decode.FRAME == 0
        assert len(samples) <= 40 * decode.SAMPLE_RATE
        position += len(samples)


def test_borders_fall_between_words():
    """The synthesizer's own word times: no border of 40 s pieces cuts a word."""
    truth = json.loads((MEDIA / "broadcast.truth.json").read_text("utf-8"))["words"]
    borders = [first / decode.SAMPLE_RATE for first, _ in decode.chunks(BROADCAST, 40.0, 10.0)][1:]
    for border in borders:
        assert not [w["text"] for w in truth if w["start"] < border < w["end"]], border


def test_a_file_shorter_than_a_piece_is_one_piece():
    pieces = list(decode.chunks(SHORT, 300.0, 30.0))
    assert [first for first, _ in pieces] == [0]
    assert np.array_equal(pieces[0][1], recognizer.load_audio(SHORT))


def test_spans_are_the_same_samples_as_slices_of_the_whole(broadcast_samples):
    spans = [(50.0, 60.0), (3.0, 4.5), (10.0, 80.0), (-1.0, 2.0), (199.99, 300.0), (20.0, 20.0), (55.5, 56.25)]
    got = dict(decode.read_spans(BROADCAST, spans))
    assert sorted(got) == list(range(len(spans)))
    for index, (start, end) in enumerate(spans):
        expected = broadcast_samples[max(0, int(start * 16000)):int(end * 16000)]
        assert np.array_equal(got[index], expected), (start, end)
    assert np.array_equal(decode.load_window(REAL / "p001.mp3", 12.3, 14.0),
                          recognizer.load_audio(REAL / "p001.mp3")[int(12.3 * 16000):14 * 16000])


def test_the_stated_duration_is_the_decoded_one():
    assert decode.duration_hint(BROADCAST) == pytest.approx(205.0, abs=0.01)
    assert decode.duration_hint(REAL / "p001.mp3") == pytest.approx(len(recognizer.load_audio(REAL / "p001.mp3"))
                                                                    / 16000, abs=0.05)


def test_a_text_file_is_not_audio(tmp_path):
    text = tmp_path / "article.flac"
    text.write_text("Over the past year, NATO alliance members have been working.\n" * 20)
    with pytest.raises(InputError, match="has no audio|cannot decode audio file"):
        list(decode.chunks(text, 300.0, 30.0))


def test_a_video_without_sound_says_so(tmp_path):
    import av

    video = tmp_path / "silent.mp4"
    with av.open(str(video), "w") as container:
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for _ in range(5):
            container.mux(stream.encode(av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), np.uint8), format="rgb24")))
        container.mux(stream.encode())
    with pytest.raises(InputError, match="no audio track"):
        decode.duration_hint(video)
    with pytest.raises(InputError, match="no audio track"):
        list(decode.blocks(video))


@pytest.mark.slow
def test_small_pieces_lose_double_and_shift_no_word(monkeypatch):
    """short.flac in 6 s pieces against the synthesizer's word times: every spoken word is heard where it
    was said, no word is heard twice across a border, and times keep their order."""
    truth = json.loads((DATA / "short.truth.json").read_text("utf-8"))
    monkeypatch.setattr(recognizer, "_CHUNK_SECONDS", 6.0)
    monkeypatch.setattr(recognizer, "_BORDER_SEARCH", 3.0)
    borders = [first / decode.SAMPLE_RATE for first, _ in decode.chunks(SHORT, 6.0, 3.0)][1:]
    assert len(borders) >= 2
    heard = recognizer.transcribe(SHORT, use_cache=False).words

    for word in truth["words"]:  # nothing lost: every spoken word overlaps a heard one
        assert [h for h in heard if h.start < word["end"] + 0.2 and h.end > word["start"] - 0.2], word["text"]
    for border in borders:  # nothing doubled: the words either side of a border differ
        before = [h for h in heard if h.start < border][-1]
        after = [h for h in heard if h.start >= border][0]
        assert word_keys(before.text) != word_keys(after.text), border
    starts = [h.start for h in heard]
    assert starts == sorted(starts) and all(h.start <= h.end <= truth["duration"] + 0.05 for h in heard)

    # nothing shifted: matched words start where the synthesizer put them
    heard_keys = [" ".join(word_keys(h.text)) for h in heard]
    truth_keys = [" ".join(word_keys(w["text"])) for w in truth["words"]]
    errors = [abs(heard[j].start - truth["words"][i]["start"])
              for block in SequenceMatcher(None, truth_keys, heard_keys, autojunk=False).get_matching_blocks()
              for i, j in zip(range(block.a, block.a + block.size), range(block.b, block.b + block.size),
                                  strict=True)
              if truth["words"][i]["start"] > borders[0]]
    assert len(errors) >= 10 and statistics.median(errors) < 0.15


def test_speech_skipped_under_a_stretched_word_is_listened_to_again():
    """Whisper held "cubs," for 3.5 s over a quote it skipped (a synthesized broadcast of the check set); the
    word's own sound is at most _longest, so the rest of the stretch is recognized again."""
    words = [recognizer.HeardWord("cubs,", 3.92, 7.43, 0.93), recognizer.HeardWord("said", 8.21, 8.36, 0.9)]
    voiced = np.zeros(1000, bool)
    voiced[300:900] = True
    (start, end), = recognizer._skipped_speech(voiced, words)
    assert start == pytest.approx(3.92 + recognizer._longest(words[0])) and end == 8.21
    assert recognizer._skipped_speech(np.zeros(1000, bool), words) == []  # silence: nothing was skipped
    short = [recognizer.HeardWord("cubs,", 3.92, 4.3, 0.93), recognizer.HeardWord("said", 5.5, 5.7, 0.9)]
    assert recognizer._skipped_speech(voiced[:600], short) == []  # a pause between sentences
    again = recognizer.HeardWord("Mother", 4.88, 5.2, 0.8)
    ordered = recognizer._unstretched([words[0], again, words[1]])
    assert ordered[0].end == again.start and ordered[1:] == [again, words[1]]


def test_speech_skipped_before_the_first_or_after_the_last_word_is_listened_to_again():
    """Whisper also skips a programme's first or last sentence; a short quiet edge (a breath, room noise, where
    it invents "Thank you.") is not listened to again."""
    words = [recognizer.HeardWord("good", 4.0, 4.3, 0.9), recognizer.HeardWord("evening.", 4.35, 4.8, 0.9)]
    voiced = np.ones(1000, bool)  # 10 s of sound
    assert recognizer._skipped_speech(voiced, words) == [(0.0, 4.0), (4.8, 10.0)]
    voiced[:390] = voiced[500:] = False
    assert recognizer._skipped_speech(voiced, words) == []  # quiet before and after
    voiced = np.ones(600, bool)  # the programme ends 1.2 s after the last word
    assert recognizer._skipped_speech(voiced, words) == [(0.0, 4.0)]
    # too short to be skipped speech, but a dropped last word may be there: listened to for edge words
    assert recognizer._edges(voiced, words) == [(0.0, 4.0), (4.8, 6.0)]
    voiced[480:] = False
    assert recognizer._edges(voiced, words) == [(0.0, 4.0)]  # no sound after the last word
    late = [recognizer.HeardWord("feels", 4.6, 5.0, 0.5), recognizer.HeardWord("cold.", 5.0, 5.4, 0.5)]
    assert recognizer._outside(late, words) == [recognizer.HeardWord("feels", 4.8, 5.0, 0.5), late[1]]


def test_a_numbers_digit_groups_heard_apart_are_one_word():
    words = [recognizer.HeardWord("about", 1.0, 1.2, 0.9), recognizer.HeardWord("1", 1.3, 1.5, 0.8),
             recognizer.HeardWord(",500", 1.5, 1.9, 0.6), recognizer.HeardWord("people.", 2.0, 2.4, 0.9),
             recognizer.HeardWord("3", 3.0, 3.1, 0.9), recognizer.HeardWord(".5", 4.0, 4.2, 0.9)]
    assert [(w.text, w.start, w.end, w.probability) for w in recognizer._numbers_joined(words)] == [
        ("about", 1.0, 1.2, 0.9), ("1,500", 1.3, 1.9, 0.6), ("people.", 2.0, 2.4, 0.9), ("3", 3.0, 3.1, 0.9),
        (".5", 4.0, 4.2, 0.9)]  # a long pause ends a number


def test_repetition_loops_are_found_whatever_the_group_size():
    def heard(text):
        return [recognizer.HeardWord(w, k * 0.3, k * 0.3 + 0.2, 0.9) for k, w in enumerate(text.split())]

    words = heard("Third time he said, he said, he said, he said, he said, I'm getting good at it.")
    assert recognizer._loops(words) == [(2, 12)]
    assert recognizer._loops(heard("words words words words and more")) == [(0, 4)]
    assert recognizer._loops(heard("very very very good and, and, and then")) == []  # three is speech


@pytest.mark.slow
def test_a_speakers_own_repetition_is_heard_again_and_kept():
    # the real spontaneous speaker says "words words words words": a loop by its look, kept by the second listen
    words = recognizer.transcribe(REAL / "acoustic_corpus.wav").words
    assert "words words words words" in " ".join(w.text for w in words)
