"""`aligner clip`: quote look-up, cut points against the broadcast's ground truth, what the clips hold
(heard by the real recognizer), formats, loudness, and the files it will and will not write."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import webvtt

from aligner import audio
from aligner.align import AlignedWord, Alignment, Unscripted
from aligner.cli import main
from aligner.clip import Match, _plan_quote, closest_passages, locate, slug
from aligner.normalize import word_keys
from aligner.pipeline import Aligned
from aligner.report import RECOGNITION, WORDING, Difference
from aligner.text import parse_text
from aligner.transcribe import HeardWord, Transcript, transcribe

from conftest import DATA, MEDIA, run_cli

BROADCAST, ARTICLE = MEDIA / "broadcast.flac", MEDIA / "article.txt"
TRUTH = json.loads((MEDIA / "broadcast.truth.json").read_text("utf-8"))
TIMED = [w for w in TRUTH["words"] if w["start"] is not None]
TOLERANCE = 0.15  # s: how far a clip's speech may start or end from the true edge of its words
SLOP = 0.03  # s: how far a cut may reach into a neighbouring word in connected speech


def truth_edges(char_start: int, char_end: int) -> dict:
    """True times of a passage: its first start and last end, and the neighbouring words' edges. Quote
    words without true times (espeak-ng reads "to be" as one unit) stand in by the nearest timed ones."""
    inside = [k for k, w in enumerate(TIMED) if w["char_start"] is not None
              and w["char_end"] > char_start and w["char_start"] < char_end]
    first, last = inside[0], inside[-1]
    return {"start": TIMED[first]["start"], "end": TIMED[last]["end"],
            "before": TIMED[first - 1]["end"] if first else 0.0,
            "after": TIMED[last + 1]["start"] if last + 1 < len(TIMED) else TRUTH["duration"],
            "neighbours": [TIMED[k]["text"] for k in (first - 2, first - 1, last + 1, last + 2) if 0 <= k < len(TIMED)]}


def keys(text: str) -> list[str]:
    return [key for token in text.split() for key in word_keys(token)]


def assert_one_line_error(result, code: int, *fragments: str) -> None:
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def duration_of(path: Path) -> float:
    return audio.read_sound(path).duration


# --- looking the quote up (text only) -----------------------------------------------------------------

DOC = parse_text(ARTICLE.read_text("utf-8"))


def passage(match) -> str:
    words = DOC.words
    return DOC.text[words[match.first_word].char_start:words[match.last_word].char_end]


@pytest.mark.parametrize("quote, expected, exact", [
    ("unity of purpose", "unity of purpose", True),
    ("UNITY, of Purpose!", "unity of purpose", True),  # case and punctuation
    ('"We\'re building on the Wales', "“We’re building on the Wales", True),  # straight for curly marks
    ("to replenish stockpiles", "to replenish stockpiles,", True),  # a fragment of a longer sentence
    ("We’ve demonstrated again … our unity of action", "“We’ve demonstrated again our unity of purpose and our "
                                                      "unity of action . . .", True),
    ("that will endure ... its independence", "that will endure for as long as it takes for Ukraine to defend its "
                                              "sovereignty, its territorial integrity, its independence.”", True),
    ("our unity of action . . . I am confident", "our unity of action . . . I am confident", True),
    ("we are building on the Wales defence investment pledge",  # wording and spelling differences
     "“We’re building on the Wales defense investment pledge", False),
    ("unity of porpoise", "unity of purpose", False),
    ("the Alliance remains focused on Russia’s aggression",  # a word left out
     "the Alliance remains relentlessly focused on Russia’s aggression", False),
])
def test_quote_is_found(quote, expected, exact):
    matches = locate(DOC, quote)
    assert [passage(m) for m in matches] == [expected]
    assert (matches[0].score == 1.0) == exact


def test_ambiguous_and_missing_quotes():
    assert [passage(m) for m in locate(DOC, "unity")] == ["unity", "unity"]
    assert len(locate(DOC, "Successful NATO Ministerial")) == 2  # the title, printed twice
    assert locate(DOC, "unity of porpoise soup for the soul") == []
    suggestions = [passage(m) for m in closest_passages(DOC, "unity of porpoise soup for the soul")]
    assert 1 <= len(suggestions) <= 3 and suggestions[0].startswith("unity of purpose")
    assert locate(DOC, "the quick brown fox jumps over the lazy dog") == []


@pytest.mark.parametrize("text, expected", [
    ("unity of purpose", "unity-of-purpose"),
    ("We’re building on the Wales defense investment pledge to invest", "were-building-on-the-wales-defense"),
    ("../../etc/passwd", "etc-passwd"),
    (".hidden file", "hidden-file"),
    ("C:\\Windows\\system32 / nul", "c-windows-system32-nul"),
    ("Ünïcödé — “ça va”", "unicode-ca-va"),
    ("“…”", "clip"),
    ("supercalifragilisticexpialidocious" * 3, "supercalifragilisticexpialidocioussuperc"),
])
def test_file_names_from_quotes_are_safe(text, expected):
    name = slug(text)
    assert name == expected
    assert len(name) <= 40 and not name.startswith(".") and "/" not in name and "\\" not in name


# --- the committed broadcast --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def quote_clips(broadcast_run, tmp_path_factory):
    """`aligner clip --quotes` on the broadcast, after `aligner run` has transcribed it: (folder, index)."""
    out = tmp_path_factory.mktemp("quote-clips")
    result = run_cli("clip", BROADCAST, ARTICLE, "--quotes", "-o", out, "--format", "flac")
    assert result.returncode == 0, result.stderr
    return out, json.loads((out / "quotes.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def fragment_clip(broadcast_run, tmp_path_factory):
    """The issue's example: "unity of purpose", a fragment in connected speech."""
    out = tmp_path_factory.mktemp("fragment") / "unity.wav"
    result = run_cli("clip", BROADCAST, ARTICLE, "unity of purpose", "-o", out)
    assert result.returncode == 0, result.stderr
    return out, result.stdout


