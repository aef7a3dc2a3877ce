"""From two files to one alignment: the steps every command shares, and the alignment's JSON form."""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import phonetic
from .align import Alignment, SaidAsHeard, Unscripted, align, confirm_edge_words
from .classify import acoustic_distance
from .decode import read_spans
from .orthography import spoken_form
from .refine import refine
from .text import Document, read_text
from .transcribe import HeardWord, TranscribeOptions, Transcript, transcribe

__all__ = ["Aligned", "align_files", "said_as_heard", "alignment_json", "unscripted_json"]

_PAD = 0.2  # s of audio either side of the heard words a published wording is fitted to
# Recordings at least this long (s) get phonetic helper processes. A helper is ready about 0.6 s after it starts
# (each_window waits for it); the phonetic work of refinement and the check's witness was 2.6 s of one core on a
# 40 s broadcast (scripts/bench_timing.py's brisk, this 2-core machine) and a few tenths of a second on JFK's 11 s.
_HELPERS_FROM = 30.0


@dataclass(frozen=True)
class Aligned:
    audio_path: Path
    document: Document
    transcript: Transcript
    alignment: Alignment


def align_files(audio_path: str | Path, text_path: str | Path,
                options: TranscribeOptions = TranscribeOptions(), use_cache: bool = True) -> Aligned:
    """Read the text first (cheap to reject), then transcribe (cached: no decoding then), keep the words heard
    at the recording's edges that the text confirms, align, and re-time the spoken stretches with the phonetic
    aligner unless options.refine is off."""
    document = read_text(text_path)
    transcript = confirm_edge_words(document, transcribe(audio_path, options, use_cache=use_cache))
    if options.refine and transcript.duration >= _HELPERS_FROM:
        phonetic.start_helpers()  # they start while the alignment runs on one core
    alignment = align(document, transcript, said_as_heard(Path(audio_path)) if options.refine else None)
    if options.refine:
        alignment = refine(alignment, Path(audio_path), transcript.duration, use_cache=use_cache)
    return Aligned(Path(audio_path), document, transcript, alignment)


def said_as_heard(audio_path: Path) -> SaidAsHeard:
    """Does a published wording fit the sound of the heard words as well as they do, within the phonetic
    witness's line (classify.acoustic_distance)? The same evidence the check takes for a mishearing, asked of
    the alignment (align._sounding_piece). No, where the aligner cannot fit either wording."""
    def said(published: Sequence[str], heard: Sequence[HeardWord]) -> bool:
        start, end = max(0.0, heard[0].start - _PAD), heard[-1].end + _PAD
        samples = next(samples for _, samples in read_spans(audio_path, [(start, end)]))
        said_words = [word.text for word in heard]
        texts = [" ".join(said_words), spoken_form(published, said_words)]
        fits = phonetic.fit(samples, 0.0, len(samples) / phonetic.SAMPLE_RATE, texts)
        return None not in fits and acoustic_distance(fits[1].total - fits[0].total) >= 0

    return said


def alignment_json(aligned: Aligned, captioned: Collection[HeardWord] | None = None) -> dict:
    """The documented alignment.json: published words with times and status, and unscripted speech (said,
    never published) with its words' times and whether the captions show them (`captioned` words do)."""
    words = aligned.alignment.words
    counts = {status: sum(w.status == status for w in words)
              for status in ("matched", "substituted", "interpolated", "unspoken", "omitted")}
    return {
        "audio": str(aligned.audio_path),
        "duration": aligned.transcript.duration,
        "model": aligned.transcript.model,
        "language": aligned.transcript.language,
        "counts": counts,
        "words": [{"text": w.text, "start": w.start, "end": w.end, "status": w.status, "heard": w.heard,
                   "char_start": w.char_start, "char_end": w.char_end, "sentence": w.sentence,
                   "paragraph": w.paragraph} for w in words],
        "coverage": round(aligned.alignment.coverage, 4),
        "unscripted": [unscripted_json(u, captioned) for u in aligned.alignment.unscripted],
    }


def unscripted_json(item: Unscripted, captioned: Collection[HeardWord] | None = None) -> dict:
    """Speech never published, as alignment.json and report.json both list it, with its words' times; given
    the words the captions show (`captioned`), whether the passage and each of its words is captioned."""
    entry = {"text": item.text, "start": item.start, "end": item.end, "inside_sentence": item.inside,
             "words": [{"text": w.text, "start": w.start, "end": w.end} for w in item.words]}
    if captioned is not None:
        entry["captioned"] = any(w in captioned for w in item.words)
        for word, heard in zip(entry["words"], item.words, strict=True):
            word["captioned"] = heard in captioned
    return entry
