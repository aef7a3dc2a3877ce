"""Refinement of word times by the phonetic aligner: windows, fallbacks, and timing on real and synthesized speech.

Margins are wider than the benchmark's targets (scripts/bench_timing.py): these recordings were never used to
fit refinement's constants (that was scripts/make_timing_broadcasts.py --calibration), and CI machines differ.
"""
from __future__ import annotations

import json
import statistics

import numpy as np
import pytest

from aligner import phonetic, refine
from aligner.align import INTERPOLATED, MATCHED, SUBSTITUTED, UNSPOKEN, AlignedWord, Alignment, Unscripted, align
from aligner.pipeline import align_files
from aligner.text import parse_text, read_text
from aligner.transcribe import load_audio, transcribe

from conftest import MEDIA, REAL

TRUTH = json.loads((MEDIA / "broadcast.truth.json").read_text("utf-8"))


def word(text: str, start: float | None, end: float | None, status: str = MATCHED) -> AlignedWord:
    return AlignedWord(text, start, end, status, text if status != UNSPOKEN else None, 0, len(text), 0, 0)


def test_runs_end_at_unspoken_text_and_unscripted_speech():
    words = [word("Page", None, None, UNSPOKEN), word("one", 1.0, 1.2), word("two", 1.2, 1.5, SUBSTITUTED),
             word("three", 1.5, 1.8), word("four", 3.5, 3.8), word("five", 3.8, 4.0, INTERPOLATED),
             word("six", 4.0, 4.3), word("seven", 4.3, 4.5, INTERPOLATED), word("Skipped", None, None, UNSPOKEN)]
    fences = [(2.0, 3.0)]  # an ad-lib between "three" and "four"
    assert refine._runs(words, fences) == [(1, 4), (4, 7)]  # an interpolated word never ends a run
    windows = refine._windows(words, fences, duration=10.0)
    assert [(w.lo, w.hi) for w in windows] == [(1, 4), (4, 7)]
    assert windows[0].end <= 2.0 and windows[1].start >= 3.0  # never into the ad-lib
    assert all(w.start <= words[w.lo].start and words[w.hi - 1].end <= w.end for w in windows)


def test_long_runs_are_cut_at_their_widest_pause():
    words, t = [], 0.0
    for k in range(60):
        gap = 0.6 if k == 31 else 0.05
        words.append(word(f"w{k}", t + gap, t + gap + 0.3))
        t += gap + 0.3
    windows = refine._windows(words, [], duration=t + 1)
    assert len(windows) >= 2 and all(w.end - w.start <= refine._MAX_WINDOW + 2 * refine._MARGIN for w in windows)
    assert 31 in [w.lo for w in windows]
    assert [w.lo for w in windows] == sorted(w.lo for w in windows) and windows[-1].hi == 60


def test_words_left_coarse_never_overlap_refined_neighbours():
    words = [word("a", 1.0, 1.3), word("b", 1.3, 1.6), word("c", 1.6, 2.0), word("d", 2.0, 2.4)]
    settled = refine._settle(words, {0: (1.0, 1.45), 3: (1.9, 2.3)})
    times = [(w.start, w.end) for w in settled]
    assert times[0] == (1.0, 1.45) and times[3] == (1.9, 2.3)
    assert all(a[1] <= b[0] for a, b in zip(times, times[1:], strict=False))
    assert all(s <= e for s, e in times)


@pytest.fixture(scope="module")
def media():
    document = read_text(MEDIA / "article.txt")
    transcript = transcribe(MEDIA / "broadcast.flac")
    coarse = align(document, transcript)
    refined, stats = refine.refine_with_stats(coarse, load_audio(MEDIA / "broadcast.flac"), transcript.duration)
    return coarse, refined, stats


def start_errors(alignment: Alignment) -> list[float]:
    by_offset = {w.char_start: w for w in alignment.words}
    return sorted(abs(by_offset[t["char_start"]].start - t["start"]) for t in TRUTH["words"]
                  if t["char_start"] is not None and by_offset[t["char_start"]].start is not None)


@pytest.mark.slow
def test_refined_word_starts_on_the_committed_broadcast(media):
    coarse, refined, stats = media
    assert stats.refined_words >= 0.95 * stats.spoken_words and stats.rejected <= 1
    errors = start_errors(refined)
    assert len(errors) == len(start_errors(coarse)) >= 350  # no word lost its time
    assert statistics.median(errors) <= 0.040
    assert errors[int(0.95 * len(errors))] <= 0.120
    assert sum(e <= 0.05 for e in errors) >= 0.75 * len(errors)