def clip_times(stdout: str) -> tuple[float, float]:
    """The cut printed by the CLI, "m:ss.mmm-m:ss.mmm"."""
    span = stdout.split()[1]

    def seconds(clock: str) -> float:
        minutes, rest = clock.split(":")
        return 60 * int(minutes) + float(rest)

    return tuple(map(seconds, span.split("-")))


@pytest.mark.slow
def test_every_quote_is_cut_at_the_true_edges_of_its_words(quote_clips):
    out, index = quote_clips
    article = ARTICLE.read_text("utf-8")
    assert len(index) == 5
    for clip in index:
        start = article.index(clip["text"])
        truth = truth_edges(start, start + len(clip["text"]))
        assert abs(clip["speech_start"] - truth["start"]) <= TOLERANCE, clip
        assert abs(clip["speech_end"] - truth["end"]) <= TOLERANCE, clip
        assert truth["before"] <= clip["start"] <= truth["start"], clip  # nothing of the word before, all of this
        assert truth["end"] <= clip["end"] <= truth["after"], clip
        assert 0 <= clip["speech_start"] - clip["start"] <= 0.151 and 0 <= clip["end"] - clip["speech_end"] <= 0.151
        assert clip["file"].startswith(f"{clip['number']:02d}-") and clip["file"].endswith(".flac")
        assert abs(duration_of(out / clip["file"]) - (clip["end"] - clip["start"])) <= 0.001
        cues = webvtt.read(str(out / clip["captions"]))
        shown = " ".join(cue.text.replace("\n", " ") for cue in cues).replace("” “", " ")  # closed in each cue
        assert shown == "“" + " ".join(clip["text"].split()) + "”"  # worded as published
        assert abs(cues[0].start_in_seconds - (clip["speech_start"] - clip["start"])) <= 0.3  # timed from the clip
        assert cues[-1].end_in_seconds <= clip["end"] - clip["start"] + 0.001


