"""Precision and recall of `aligner check` on broadcasts whose departures from the published text are known.

The test broadcasts (tests/data/check/, made by scripts/make_test_broadcasts.py) each skip a paragraph, add
a sentence and change the wording inside one quote; the committed reference broadcast (media/) is read as
published apart from its intro and outro. Every difference the check finds is labelled from how they were
built: a real wording difference if it touches an edit, a recognition error otherwise.

Printed: for quote verdicts (positive = not verbatim) and for difference classification (positive =
wording), true and false positives, false negatives, precision and recall; and how many of the skipped
paragraphs, page lines and added sentences were found. Each with the model scoring the differences (the
default) and without it (--no-rescore: sound and confidence only).

    python scripts/bench_check.py
    python scripts/bench_check.py --data /tmp/held_out    # broadcasts the thresholds were not tuned on
"""
from __future__ import annotations

import argparse
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from aligner.check import CheckOptions, check  # noqa: E402
from aligner.pipeline import align_files  # noqa: E402
from aligner.report import WORDING, Report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT / "tests" / "data" / "check"


@dataclass(frozen=True)
class Case:
    name: str
    audio: Path
    text: Path
    verbatim: list[bool]  # per quote, in text order
    edits: list[tuple[int, int]]  # published char spans said differently
    unspoken: set[tuple[int, int]]  # published lines or paragraphs never said
    unscripted: list[tuple[float, float]]  # times of speech never published


def test_broadcast(folder: Path, name: str) -> Case:
    truth = json.loads((folder / f"{name}.truth.json").read_text("utf-8"))
    return Case(name, folder / f"{name}.flac", folder / f"{name}.txt", [q["verbatim"] for q in truth["quotes"]],
                [(e["char_start"], e["char_end"]) for q in truth["quotes"] for e in q["edits"]],
                {(u["char_start"], u["char_end"]) for u in truth["unspoken"]},
                [(u["start"], u["end"]) for u in truth["unscripted"]])


def reference_broadcast() -> Case:
    """media/broadcast.*: every quote verbatim, no edit; the lines with no spoken sentence are unspoken."""
    truth = json.loads((ROOT / "media" / "broadcast.truth.json").read_text("utf-8"))
    article = (ROOT / "media" / "article.txt").read_text("utf-8")
    spoken = [(s["char_start"], s["char_end"]) for s in truth["sentences"] if s["source"] == "article"]
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", article)]
    unspoken = {(a, b) for a, b in lines if not any(a < e and s < b for s, e in spoken)}
    extra = {}
    for s in truth["sentences"]:
        if s["source"] != "article":
            start, end = extra.get(s["source"], (s["start"], s["end"]))
            extra[s["source"]] = (min(start, s["start"]), max(end, s["end"]))
    quotes = len(re.findall(r"“[^”\n]+”", article))
    return Case("broadcast", ROOT / "media" / "broadcast.flac", ROOT / "media" / "article.txt", [True] * quotes,
                [], unspoken, sorted(extra.values()))


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def line(self, label: str) -> str:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return (f"{label:<34} TP {self.tp:3d}  FP {self.fp:3d}  FN {self.fn:3d}   "
                f"precision {precision:6.1%}  recall {recall:6.1%}")


def score(case: Case, report: Report, tallies: dict[str, Tally]) -> list[str]:
    """Add this broadcast's counts to the tallies; the mistakes, for the printout."""
    mistakes = []
    quotes = tallies["quotes"]
    for verdict, verbatim in zip(report.quotes, case.verbatim, strict=True):
        flagged = not verdict.verbatim
        quotes.tp += flagged and not verbatim
        quotes.fp += flagged and verbatim
        quotes.fn += not flagged and not verbatim
        if flagged == verbatim:
            mistakes.append(f"quote {'wrongly flagged' if flagged else 'misquote missed'}: “{verdict.text[:60]}”")

    def touches(d, edit) -> bool:
        a, b = edit
        return (d.char_start < b and a < d.char_end) or (d.char_start == d.char_end and a <= d.char_start <= b)

    differences = tallies["differences"]
    for d in report.differences:
        real = any(touches(d, edit) for edit in case.edits)
        if d.kind == WORDING and not real:
            differences.fp += 1
            mistakes.append(f"recognition error called wording: {d.published!r} -> {d.heard!r} ({d.reason})")
        elif d.kind == WORDING:
            differences.tp += 1
    for edit in case.edits:
        if not any(d.kind == WORDING and touches(d, edit) for d in report.differences):
            differences.fn += 1
            mistakes.append(f"wording edit missed at chars {edit}")

    found = {(u.char_start, u.char_end) for u in report.unspoken}
    tallies["unspoken"].tp += len(found & case.unspoken)
    tallies["unspoken"].fp += len(found - case.unspoken)
    tallies["unspoken"].fn += len(case.unspoken - found)
    mistakes += [f"unspoken text not expected: chars {span}" for span in sorted(found - case.unspoken)]
    mistakes += [f"unspoken text missed: chars {span}" for span in sorted(case.unspoken - found)]

    unscripted = tallies["unscripted"]
    hits = [u for u in report.unscripted if any(u.start < e and s < u.end for s, e in case.unscripted)]
    unscripted.tp += sum(any(u.start < e and s < u.end for u in report.unscripted) for s, e in case.unscripted)
    unscripted.fn += sum(not any(u.start < e and s < u.end for u in report.unscripted) for s, e in case.unscripted)
    unscripted.fp += len(report.unscripted) - len(hits)
    mistakes += [f"unscripted speech not expected: {u.text!r}" for u in report.unscripted if u not in hits]
    return mistakes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=CHECK,
                        help="folder of test broadcasts with truth files (default: tests/data/check); "
                             "the reference broadcast is added only for the default")
    args = parser.parse_args()
    names = sorted(p.name.removesuffix(".truth.json") for p in args.data.glob("*.truth.json"))
    cases = [test_broadcast(args.data, n) for n in names] + ([reference_broadcast()] if args.data == CHECK else [])
    aligned = {case.name: align_files(case.audio, case.text) for case in cases}
    for title, options in (("model scoring (default)", CheckOptions()),
                           ("sound and confidence only (--no-rescore)", CheckOptions(rescore=False))):
        tallies = {key: Tally() for key in ("quotes", "differences", "unspoken", "unscripted")}
        mistakes = []
        differences = 0
        for case in cases:
            report = check(aligned[case.name], options)
            differences += len(report.differences)
            mistakes += [f"  {case.name}: {m}" for m in score(case, report, tallies)]
        quotes = sum(len(c.verbatim) for c in cases)
        print(f"== {title}: {len(cases)} broadcasts, {quotes} quotes "
              f"({sum(not v for c in cases for v in c.verbatim)} changed), {differences} differences "
              f"({sum(len(c.edits) for c in cases)} wording edits)")
        print(tallies["quotes"].line("quote verdicts (not verbatim)"))
        print(tallies["differences"].line("differences (wording)"))
        print(tallies["unspoken"].line("unspoken text (lines, paragraphs)"))
        print(tallies["unscripted"].line("unscripted speech (passages)"))
        print("\n".join(mistakes) if mistakes else "  no mistakes")
        print()


if __name__ == "__main__":
    main()