@pytest.mark.slow
def test_windows_aligned_in_helper_processes_get_the_same_times(media, monkeypatch):
    coarse, _, _ = media
    audio, duration = load_audio(MEDIA / "broadcast.flac"), transcribe(MEDIA / "broadcast.flac").duration
    monkeypatch.setattr(phonetic, "_helpers", [])
    monkeypatch.setattr(phonetic, "_helpers_allowed", False)
    here, stats = refine.refine_with_stats(coarse, audio, duration)
    assert stats.windows > 10
    monkeypatch.setattr(phonetic, "_helpers_allowed", True)
    monkeypatch.setattr(phonetic.os, "sched_getaffinity", lambda pid: {0, 1})  # two cores, as on CI
    phonetic.start_helpers()
    helpers = list(phonetic._helpers)
    assert len(helpers) == 2
    lent = []
    for helper in helpers:
        monkeypatch.setattr(helper, "align", lambda name, arguments, helper=helper: lent.append(helper) or type(
            helper).align(helper, name, arguments))
    shared, _ = refine.refine_with_stats(coarse, audio, duration)
    # the helpers shared the windows (26 or 25: how many depends on what this machine's recognizer heard)
    assert len(lent) == stats.windows and set(lent) == set(helpers)
    assert [(w.start, w.end) for w in shared.words] == [(w.start, w.end) for w in here.words]
    helpers[0].process.kill()  # a helper that dies leaves its window to this process, and the rest to the other
    helpers[0].process.wait()
    alone, _ = refine.refine_with_stats(coarse, audio, duration)
    assert [(w.start, w.end) for w in alone.words] == [(w.start, w.end) for w in here.words]
    assert phonetic._helpers == [helpers[1]]
    helpers[1].close()


@pytest.mark.slow
def test_sentences_start_and_end_on_their_sound(media):
    _, refined, _ = media
    starts, ends = [], []
    for sentence in TRUTH["sentences"]:
        if sentence["source"] != "article":
            continue
        inside = [w for w in refined.words if sentence["char_start"] <= w.char_start < sentence["char_end"]]
        starts.append(abs(inside[0].start - sentence["start"]))
        ends.append(abs(inside[-1].end - sentence["end"]))
    assert max(starts) <= 0.150 and max(ends) <= 0.150


@pytest.mark.slow
def test_a_word_after_a_pause_starts_where_its_sound_starts(media):
    """Neither inside the pause before it (early) nor after its first sound (late); and the word before
    the pause ends where its sound ends, not where the next word begins."""
    _, refined, _ = media
    by_offset = {w.char_start: w for w in refined.words}
    index = {w.char_start: k for k, w in enumerate(refined.words)}
    truth = [t for t in TRUTH["words"] if t["char_start"] is not None]
    checked = 0
    for before, after in zip(truth, truth[1:], strict=False):
        if after["start"] - before["end"] < 0.3 or index[after["char_start"]] != index[before["char_start"]] + 1:
            continue  # no pause, or words between them that have no true times
        assert abs(by_offset[after["char_start"]].start - after["start"]) <= 0.08, after
        assert abs(by_offset[before["char_start"]].end - before["end"]) <= 0.08, before
        checked += 1
    assert checked >= 20


@pytest.mark.slow
def test_real_speech_after_a_pause_is_not_timed_inside_it():
    """JFK: "ask" follows a second of near silence; its first 50 ms are sound, the 50 ms before it are not."""
    words = align_files(REAL / "jfk.flac", REAL / "jfk.txt").alignment.words
    ask = words[5]
    assert ask.text == "ask" and ask.start - words[4].end >= 0.5
    _assert_starts_on_its_sound(ask, pause=(words[4].end + 0.1, ask.start - 0.1))


@pytest.mark.slow
def test_a_quotes_first_word_after_a_pause_is_not_put_in_the_pause(tmp_path):
    """A story quoting JFK from "Ask not": the quote's words are re-timed on their own, after a second of near
    silence (2.3-3.2 s, read off the recording's loudness). The aligner once put "ask" in that quiet and "not"
    over "ask"."""
    (tmp_path / "story.txt").write_text("Kennedy’s address\n“Ask not what your country can do for you — ask what "
                                        "you can do for your country,” the President said.\n", "utf-8")
    words = align_files(REAL / "jfk.flac", tmp_path / "story.txt").alignment.words
    ask, not_ = words[2], words[3]
    assert (ask.text, not_.text) == ("“Ask", "not")
    for word in (ask, not_):  # within 50 ms of the sound's start: the recognizer's own time, if no better one
        _assert_starts_on_its_sound(word, pause=(2.3, 3.2), late=0.05)


