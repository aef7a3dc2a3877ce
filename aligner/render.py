"""Renderers of the accuracy report: report.json, the terminal summary, and writing them with the review page."""
from __future__ import annotations

import json
import os
import sys
import urllib.parse
from pathlib import Path

from .files import Outputs
from .pipeline import Aligned, unscripted_json
from .report import RECOGNITION, UNCERTAIN, VERBATIM, WORDING, Difference, Report
from .text import excerpt
from .timefmt import clock, to_ms

__all__ = ["report_json", "print_report", "write_reports"]


# -- report.json --------------------------------------------------------------------------------------------
def _difference_json(d: Difference) -> dict:
    return {"published": d.published, "heard": d.heard, "start": d.start, "end": d.end, "kind": d.kind,
            "char_start": d.char_start, "char_end": d.char_end, "reason": d.reason, "margin": d.margin,
            "pieces": d.pieces, "probability": d.probability, "similarity": d.similarity, "acoustic": d.acoustic,
            "distance": d.distance, "acoustic_distance": d.acoustic_distance}


def report_json(report: Report) -> dict:
    """The documented report.json."""
    m = report.measures
    return {
        "audio": report.audio, "duration": report.duration, "scored_by": list(report.scored_by),
        "wer": round(m.wer, 4), "cer": round(m.cer, 4), "substitutions": m.substitutions,
        "deletions": m.deletions, "insertions": m.insertions, "hits": m.hits, "reference_words": m.reference_words,
        "unspoken": [{"text": u.text, "char_start": u.char_start, "char_end": u.char_end} for u in report.unspoken],
        "coverage": report.coverage, "spoken_words": report.spoken_words, "omitted_words": report.omitted_words,
        "unscripted": [unscripted_json(u) for u in report.unscripted],
        "differences": [_difference_json(d) for d in report.differences],
        "quotes": [{"text": q.text, "start": q.start, "end": q.end, "verbatim": q.verbatim, "verdict": q.verdict,
                    "spoken": q.spoken,
                    "char_start": q.char_start, "char_end": q.char_end,
                    "differences": [_difference_json(d) for d in q.differences]} for q in report.quotes],
    }


def write_reports(aligned: Aligned, report: Report, json_path: Path | None, html_path: Path | None,
                  outputs: Outputs) -> None:
    """Stage report.json and the review page (either may be None) with the command's other outputs."""
    if json_path is not None:
        outputs.add(json_path, json.dumps(report_json(report), indent=1, ensure_ascii=False))
    if html_path is not None:
        from .review import review_page  # the page is only built when asked for

        # the link as the user sees the paths (no symlinks resolved), relative to the page
        audio_link = Path(os.path.relpath(os.path.abspath(aligned.audio_path), os.path.abspath(Path(html_path).parent)))
        outputs.add(html_path, review_page(aligned, report, urllib.parse.quote(audio_link.as_posix())))


# -- the terminal -----------------------------------------------------------------------------------------------
def _at(seconds: float | None) -> str:
    return "—" if seconds is None else clock(to_ms(seconds))


def print_report(report: Report, console=None) -> None:
    """A summary table, then the flagged items: misquotes, wording differences, unspoken and unscripted."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = console or Console(highlight=False, width=None if sys.stdout.isatty() else 120)
    m = report.measures
    recognition = sum(d.kind == RECOGNITION for d in report.differences)
    wording = sum(d.kind == WORDING for d in report.differences)
    spoken_quotes = [q for q in report.quotes if q.spoken]
    unspoken_quotes = len(report.quotes) - len(spoken_quotes)
    summary = Table(title=f"Accuracy check: {escape(report.audio)}", show_header=False, title_justify="left")
    summary.add_column(style="bold")
    summary.add_column()
    summary.add_row("word error rate", f"{m.wer:.1%} over {m.reference_words} spoken published words "
                    f"({m.substitutions} substituted, {m.deletions} deleted, {m.insertions} inserted)")
    summary.add_row("character error rate", f"{m.cer:.1%}")
    uncertain = [d for d in report.differences if d.kind == UNCERTAIN]
    summary.add_row("differences", f"{wording} in wording, {_count(recognition, 'likely recognition error')}"
                    + (f", {len(uncertain)} uncertain (listen)" if uncertain else "")
                    + ("" if report.scored_by or not report.differences else " (judged without the model)"))
    verbatim = sum(q.verdict == VERBATIM for q in spoken_quotes)
    unsure = len(report.quotes_to_hear)
    summary.add_row("quotes", f"{verbatim} of {len(spoken_quotes)} verbatim"
                    + (f", {unsure} uncertain" if unsure else "")
                    + (f", {unspoken_quotes} not spoken" if unspoken_quotes else ""))
    summary.add_row("coverage", f"the text covers {report.coverage:.0%} of the recognized speech")
    summary.add_row("never spoken", f"{_count(len(report.unspoken), 'passage')} of the text")
    summary.add_row("unscripted", f"{_count(len(report.unscripted), 'passage')} of speech")
    console.print(summary)

    def change(d: Difference) -> str:
        return escape(f"published: {d.bare_published or '—'}  heard: {d.heard or '—'}")

    in_quotes = [d for q in report.misquotes for d in q.differences]
    for quote in report.misquotes:
        console.print(f"\n[bold red]NOT VERBATIM[/] {_at(quote.start)}  “{escape(quote.text)}”")
        for d in quote.differences:
            if d.kind == WORDING:
                console.print(f"  {_at(d.start)}  {change(d)}\n    [dim]{escape(d.reason)}[/]")
    for quote in report.quotes_to_hear:
        console.print(f"\n[bold yellow]UNCERTAIN — LISTEN[/] {_at(quote.start)}-{_at(quote.end)}  "
                      f"“{escape(quote.text)}”")
        for d in quote.differences:
            if d.kind == UNCERTAIN:
                console.print(f"  {_at(d.start)}-{_at(d.end)}  {change(d)}\n    [dim]{escape(d.reason)}[/]")
    outside = [d for d in report.differences if d.kind == WORDING and d not in in_quotes]
    if outside:
        console.print("\n[bold]Wording differences[/]")
        for d in outside:
            console.print(f"  {_at(d.start)}  {change(d)}")
    if report.unspoken:
        console.print("\n[bold]Published, never spoken[/]")
        for u in report.unspoken:
            console.print(f"  chars {u.char_start}-{u.char_end}: {escape(excerpt(u.text, 100))}", no_wrap=True,
                          overflow="ellipsis")
    if report.unscripted:
        console.print("\n[bold]Spoken, never published[/]")
        for u in report.unscripted:
            console.print(f"  {_at(u.start)}-{_at(u.end)}: {escape(excerpt(u.text, 100))}", no_wrap=True,
                          overflow="ellipsis")


def _count(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")
