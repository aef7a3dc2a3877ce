"""`aligner run` as a library call: one alignment, then every output made from it, written together.

The CLI and the batch engines both call `run_job`, so a folder made by either holds the same files.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .captions import CaptionOptions, build_cues, to_srt, to_webvtt
from .check import check
from .files import Outputs
from .pipeline import Aligned, align_files, alignment_json
from .render import write_reports
from .report import Report
from .transcribe import TranscribeOptions

__all__ = ["RunResult", "run_job", "OUTPUT_FILES"]

OUTPUT_FILES = ("captions.vtt", "captions.srt", "alignment.json", "report.json", "report.html")


@dataclass(frozen=True)
class RunResult:
    aligned: Aligned
    report: Report
    cues: int  # how many caption cues were written
    out: Path


def run_job(audio: str | Path, text: str | Path, out: str | Path,
            options: TranscribeOptions = TranscribeOptions(), captions: CaptionOptions = CaptionOptions(),
            use_cache: bool = True) -> RunResult:
    """Align `audio` with `text` and write OUTPUT_FILES into the folder `out`."""
    out = Path(out)
    aligned = align_files(audio, text, options, use_cache=use_cache)
    cues = build_cues(aligned.alignment.words, captions, aligned.transcript.duration)
    report = check(aligned, transcribe_options=options)
    with Outputs([audio, text]) as outputs:  # every file, or none if any stage fails
        outputs.add(out / "captions.vtt", to_webvtt(cues))
        outputs.add(out / "captions.srt", to_srt(cues))
        outputs.add(out / "alignment.json", json.dumps(alignment_json(aligned), indent=1, ensure_ascii=False))
        write_reports(aligned, report, out / "report.json", out / "report.html", outputs)
    return RunResult(aligned, report, len(cues), out)