@pytest.mark.slow
def test_a_pause_the_aligner_glued_to_a_word_is_given_back():
    """The real sonnet reading: a line ends on "increase," and the next begins "That" after 0.4 s of quiet (about
    5.45-5.87 s, read off the recording's loudness); the aligner once ran one word into the other there, and "That"
    started 0.33 s early."""
    words = align_files(REAL / "p001.mp3", REAL / "sonnet001_plain.txt").alignment.words
    increase, that = next((a, b) for a, b in zip(words, words[1:], strict=False) if b.text == "That")
    assert increase.text == "increase,"
    _assert_starts_on_its_sound(that, pause=(5.6, 5.85), audio_file=REAL / "p001.mp3")
    assert increase.end <= 5.7 and that.start - increase.end >= 0.15


def test_joined_words_with_a_pause_between_them_are_split_at_its_edges():
    def timing(text, start, end):
        return phonetic.WordTiming(text, start, end, 0.0)

    levels = np.full(200, -20.0)
    levels[:20] = levels[120:140] = -60.0  # quiet before the words, and 200 ms between 1.2 and 1.4 s
    levels[60:67] = -60.0  # 70 ms of a stop's closure inside the first word
    glued = [timing("one", 0.2, 1.38), timing("two", 1.38, 1.9)]
    kept = refine._pauses_kept(glued, levels)
    assert [(t.start, t.end) for t in kept] == [(0.2, 1.2), (1.4, 1.9)]
    apart = [timing("one", 0.2, 0.6), timing("two", 0.6, 1.0)]
    assert refine._pauses_kept(apart, levels) == apart  # the closure is no pause
    under_music = np.full(200, -20.0)
    under_music[:20] = -60.0
    under_music[120:140] = -35.0  # music under the pause: not quiet
    assert refine._pauses_kept(glued, under_music) == glued


def _assert_starts_on_its_sound(word, pause: tuple[float, float], late: float = 0.0,
                                audio_file=REAL / "jfk.flac") -> None:
    """A word's first 50 ms in a recording (JFK's) are sound, and the 50 ms before it (or before the `late` s
    before it) are not: as quiet as `pause`."""
    audio = load_audio(audio_file)

    def level(t0: float, t1: float) -> float:
        piece = audio[int(t0 * 16000):int(t1 * 16000)].astype(np.float64)
        return 10 * np.log10(np.mean(piece**2) + 1e-12)

    quiet = level(*pause)
    assert level(word.start - late - 0.05, word.start - late) <= quiet + 6, word
    assert level(word.start, word.start + 0.05) >= quiet + 10, word


@pytest.mark.slow
def test_unspoken_lines_and_an_unknown_word_leave_every_spoken_word_timed(tmp_path):
    """Page lines never spoken, and a name no dictionary knows where Kennedy said "Americans"."""
    text = ("Breaking News\nInaugural Address, 1961\n\n"
            "And so my fellow Amerikanskis, ask not what your country can do for you, "
            "ask what you can do for your country.\n")
    (tmp_path / "page.txt").write_text(text, "utf-8")
    aligned = align_files(REAL / "jfk.flac", tmp_path / "page.txt")
    words = aligned.alignment.words
    page_lines = [w for w in words if w.char_start < text.index("And")]
    spoken = [w for w in words if w.char_start >= text.index("And")]
    assert all(w.status == UNSPOKEN and w.start is None for w in page_lines)
    assert len(spoken) == 22 and all(w.start is not None and w.start < w.end for w in spoken)
    starts = [w.start for w in spoken]
    assert starts == sorted(starts)
    assert abs(spoken[5].start - 3.25) <= 0.1  # "ask", not pulled into "Amerikanskis"


@pytest.mark.slow
def test_a_window_not_trusted_is_read_again_with_less_quiet_around_it(monkeypatch):
    """The first reading of JFK's window is taken as one that put a word in the quiet; the second reading, up to
    _PAUSE beyond the words' coarse edges, refines every word."""
    transcript = transcribe(REAL / "jfk.flac")
    coarse = align(parse_text((REAL / "jfk.txt").read_text("utf-8")), transcript)
    read = []
    monkeypatch.setattr(refine, "_in_quiet", lambda words, timings, levels, window, t0:
                        read.append(window) or [len(read) == 1] * len(timings))
    refined, stats = refine.refine_with_stats(coarse, load_audio(REAL / "jfk.flac"), transcript.duration)
    words = coarse.words
    assert len(read) == 2 and stats.rejected == 0 and stats.refined_words == stats.spoken_words == 22
    again = read[1]
    assert again.start == pytest.approx(max(read[0].start, words[0].start - refine._PAUSE))
    assert again.end == pytest.approx(min(read[0].end, words[-1].end + refine._PAUSE))
    assert [w.start for w in refined.words] != [w.start for w in words]