@pytest.mark.slow
def test_quote_clips_hold_the_quote_and_nothing_around_it(quote_clips):
    """The real recognizer on each clip: its words are the quote's, and no neighbouring word is heard."""
    out, index = quote_clips
    article = ARTICLE.read_text("utf-8")
    for clip in index:
        start = article.index(clip["text"])
        quote_keys = set(keys(clip["text"]))
        outside = {k for word in truth_edges(start, start + len(clip["text"]))["neighbours"] for k in keys(word)}
        heard = [k for w in transcribe(out / clip["file"]).words for k in word_keys(w.text)]
        assert len(heard) >= 0.7 * len(keys(clip["text"])), (clip["file"], heard)
        assert sum(k in quote_keys for k in heard) >= 0.6 * len(heard), (clip["file"], heard)
        edges = heard[:2] + heard[-2:]
        assert not [k for k in edges if k in outside - quote_keys], (clip["file"], edges)


@pytest.mark.slow
def test_a_fragment_in_connected_speech(fragment_clip):
    path, stdout = fragment_clip
    start, end = clip_times(stdout)
    unity = next(w for w in TIMED if w["text"] == "unity")
    purpose = next(w for w in TIMED if w["text"] == "purpose")
    assert abs(start - unity["start"]) <= TOLERANCE and abs(end - purpose["end"]) <= TOLERANCE + 0.15
    before = TIMED[TIMED.index(unity) - 1]["end"]  # "our", right before "unity" with no pause
    after = TIMED[TIMED.index(purpose) + 1]["start"]  # "and", after a short pause
    assert before - SLOP <= start <= unity["start"] + SLOP and purpose["end"] <= end <= after
    assert abs(duration_of(path) - (end - start)) <= 0.001
    assert " ".join(c.text for c in webvtt.read(str(path.with_suffix(".vtt")))) == "unity of purpose"
    heard = [k for w in transcribe(path).words for k in word_keys(w.text)]
    assert heard and heard[0] == "unity" and heard[-1] == "purpose", heard
    assert "and" not in heard and "our" not in heard


@pytest.mark.slow
def test_quote_verdicts_agree_with_the_report(quote_clips, broadcast_run):
    _, index = quote_clips
    report = json.loads((broadcast_run / "report.json").read_text("utf-8"))
    verdicts = {q["text"]: q for q in report["quotes"]}
    for clip in index:
        quote = verdicts[clip["text"]]
        assert clip["verbatim"] == (clip["verdict"] == "verbatim")
        assert clip["verdict"] in ("verbatim", "not verbatim", "uncertain")
        assert clip["verdict"] == quote["verdict"] and clip["verbatim"] == quote["verbatim"], clip
        assert [(d["published"], d["kind"]) for d in clip["differences"]] == \
            [(d["published"], d["kind"]) for d in quote["differences"]]


@pytest.mark.slow
def test_clips_come_from_the_cached_transcript(quote_clips, tmp_path, monkeypatch, capsys):
    # how long clipping takes is measured by scripts/bench_clip.py, not here (timings are noisy on shared
    # machines); what must hold is that a transcribed broadcast is never transcribed again
    def no_recognizer(*args, **kwargs):
        raise AssertionError("the broadcast was transcribed again")

    monkeypatch.setattr("aligner.transcribe._recognize", no_recognizer)
    for n, quote in enumerate(["unity of purpose", "to replenish stockpiles", "a just peace", "Indo-Pacific region",
                               "the time to come"]):
        assert main(["clip", str(BROADCAST), str(ARTICLE), quote, "-o", str(tmp_path / f"{n}.mp3")]) == 0
    assert capsys.readouterr().out.count(".mp3") == 5


