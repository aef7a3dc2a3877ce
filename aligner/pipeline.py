"""From two files to one alignment: the steps every command shares, and the alignment's JSON form."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .align import Alignment, align
from .refine import refine
from .text import Document, read_text
from .transcribe import TranscribeOptions, Transcript, load_audio, transcribe

__all__ = ["Aligned", "align_files", "alignment_json"]


@dataclass(frozen=True)
class Aligned:
    audio_path: Path
    document: Document
    transcript: Transcript
    alignment: Alignment


def align_files(audio_path: str | Path, text_path: str | Path,
                options: TranscribeOptions = TranscribeOptions(), use_cache: bool = True) -> Aligned:
    """Read the text first (cheap to reject), then transcribe (cached: no decoding then), align, and re-time
    the spoken stretches with the phonetic aligner unless options.refine is off."""
    document = read_text(text_path)
    transcript = transcribe(audio_path, options, use_cache=use_cache)
    alignment = align(document, transcript)
    if options.refine:
        alignment = refine(alignment, load_audio(audio_path), transcript.duration, use_cache=use_cache)
    return Aligned(Path(audio_path), document, transcript, alignment)


def alignment_json(aligned: Aligned) -> dict:
    """The documented alignment.json: published words with times and status, and unscripted speech."""
    words = aligned.alignment.words
    counts = {status: sum(w.status == status for w in words)
              for status in ("matched", "substituted", "interpolated", "unspoken")}
    return {
        "audio": str(aligned.audio_path),
        "duration": aligned.transcript.duration,
        "model": aligned.transcript.model,
        "language": aligned.transcript.language,
        "counts": counts,
        "words": [{"text": w.text, "start": w.start, "end": w.end, "status": w.status, "heard": w.heard,
                   "char_start": w.char_start, "char_end": w.char_end, "sentence": w.sentence,
                   "paragraph": w.paragraph} for w in words],
        "unscripted": [{"text": u.text, "start": u.start, "end": u.end} for u in aligned.alignment.unscripted],
    }