@pytest.mark.slow
def test_a_word_put_in_the_quiet_on_the_last_reading_keeps_its_coarse_times_with_its_neighbours(monkeypatch):
    """Both readings of JFK's window are taken as putting "ask" (word 5) in the quiet: "Americans," "ask" and
    "not" keep their coarse times, every other word is refined."""
    transcript = transcribe(REAL / "jfk.flac")
    coarse = align(parse_text((REAL / "jfk.txt").read_text("utf-8")), transcript)
    monkeypatch.setattr(refine, "_in_quiet", lambda words, timings, levels, window, t0:
                        [k == 5 for k in range(len(timings))])
    refined, stats = refine.refine_with_stats(coarse, load_audio(REAL / "jfk.flac"), transcript.duration)
    assert stats.rejected == 1 and stats.refined_words == 19
    kept = [k for k, (a, b) in enumerate(zip(coarse.words, refined.words, strict=True)) if a.start == b.start]
    assert {4, 5, 6} <= set(kept) and len(kept) <= 4


@pytest.mark.slow
def test_digital_silence_is_no_measure_of_the_quiet_between_words(tmp_path):
    """JFK's quote, then a second of digital silence, as where recordings were joined (the robustness sweep of
    stop 42): against a background of -120 dB the room's quiet was sound, "ask" was put in the pause before it
    and "not" over "ask". Both start where they do without the silence."""
    import soundfile as sf

    jfk = load_audio(REAL / "jfk.flac")
    joined = tmp_path / "joined.flac"
    sf.write(joined, np.concatenate([jfk, np.zeros(16000, jfk.dtype)]), 16000)
    text = tmp_path / "quote.txt"
    text.write_text("He said: “ask not what your country can do for you, ask what you can do for your country”",
                    "utf-8")
    alone, after = ({w.text: w.start for w in align_files(audio, text).alignment.words[2:4]}
                    for audio in (REAL / "jfk.flac", joined))
    assert list(after) == ["“ask", "not"] and abs(alone["“ask"] - 3.27) <= 0.05
    assert all(abs(after[w] - alone[w]) <= 0.05 for w in after)
    levels = np.array([-120.0] * 50 + [-60.0] * 10 + [-20.0] * 40)
    assert refine.decode.floor_level(levels, 5) == -60.0


def test_a_window_already_narrow_is_not_read_again():
    words = [word("one", 1.0, 1.3), word("two", 1.3, 1.6)]
    window = refine._Window(0, 2, 0, 2, 1.0 - refine._PAUSE, 1.6 + refine._PAUSE)
    assert refine._narrowed(words, window) is None
    wide = refine._Window(0, 2, 0, 2, 0.4, 2.1)
    assert refine._narrowed(words, wide) == refine._Window(0, 2, 0, 2, 1.0 - refine._PAUSE, 1.6 + refine._PAUSE)


@pytest.mark.slow
def test_a_window_the_aligner_cannot_follow_keeps_its_coarse_times():
    """Published words that were never said in that audio: refinement must not invent times for them, and
    must not take any away."""
    transcript = transcribe(REAL / "jfk.flac")
    document = parse_text((REAL / "jfk.txt").read_text("utf-8"))
    coarse = align(document, transcript)
    wrong = Alignment(tuple(w if k % 3 else AlignedWord("Wednesday", w.start, w.end, w.status, w.heard,
                                                      w.char_start, w.char_end, w.sentence, w.paragraph)
                            for k, w in enumerate(coarse.words)), coarse.unscripted, coarse.heard_tokens,
                      coarse.matched_tokens)
    refined = refine.refine(wrong, load_audio(REAL / "jfk.flac"), transcript.duration, use_cache=False)
    assert all(w.start is not None for w in refined.words)
    starts = [w.start for w in refined.words]
    assert starts == sorted(starts)
    assert all(abs(r.start - c.start) <= 0.6 for r, c in zip(refined.words, coarse.words, strict=True))


def test_unscripted_speech_bounds_refinement_windows():
    words = [word("one", 1.0, 1.3), word("two", 5.0, 5.4)]
    alignment = Alignment(tuple(words), (Unscripted("hello there", 2.0, 4.5),), 4, 2)
    windows = refine._windows(list(alignment.words), [(2.0, 4.5)], duration=6.0)
    assert [(w.lo, w.hi) for w in windows] == [(0, 1), (1, 2)]
    assert windows[0].end <= 2.0 and windows[1].start >= 4.5