@pytest.mark.slow
def test_cut_by_time(broadcast_run, tmp_path, fragment_clip):
    """A time inside a word moves to the pause before the word if most of it is in the range, else after
    it; with the text the captions are as published, without it there are none and no recognition."""
    result = run_cli("clip", BROADCAST, ARTICLE, "--start", "1:19.9", "--end", "81.3", "-o", tmp_path / "t.wav")
    assert result.returncode == 0, result.stderr
    assert " ".join(c.text for c in webvtt.read(str(tmp_path / "t.vtt"))) == "unity of purpose"
    start, end = clip_times(result.stdout)
    assert start == clip_times(fragment_clip[1])[0] and end == 81.3  # 81.3 s lies in the pause after "purpose"

    result = run_cli("clip", BROADCAST, "--start", "79.9", "--end", "81.3", "-o", tmp_path / "bare.ogg")
    assert result.returncode == 0, result.stderr
    start, end = clip_times(result.stdout)
    assert abs(start - 79.9) <= 0.2 and abs(end - 81.3) <= 0.2 and not (tmp_path / "bare.vtt").exists()
    assert abs(duration_of(tmp_path / "bare.ogg") - (end - start)) <= 0.01


@pytest.mark.slow
def test_quote_look_up_failures_on_the_command_line(broadcast_run, tmp_path):
    out = tmp_path / "c.wav"
    result = run_cli("clip", BROADCAST, ARTICLE, "unity of porpoise soup for the soul", "-o", out)
    assert_one_line_error(result, 2, "quote not found", "closest passages")
    first_unity = ("1:19.9", "1:20.0")  # the truth says 79.953 s
    assert "unity of purpose" in result.stdout and any(t in result.stdout for t in first_unity)

    result = run_cli("clip", BROADCAST, ARTICLE, "unity", "-o", out)
    assert_one_line_error(result, 2, "occurs 2 times", "--occurrence")
    assert any(t in result.stdout for t in first_unity) and "1:21" in result.stdout and not out.exists()

    result = run_cli("clip", BROADCAST, ARTICLE, "unity", "--occurrence", "2", "-o", out)
    assert result.returncode == 0, result.stderr
    second = next(w for w in TIMED if w["text"] == "unity" and w["start"] > 81)
    start, end = clip_times(result.stdout)
    assert abs(start - second["start"]) <= TOLERANCE and abs(end - second["end"]) <= TOLERANCE

    assert_one_line_error(run_cli("clip", BROADCAST, ARTICLE, "Successful NATO Ministerial", "-o", out), 2,
                          "never spoken")
    assert_one_line_error(run_cli("clip", BROADCAST, ARTICLE, "unity", "--occurrence", "3", "-o", out), 2,
                          "--occurrence 3")


@pytest.mark.parametrize("args, fragment", [
    (["unity of purpose", "--quotes"], "one of"),
    (["--start", "10"], "both --start and --end"),
    (["--start", "1:75", "--end", "2:00"], "invalid time"),
    (["--start", "20", "--end", "10"], "must come before"),
    (["--start", "300", "--end", "310"], "past the end"),
    (["unity of purpose", "-o", "clip.xyz"], ".wav, .flac, .mp3"),
    (["unity of purpose", "--loudness", "5"], "LUFS"),
])
def test_bad_clip_arguments(args, fragment, tmp_path):
    assert_one_line_error(run_cli("clip", DATA / "short.flac", DATA / "short.txt", *args, cwd=tmp_path), 2, fragment)
    assert list(tmp_path.iterdir()) == []


def test_quote_needs_a_text(tmp_path):
    assert_one_line_error(run_cli("clip", DATA / "short.flac", "--quotes", cwd=tmp_path), 2, "TEXT")


# --- the short clip: formats, loudness, files ---------------------------------------------------------


def test_every_format_round_trips(tmp_path):
    sound = audio.read_sound(DATA / "short.flac")
    piece = audio.cut(sound, 4.0, 7.5, 0.02, 0.02)
    expected = np.frombuffer(piece.raw_data, dtype=np.int16)
    for suffix, form in audio.FORMATS.items():
        path = tmp_path / f"clip{suffix}"
        path.write_bytes(audio.encode(piece, form))
        back = audio.read_sound(path)
        # AAC decodes to whole 1024-sample frames: .m4a records the true length (decoders may not trim to it),
        # raw ADTS .aac cannot record the encoder's priming either
        tolerance = 0.001 if form.lossless else {".m4a": 0.05, ".mp4": 0.05, ".aac": 0.1}.get(suffix, 0.03)
        assert abs(back.duration - 3.5) <= tolerance, (suffix, back.duration)
        assert back.channels == 1 and back.rate == (48000 if form.codec == "libopus" else sound.rate)
        if form.lossless:
            assert np.array_equal(back.samples[:, 0], expected), suffix


