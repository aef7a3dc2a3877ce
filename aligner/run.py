"""`aligner run` as a library call: one alignment, then every output made from it, written together.

The CLI and the batch engines both call `run_job`, so a folder made by either holds the same files.
Order: align, check, caption (the captions show the spoken wording where the check is confident that
other words were said), and only then write, so a failing stage leaves no partial set of outputs.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .captions import CaptionOptions, CaptionWord, Cue, build_cues, caption_words, to_srt, to_webvtt
from .check import check
from .files import Outputs
from .pipeline import Aligned, align_files, alignment_json
from .render import write_reports
from .report import Report
from .transcribe import TranscribeOptions

__all__ = ["RunResult", "run_job", "spoken_captions", "OUTPUT_FILES"]

OUTPUT_FILES = ("captions.vtt", "captions.srt", "alignment.json", "report.json", "report.html")


@dataclass(frozen=True)
class RunResult:
    aligned: Aligned
    report: Report
    cues: int  # how many caption cues were written
    out: Path


def spoken_captions(aligned: Aligned, report: Report, options: CaptionOptions = CaptionOptions()
                    ) -> tuple[list[CaptionWord], list[Cue]]:
    """The words the captions show (what was said) and their cues, from the alignment and its check."""
    alignment = aligned.alignment
    said = caption_words(alignment.words, alignment.unscripted, report.differences, options)
    return said, build_cues(said, options, aligned.transcript.duration)


def run_job(audio: str | Path, text: str | Path, out: str | Path,
            options: TranscribeOptions = TranscribeOptions(), captions: CaptionOptions = CaptionOptions(),
            use_cache: bool = True) -> RunResult:
    """Align `audio` with `text` and write OUTPUT_FILES into the folder `out`."""
    out = Path(out)
    aligned = align_files(audio, text, options, use_cache=use_cache)
    report = check(aligned, transcribe_options=options)
    said, cues = spoken_captions(aligned, report, captions)
    captioned = {heard for w in said for heard in w.heard}
    with Outputs([audio, text]) as outputs:  # every file, or none if any stage fails
        outputs.add(out / "captions.vtt", to_webvtt(cues))
        outputs.add(out / "captions.srt", to_srt(cues))
        outputs.add(out / "alignment.json", json.dumps(alignment_json(aligned, captioned), indent=1,
                                                       ensure_ascii=False))
        write_reports(aligned, report, out / "report.json", out / "report.html", outputs)
    return RunResult(aligned, report, len(cues), out)