def test_loudness_normalization_reaches_the_target_without_clipping(tmp_path):
    sound = audio.read_sound(DATA / "short.flac")
    piece = audio.cut(sound, 0.0, sound.duration, 0.02, 0.02)
    meter = pyloudnorm.Meter(sound.rate)
    for target in (-16.0, -23.0):
        path = tmp_path / f"{target}.wav"
        path.write_bytes(audio.encode(audio.normalize_loudness(piece, target), audio.FORMATS[".wav"]))
        samples = audio.read_sound(path).samples[:, 0] / 32768.0
        assert abs(meter.integrated_loudness(samples) - target) <= 0.1
        assert 20 * np.log10(np.abs(samples).max()) <= -0.99


@pytest.fixture()
def short_text(tmp_path) -> Path:
    """short.txt with a quote that opens with a path: its clip must still land in the output folder."""
    path = tmp_path / "short.txt"
    path.write_text((DATA / "short.txt").read_text("utf-8").replace("“We’re", "“../../.We’re"), "utf-8")
    return path


@pytest.mark.slow
def test_quotes_with_loudness_and_unsafe_text_replace_outputs_together(tmp_path, short_text):
    out = tmp_path / "out"
    result = run_cli("clip", DATA / "short.flac", short_text, "--quotes", "-o", out, "--format", "m4a",
                     "--loudness", "-16")
    assert result.returncode == 0, result.stderr
    name = "01-were-building-on-the-wales-defense"
    assert sorted(p.name for p in out.iterdir()) == [f"{name}.m4a", f"{name}.vtt", "quotes.json"]
    [clip] = json.loads((out / "quotes.json").read_text("utf-8"))
    assert clip["file"] == f"{name}.m4a" and abs(clip["loudness"] + 16) <= 0.1
    assert abs(duration_of(out / clip["file"]) - (clip["end"] - clip["start"])) <= 0.03

    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = run_cli("clip", DATA / "short.flac", short_text, "--quotes", "-o", out, "--format", "m4a",
                     "--loudness", "-99")
    assert_one_line_error(result, 2, "LUFS")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # a failed command changes nothing
    result = run_cli("clip", DATA / "short.flac", short_text, "--quotes", "-o", out, "--format", "m4a")
    assert result.returncode == 0, result.stderr  # a second run replaces the outputs (same policy everywhere)
    assert json.loads((out / "quotes.json").read_text("utf-8"))[0]["loudness"] is None

    single = tmp_path / "single"
    single.mkdir()
    result = run_cli("clip", DATA / "short.flac", short_text, "../../.We’re building on the Wales", "-o", single)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in single.iterdir()) == ["were-building-on-the-wales.vtt",
                                                        "were-building-on-the-wales.wav"]
    again = run_cli("clip", DATA / "short.flac", short_text, "We’re building on the Wales", "-o", single,
                    "--force")  # still accepted, though nothing needs forcing
    assert again.returncode == 0, again.stderr
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# --- cut points of a quote whose edges were not said as published (synthetic sound) ------------------------


def _bursts(*spans: tuple[float, float], duration: float = 4.0) -> audio.Sound:
    """A 16 kHz mono Sound: a 200 Hz tone where words are said (`spans`, in s), faint noise elsewhere."""
    rate = 16000
    t = np.arange(int(duration * rate)) / rate
    samples = np.random.default_rng(0).normal(0, 30, len(t))
    for start, end in spans:
        inside = (t >= start) & (t < end)
        samples[inside] += 8000 * np.sin(2 * np.pi * 200 * t[inside])
    return audio.Sound(samples.astype(np.int16)[:, None], rate)


def _quote_words(doc, times: dict[int, tuple[float, float]]) -> tuple:
    return tuple(AlignedWord(w.text, *times.get(k, (None, None)), "matched" if k in times else "omitted",
                             w.text if k in times else None, w.char_start, w.char_end, w.sentence, w.paragraph)
                 for k, w in enumerate(doc.words))


def _judged(doc, words: tuple, heard: tuple, unscripted: tuple = ()) -> Aligned:
    return Aligned(Path("none.wav"), doc, Transcript(heard, (), 4.0, "tiny.en", "en"),
                   Alignment(words, unscripted, len(heard), 1))


COUNTRY = (HeardWord("your", 2.5, 2.7, 0.9), HeardWord("country.", 2.7, 2.9, 0.9))


def test_a_quote_clip_holds_what_was_said_in_place_of_its_first_and_last_words():
    # “Nobody believed the nation,”: "Nobody" misheard beyond pairing (the check found it said as "no buddy" at
    # 0.5-0.9 s), "the nation" said "your country" (2.5-2.9 s)
    doc = parse_text("“Nobody believed the nation,” he said.")
    sound = _bursts((0.5, 0.9), (1.5, 1.9), (2.5, 2.9))
    heard = (HeardWord("no", 0.5, 0.7, 0.5), HeardWord("buddy", 0.7, 0.9, 0.5), HeardWord("believed", 1.5, 1.9, 0.9))
    aligned = _judged(doc, _quote_words(doc, {1: (1.5, 1.9)}), heard + COUNTRY,
                      (Unscripted("your country.", 2.5, 2.9, True, COUNTRY),))
    differences = [
        Difference("“Nobody", "no buddy", 0.5, 0.9, doc.words[0].char_start, doc.words[0].char_end, RECOGNITION, ""),
        Difference("the nation,”", "your country.", 2.5, 2.9, doc.words[2].char_start, doc.words[3].char_end, WORDING,
                   "")]
    plan = _plan_quote(sound, aligned, differences, Match(0, 3, 1.0), 0.15)
    assert plan.start <= 0.5 and plan.speech_start <= 0.5  # "no buddy" in the clip
    assert plan.end >= 2.9  # and "your country."


def test_a_quote_clip_held_to_what_was_said_in_place_of_its_last_words_keeps_its_start():
    # the recognizer stretched the quote's first word over the pause before it (0.3-1.9 s, its sound from 1.5 s):
    # the clip starts in that pause, also when it is made longer for "your country." said for "the nation"
    doc = parse_text("“Believed the nation,” he said.")
    sound = _bursts((1.5, 1.9), (2.5, 2.9))
    aligned = _judged(doc, _quote_words(doc, {0: (0.3, 1.9)}), (HeardWord("believed", 0.3, 1.9, 0.9), *COUNTRY),
                      (Unscripted("your country.", 2.5, 2.9, True, COUNTRY),))
    changed = Difference("the nation,”", "your country.", 2.5, 2.9, doc.words[1].char_start, doc.words[2].char_end,
                         WORDING, "")
    plan = _plan_quote(sound, aligned, [changed], Match(0, 2, 1.0), 0.15)
    assert 1.3 <= plan.start <= 1.5 and plan.end >= 2.9


def test_a_quote_clip_holds_its_last_word_where_it_was_heard_misheard():
    # “…gives you fog.”: "fog." has no time of its own; the check found it said, heard "hot." (a mishearing)
    doc = parse_text("“It gives you fog.”")
    sound = _bursts((1.0, 1.3), (1.4, 1.7), (1.8, 2.1), (2.2, 2.6))
    heard = tuple(HeardWord(w, a, a + 0.3, 0.9) for w, a in (("it", 1.0), ("gives", 1.4), ("you", 1.8)))
    hot = (HeardWord("hot.", 2.2, 2.6, 0.4),)
    aligned = _judged(doc, _quote_words(doc, {k: (h.start, h.end) for k, h in enumerate(heard)}), heard + hot,
                      (Unscripted("hot.", 2.2, 2.6, True, hot),))
    fog = Difference("fog.”", "hot.", 2.2, 2.6, doc.words[3].char_start, doc.words[3].char_end, RECOGNITION, "")
    assert _plan_quote(sound, aligned, [fog], Match(0, 3, 1.0), 0.15).end >= 2.6
