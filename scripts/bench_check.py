"""How far an editor can trust `aligner check`: its verdicts on a labelled set nobody tuned to.

The set is rendered by scripts/make_check_set.py from tests/data/check_set/stories.txt (into build/check_set
unless --set says otherwise). In every case the audio says the original words and the published text is
the original with edits, so each difference the check reports is labelled from how the case was made:

  wording      it touches an edit (a substituted, left-out or added word, a negation, a changed number)
  unspoken     it lies in published text never said (page lines, a skipped paragraph, the reporter's words)
  unscripted   heard words only, where the speaker talked on beyond the published text
  recognition  anything else: the recognizer misheard what was said as published

Separate tables for the calibration split (the only one decision constants may be fitted on), the test
split, the real recordings, and the guard (texts quoting a small part of a recording must be accepted;
texts of another recording refused with "does not match"). Per table: quote verdicts (positive = not
verbatim), mishearings called wording, real changes called mishearings, the share of differences called
uncertain; and whether `aligner run` and `aligner check` (run as commands) report the same thing.

    python scripts/make_check_set.py && python scripts/bench_check.py
    python scripts/bench_check.py --dump rows.jsonl            # one row per difference (not of NEVER_DUMPED), to fit
    python scripts/bench_check.py --only test,guard --no-agreement
    python scripts/bench_check.py --only fresh7,real7                # reported once in stop 15, then read
    python scripts/bench_check.py --only fresh8,real8                # likewise
    python scripts/bench_check.py --only fresh9,real9                # reported once at the end of stop 15, then read
    python scripts/bench_check.py --only fresh10,real10              # reported once in stop 16, then read
    python scripts/bench_check.py --only fresh11,real11              # reported once at the end of stop 16, then read
    python scripts/bench_check.py --only fresh12,real12              # reported once in stop 17, then read
    python scripts/bench_check.py --only fresh13,real13              # reported once in stop 17, then read
    python scripts/bench_check.py --only fresh14,real14              # reported once in stop 18, then read
    python scripts/bench_check.py --only fresh15,real15              # reported once in stop 18, then read
    python scripts/bench_check.py --only fresh16,real16              # reported once at the end of stop 18, then read
    python scripts/bench_check.py --only fresh17,real17              # reported once in stop 19, then read
    python scripts/bench_check.py --only fresh18,real18              # reported once at the end of stop 19, then read
    python scripts/bench_check.py --only fresh19,real19              # reported once in stop 20, then read
    python scripts/bench_check.py --only fresh20,real20              # reported once in stop 21, then read
    python scripts/bench_check.py --only fresh21,real21              # reported once in stop 22, then read
    python scripts/bench_check.py --only fresh22,real22              # reported once in stop 23, then read
    python scripts/bench_check.py --only fresh23,real23              # reported once in stop 24, then read
    python scripts/bench_check.py --only fresh24,real24              # reported once in stop 25, then read
    python scripts/bench_check.py --only fresh25,real25              # reported once in stop 25, read in stop 26
    python scripts/bench_check.py --only fresh26,real26              # reported once in stop 27, then read in stop 27
    python scripts/bench_check.py --only fresh27,real27              # reported once in stop 27, then read in stop 28
    python scripts/bench_check.py --only fresh28,real28              # reported once in stop 28, then read in stop 28
    python scripts/bench_check.py --only fresh29,real29              # reported once in stop 28, then read in stop 29
    python scripts/bench_check.py --only fresh30,real30              # reported once in stop 29, then read in stop 30
    python scripts/bench_check.py --only fresh31,real31              # reported once in stop 31 (counts only)
    python scripts/bench_check.py --only fresh32,real32              # reported once in stop 32
    python scripts/bench_check.py --only fresh33,real33              # reported once in stop 33 (counts only)
    python scripts/bench_check.py --only fresh34,real34              # reported once in stop 34
    python scripts/bench_check.py --only fresh35,real35              # reported once in stop 35
    python scripts/bench_check.py --only fresh36,real36              # reported once in stop 36, then read
    python scripts/bench_check.py --only fresh37,real37              # reported once in stop 37, then read
    python scripts/bench_check.py --only fresh38,real38              # reported once in stop 38, then read
    python scripts/bench_check.py --only fresh39,real39              # reported once in stop 39, then read
    python scripts/bench_check.py --only fresh40,real40              # reported once in stop 40, then read
    python scripts/bench_check.py --only fresh41,real41              # reported once in stop 41, then read
    python scripts/bench_check.py --only calibration --case nato_ministers --no-agreement
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from aligner.check import check  # noqa: E402
from aligner.errors import AlignerError, MismatchError  # noqa: E402
from aligner.pipeline import align_files  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SET = ROOT / "build" / "check_set"
TABLES = ("calibration", "test", "holdout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7",
          "fresh8", "fresh9", "fresh10", "fresh11", "fresh12", "fresh13", "fresh14", "fresh15", "fresh16", "fresh17",
          "fresh18", "fresh19", "fresh20", "fresh21", "fresh22", "fresh23", "fresh24", "fresh25", "fresh26", "fresh27",
          "fresh28", "fresh29", "fresh30", "fresh31", "fresh32", "fresh33", "fresh34", "fresh35", "fresh36", "fresh37",
          "fresh38", "fresh39", "fresh40", "fresh41", "real", "real2", "real3", "real4", "real5", "real6", "real7",
          "real8", "real9", "real10", "real11", "real12", "real13", "real14", "real15", "real16", "real17", "real18",
          "real19", "real20", "real21", "real22", "real23", "real24", "real25", "real26", "real27", "real28", "real29",
          "real30", "real31", "real32", "real33", "real34", "real35", "real36", "real37", "real38", "real39", "real40",
          "real41", "guard")
# holdout, fresh to fresh41 and real2 to real41 are reserves: run them only when asked
DEFAULT_TABLES = ("calibration", "test", "real", "guard")
# fresh37 to fresh41 and real37 to real41 were written in pairs, each during the stop of its number after every earlier
# split (the pair before it included) was used or read, by someone who had not changed the check; each pair was
# reported once in its stop and then read: calibration data now. No unseen pair is left: NEVER_DUMPED is empty until
# the next.
# fresh36 and real36, written during stop 36 after every other split (fresh35 and real35 included) was used or read,
# by someone who had not changed the check, were reported once in stop 36 and then read (they led to two changes of
# the alignment): calibration data now.
# fresh35 and real35, written during stop 35 after every other
# split (fresh34 and real34 included) was used or read, were reported once in stop 35: calibration data now. fresh34
# and real34, written during stop 34 after every other
# split (fresh33 and real33 included) was used or read, were reported once in stop 34: calibration data now. fresh33
# and real33, written during stop 33 after every other
# split (fresh32 and real32 included) was used or read, were reported once in stop 33 (counts only): calibration data
# now. fresh32 and real32, written during stop 32 after every other
# split (fresh31 and real31 included) was used or read, were reported once in stop 32: calibration data now. fresh31
# and real31, written during stop 31 after every other
# split (fresh30 and real30 included) was used or read, were reported once in stop 31 (counts only): calibration data
# now. fresh30 and real30, written during stop 29 after every other
# split (fresh29 and real29 included) was used or read, were reported once in stop 29 (counts only), then read in stop
# 30: calibration data now. fresh29 and real29, written during stop 28 after every other
# split (fresh28 and real28 included) was used or read, were reported once in stop 28 (counts only), then read in stop
# 29: calibration data now. fresh28 and real28, written during stop 28 after every other
# split (fresh27 and real27 included) was used or read, were reported once in stop 28 (counts only), then read in stop
# 28: calibration data now. fresh27 and real27, written during stop 27 after every other
# split (fresh26 and real26 included) was used or read, were reported once in stop 27 (on cb2e457's check, and the same
# on 308952a's: counts only), then read in stop 28: calibration data now. fresh26 and real26, written during stop 27
# after every other split (fresh25 and real25 included) was used, were reported once in stop 27 (counts only), then read
# in stop 27: calibration data now. fresh25 and real25, written during stop 25 after every other split (fresh24 and
# real24 included) was used, were reported once in stop 25 (on c03c720's check: counts only) and read in stop 26
# (bench_check printed their mistakes): calibration data now. fresh24 and real24, written during stop 25 after every
# other split was used, were reported once in stop 25 (on 0105adc's check, the check itself unchanged since 16d7eae
# apart from a result-identical speed change) and then read (real24 led to one bench fix, 0105adc: an insertion heard on
# the other side of a filler meets its edit, and to one change of the check, 57dec93). fresh23 and real23, written
# during stop 24 after every other split was used, were reported once in stop 24 and then read. fresh22 and real22,
# written during stop 23 after every other split was used, were reported once in stop 23 and then read. fresh21 and
# real21, written during stop 22 after every other split was used, were reported once in stop 22 and then read. fresh20
# and real20, written during stop 21 after every other split was used, were reported once in stop 21 and then read.
# fresh19 and real19, written during stop 20 after every other split was used, were reported once in stop 20 and then
# read. fresh17, real17, fresh18 and real18, each pair written during stop 19 after every other split was used, were
# reported once in stop 19 and then read (fresh18 and real18 at its end). fresh14, real14, fresh15, real15, fresh16 and
# real16, each pair written during stop 18 after every other split was used, were reported once in stop 18 and then read
# (fresh16 and real16 at its end). fresh12, real12, fresh13 and real13, each pair written during stop 17 after every
# other split was used, were reported once in stop 17 and then read. fresh11 and real11, written during stop 16 after
# every other split was used, were reported once at the end of stop 16 and then read. fresh7, real7, fresh8 and real8
# were reported once in stop 15 and then read (real7 led to two changes: a pull quote is said once, at its first place;
# the guard's chain lets a published word be heard as two); fresh9 and real9 were reported once at the end of stop 15
# and then read; fresh10 and real10, written at the start of stop 16, were reported once in stop 16 and then read
# (fresh10 led to one change: a repetition loop is listened to again).
NEVER_DUMPED: tuple[str, ...] = ()
WORDING, RECOGNITION, UNCERTAIN = "wording", "recognition", "uncertain"
# Targets of issue 7 for the test split and the real recordings.
TARGETS = {"precision": 0.95, "recall": 0.95, "misheard_as_wording": 0.02, "changes_as_misheard": 0.05,
           "uncertain": 0.10}


@dataclass(frozen=True)
class Case:
    name: str
    split: str
    audio: Path
    text: Path
    truth: dict
    expect: str | None = None  # guard cases: accept | refuse


def load_cases(folder: Path) -> list[Case]:
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        sys.exit(f"bench_check: no {manifest}; render the set first: python scripts/make_check_set.py")
    cases = []
    for entry in json.loads(manifest.read_text("utf-8"))["cases"]:
        truth = json.loads(Path(entry["truth"]).read_text("utf-8"))
        cases.append(Case(entry["name"], entry["split"], Path(entry["audio"]), Path(entry["text"]), truth,
                          entry.get("expect")))
    return cases


# -- labelling ------------------------------------------------------------------------------------------------
def differences_of(report) -> list:
    """Every difference the report holds, once: the list and those only attached to a quote."""
    seen, found = set(), []
    for d in [*report.differences, *(d for q in report.quotes for d in getattr(q, "differences", ()))]:
        key = (d.char_start, d.char_end, d.published, d.heard, round(d.start, 2))
        if key not in seen:
            seen.add(key)
            found.append(d)
    return found


# Hesitations a speaker says and Whisper leaves out, so a word heard but never published may be placed on either
# side of them ("the, uh, [acoustic] corpus": the check put it before "uh,", the edit lies after)
FILLERS = {"uh", "um", "er", "erm", "ah", "uhm", "hmm", "mm"}


def touches(a0: int, a1: int, b0: int, b1: int, text: str = "") -> bool:
    """Do two published spans meet? An empty span (a point) meets a span it lies in or is parted from by a space
    only in the published `text` (an insertion before "heir" at the space before it), or a point next to it or
    parted from it by fillers only (see FILLERS)."""
    if a0 == a1 and b0 == b1:
        between = text[min(a0, b0):max(a0, b0)].split()
        return abs(a0 - b0) <= 1 or bool(between) and all(w.strip(".,;:!?\"'“”‘’—–-").lower() in FILLERS
                                                          for w in between)
    if a0 == a1 or b0 == b1:
        point, start, end = (a0, b0, b1) if a0 == a1 else (b0, a0, a1)
        gap = text[point:start] if point < start else text[end:point]
        return start <= point <= end or bool(gap) and not gap.strip()
    return a0 < b1 and b0 < a1


def label(d, truth: dict, text: str = "") -> tuple[str, int | None]:
    """The difference's true label, and the edit it touches (index) if any; `text` is the published text."""
    for k, e in enumerate(truth["edits"]):
        if touches(d.char_start, d.char_end, e["char_start"], e["char_end"], text):
            return WORDING, k
    if d.published and any(u["char_start"] < d.char_end and d.char_start < u["char_end"] for u in truth["unspoken"]):
        return "unspoken", None
    if not d.published:
        for u in truth["unscripted"]:
            near = abs(d.char_start - u["char_at"]) <= 2
            during = u["start"] is not None and d.start < u["end"] + 0.3 and u["start"] - 0.3 < d.end
            if near or during:
                return "unscripted", None
    return RECOGNITION, None


def quote_flagged(q) -> bool:
    """Positive = not verbatim; a verdict of "uncertain" (if the report gives one) tells the editor to listen."""
    return not q.verbatim or getattr(q, "verdict", None) == UNCERTAIN


# -- tallies --------------------------------------------------------------------------------------------------
@dataclass
class Table:
    cases: int = 0
    refused: list[str] = field(default_factory=list)
    quotes_tp: int = 0
    quotes_fp: int = 0
    quotes_fn: int = 0
    quotes_tn: int = 0
    quotes_uncertain: int = 0
    accused_right: int = 0  # NOT VERBATIM (not uncertain) for a quote that was changed
    accused_wrong: int = 0  # ... for a quote said verbatim
    differences: int = 0
    uncertain: int = 0
    misheard: int = 0  # differences labelled recognition
    misheard_wording: int = 0
    misheard_uncertain: int = 0
    real: int = 0  # differences labelled wording
    real_recognition: int = 0
    other: dict[str, list[int]] = field(default_factory=lambda: {"unspoken": [0, 0], "unscripted": [0, 0]})
    edits: dict[str, int] = field(default_factory=dict)  # outcome -> count
    edit_kinds: dict[str, list[int]] = field(default_factory=dict)  # kind -> [caught, total]
    unspoken_found: int = 0
    unspoken_total: int = 0
    unspoken_extra: int = 0
    unscripted_found: int = 0
    unscripted_total: int = 0
    unscripted_extra: int = 0
    mistakes: list[str] = field(default_factory=list)

    def add(self, case: Case, report) -> None:
        truth = self.truth = case.truth
        text = case.text.read_text("utf-8")
        self.cases += 1
        name = case.name
        for tq in truth["quotes"]:
            if not tq["spoken"]:
                continue
            verdict = next((q for q in report.quotes
                            if q.char_start < tq["char_end"] and tq["char_start"] < q.char_end), None)
            if verdict is None:
                self.quotes_fn += not tq["verbatim"]
                self.mistakes.append(f"{name}: quote not reported: “{tq['text'][:60]}”")
                continue
            flagged = quote_flagged(verdict)
            uncertain = getattr(verdict, "verdict", None) == UNCERTAIN
            self.quotes_uncertain += uncertain
            changed = not tq["verbatim"]
            self.accused_right += not verdict.verbatim and not uncertain and changed
            self.accused_wrong += not verdict.verbatim and not uncertain and not changed
            self.quotes_tp += flagged and changed
            self.quotes_fp += flagged and not changed
            self.quotes_fn += changed and not flagged
            self.quotes_tn += not changed and not flagged
            if flagged != changed:
                why = "; ".join(f"{d.published!r}->{d.heard!r} {d.kind}" for d in getattr(verdict, "differences", ())
                                if d.kind != RECOGNITION)
                self.mistakes.append(f"{name}: quote {'wrongly flagged' if flagged else 'misquote missed'}: "
                                     f"“{tq['text'][:60]}”" + (f" [{why}]" if why else ""))
        outcome = [None] * len(truth["edits"])
        rank = {WORDING: 3, UNCERTAIN: 2, RECOGNITION: 1}
        for d in differences_of(report):
            self.differences += 1
            self.uncertain += d.kind == UNCERTAIN
            truth_label, edit = label(d, truth, text)
            if truth_label == RECOGNITION:
                self.misheard += 1
                self.misheard_wording += d.kind == WORDING
                self.misheard_uncertain += d.kind == UNCERTAIN
                if d.kind == WORDING:
                    self.mistakes.append(f"{name}: mishearing called wording: {d.published!r} -> {d.heard!r} "
                                         f"({getattr(d, 'reason', '')})")
            elif truth_label == WORDING:
                self.real += 1
                self.real_recognition += d.kind == RECOGNITION
                if outcome[edit] is None or rank.get(d.kind, 0) > rank.get(outcome[edit], 0):
                    outcome[edit] = d.kind
            else:
                self.other[truth_label][0] += 1
                self.other[truth_label][1] += d.kind == WORDING
                self.mistakes.append(f"{name}: {truth_label} text reported as a difference ({d.kind}): "
                                     f"{d.published!r} -> {d.heard!r}")
        for k, e in enumerate(truth["edits"]):
            if outcome[k] is None and any(u.char_start <= e["char_start"] and e["char_end"] <= u.char_end
                                          for u in report.unspoken):
                outcome[k] = "unspoken"
            if outcome[k] is None and e["start"] is not None and any(
                    u.start < e["end"] + 0.3 and e["start"] - 0.3 < u.end for u in report.unscripted):
                outcome[k] = "unscripted"
            result = outcome[k] or "missed"
            self.edits[result] = self.edits.get(result, 0) + 1
            caught = self.edit_kinds.setdefault(e["kind"], [0, 0])
            caught[0] += result in (WORDING, "unspoken", "unscripted")
            caught[1] += 1
            if result not in (WORDING, "unspoken", "unscripted"):
                self.mistakes.append(f"{name}: {e['kind']} edit {result}: published {e['published']!r}, "
                                     f"said {e['said']!r}")
        found = [u for u in truth["unspoken"] if any(r.char_start < u["char_end"] and u["char_start"] < r.char_end
                                                     for r in report.unspoken)]
        self.unspoken_total += len(truth["unspoken"])
        self.unspoken_found += len(found)
        for u in truth["unspoken"]:
            if u not in found:
                self.mistakes.append(f"{name}: never-spoken {u['kind']} not reported: {u['text'][:50]!r}")
        for r in report.unspoken:
            if not any(r.char_start < u["char_end"] and u["char_start"] < r.char_end for u in truth["unspoken"]):
                self.unspoken_extra += 1
                self.mistakes.append(f"{name}: spoken text reported as never spoken: {r.text[:50]!r}")
        timed = [u for u in truth["unscripted"] if u["start"] is not None]
        self.unscripted_total += len(timed)
        self.unscripted_found += sum(any(r.start < u["end"] and u["start"] < r.end for r in report.unscripted)
                                     for u in timed)
        inserted = [e for e in truth["edits"] if e["start"] is not None and not e["published"]]
        for r in report.unscripted:
            if not any(r.start < u["end"] + 0.3 and u["start"] - 0.3 < r.end for u in timed + inserted) and (
                    timed or not truth["unscripted"]):
                self.unscripted_extra += 1
                self.mistakes.append(f"{name}: published speech reported as unscripted: {r.text[:50]!r}")

    def lines(self) -> list[str]:
        def share(k: int, n: int) -> str:
            return f"{k:3d} of {n:4d} ({k / n:6.1%})" if n else f"{k:3d} of {n:4d} (   —  )"

        tp, fp, fn = self.quotes_tp, self.quotes_fp, self.quotes_fn
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        edits = sum(self.edits.values())
        as_misheard = self.edits.get(RECOGNITION, 0) + self.edits.get("missed", 0)
        out = [
            f"quote verdicts (not verbatim)      TP {tp:3d}  FP {fp:3d}  FN {fn:3d}  TN {self.quotes_tn:3d}   "
            f"precision {precision:6.1%}  recall {recall:6.1%}"
            + (f"   ({self.quotes_uncertain} uncertain)" if self.quotes_uncertain else ""),
            f"  confident NOT VERBATIM only     right {self.accused_right:3d}  wrong {self.accused_wrong:3d}   "
            f"precision {self.accused_right / max(1, self.accused_right + self.accused_wrong):6.1%}  "
            f"recall {self.accused_right / max(1, tp + fn):6.1%}   (uncertain counts as flagged above, not here)",
            f"mishearings called wording        {share(self.misheard_wording, self.misheard)}"
            f"   (uncertain: {self.misheard_uncertain})",
            f"real changes called mishearings   {share(as_misheard, edits)}   edits: "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.edits.items())),
            "  by kind (caught/total)          "
            + ", ".join(f"{k} {c}/{n}" for k, (c, n) in sorted(self.edit_kinds.items())),
            f"  differences at edits called recognition {share(self.real_recognition, self.real)}",
            f"uncertain share of differences    {share(self.uncertain, self.differences)}",
            f"never-spoken text as differences  {self.other['unspoken'][0]:3d} ({self.other['unspoken'][1]} wording);"
            f"  unscripted speech as differences {self.other['unscripted'][0]} ({self.other['unscripted'][1]} wording)",
            f"never-spoken text reported        {self.unspoken_found:3d} of {self.unspoken_total:3d}, "
            f"{self.unspoken_extra} spoken passages reported as never spoken",
            f"unscripted speech reported        {self.unscripted_found:3d} of {self.unscripted_total:3d} "
            "timed passages, "
            f"{self.unscripted_extra} published passages reported as unscripted",
        ]
        if self.refused:
            out += [f"REFUSED or CRASHED: {r}" for r in self.refused]
        return out


def flat_numbers(d) -> dict:
    """Every scalar field of a Difference (nested records flattened with dotted names), read generically."""
    row: dict = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}{k}.", v)
        elif isinstance(value, (list, tuple)):
            if all(isinstance(v, (int, float)) for v in value):
                row[prefix[:-1]] = list(value)
            else:  # e.g. several pieces of evidence: evidence.0.margin, evidence.1.margin, ...
                for k, v in enumerate(value):
                    walk(f"{prefix}{k}.", v)
        elif value is None or isinstance(value, (int, float, bool, str)):
            row[prefix[:-1]] = value

    walk("", dataclasses.asdict(d))
    return row


# -- run and check as commands ------------------------------------------------------------------------------------
def _aligner(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "aligner", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT)


def _summary(report: dict) -> dict:
    """What must not depend on which command made the report."""
    def times(items):
        return [(u.get("text"), round(u["start"], 2), round(u["end"], 2)) for u in items]

    return {"unscripted": times(report.get("unscripted", [])),
            "unspoken": [(u["char_start"], u["char_end"]) for u in report.get("unspoken", [])],
            "measures": {k: report.get(k) for k in ("wer", "cer", "hits", "reference_words", "substitutions",
                                                    "deletions", "insertions", "spoken_words")},
            "quotes": [(q["char_start"], q["char_end"], q["verbatim"], q.get("verdict")) for q in report["quotes"]],
            "differences": [(d["char_start"], d["char_end"], d["kind"]) for d in report["differences"]]}


def agreement(case: Case) -> str | None:
    """None when `aligner run` and `aligner check` agree with each other and with alignment.json; else why not."""
    with tempfile.TemporaryDirectory() as tmp:
        out, checked = Path(tmp) / "run", Path(tmp) / "check.json"
        run = _aligner("run", str(case.audio), str(case.text), "-o", str(out))
        done = _aligner("check", str(case.audio), str(case.text), "--json", str(checked))
        failed = {name: (p.stderr.strip().splitlines() or ["?"])[-1] for name, p in (("run", run), ("check", done))
                  if p.returncode != 0}
        if len(failed) == 2 and failed["run"] == failed["check"] and run.returncode == done.returncode:
            return None  # both refuse, with the same message
        if failed:
            return "; ".join(f"{name} failed: {message}" for name, message in failed.items())
        by_run = _summary(json.loads((out / "report.json").read_text("utf-8")))
        by_check = _summary(json.loads(checked.read_text("utf-8")))
        alignment = json.loads((out / "alignment.json").read_text("utf-8"))
    why = [f"{key} differ" for key in by_run if by_run[key] != by_check[key]]
    unscripted = [(u.get("text"), round(u["start"], 2), round(u["end"], 2)) for u in alignment.get("unscripted", [])]
    if unscripted != by_run["unscripted"]:
        why.append(f"alignment.json and report.json list different unscripted passages ({len(unscripted)} and "
                   f"{len(by_run['unscripted'])})")
    counts = alignment.get("counts", {})
    spoken = sum(counts.get(k, 0) for k in ("matched", "substituted", "interpolated"))
    if by_run["measures"].get("spoken_words") is not None and by_run["measures"]["spoken_words"] != spoken:
        why.append(f"alignment.json has {spoken} spoken words, report.json {by_run['measures']['spoken_words']}")
    return "; ".join(why) or None


# -- the tables -----------------------------------------------------------------------------------------------------
def bench_split(cases: list[Case], dump) -> Table:
    table = Table()
    for case in cases:
        try:
            report = check(align_files(case.audio, case.text))
        except Exception as error:  # noqa: BLE001 (a refusal or a crash: either is a result to count)
            what = str(error) if isinstance(error, AlignerError) else f"CRASH {type(error).__name__}: {error}"
            table.refused.append(f"{case.name}: {what}")
            for tq in case.truth["quotes"]:
                table.quotes_fn += tq["spoken"] and not tq["verbatim"]
            table.edits["missed"] = table.edits.get("missed", 0) + len(case.truth["edits"])
            continue
        table.add(case, report)
        if dump is not None:
            text = case.text.read_text("utf-8")
            for d in differences_of(report):
                truth_label, edit = label(d, case.truth, text)
                row = {"case": case.name, "split": case.split, "label": truth_label,
                       "edit_kind": None if edit is None else case.truth["edits"][edit]["kind"], **flat_numbers(d)}
                dump.write(json.dumps(row, ensure_ascii=False) + "\n")
    return table


def bench_guard(cases: list[Case]) -> list[str]:
    rows, passed = [], {"accept": [0, 0], "refuse": [0, 0]}
    for case in cases:
        try:
            report = check(align_files(case.audio, case.text))
            got = "accepted"
            quotes = [q for q in report.quotes if q.spoken]
            detail = (f"{sum(not quote_flagged(q) for q in quotes)} of {len(quotes)} quotes verbatim, "
                      f"{len(report.unspoken)} never-spoken passages, {len(report.unscripted)} unscripted")
        except MismatchError as error:
            got = "refused" if "does not match" in str(error) else "refused (other reason)"
            detail = str(error)
        except Exception as error:  # noqa: BLE001 (any other failure is a wrong answer, not the end of the bench)
            got, detail = "error", f"{type(error).__name__}: {error}"
        ok = got == ("accepted" if case.expect == "accept" else "refused")
        passed[case.expect][0] += ok
        passed[case.expect][1] += 1
        rows.append(f"  {'ok  ' if ok else 'FAIL'} {case.name:<34} expected {case.expect:<6}  {got}: {detail[:110]}")
    head = [f"partial coverage accepted         {passed['accept'][0]} of {passed['accept'][1]}",
            f"unrelated texts refused           {passed['refuse'][0]} of {passed['refuse'][1]}"]
    return head + rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help=f"the rendered set (default: {DEFAULT_SET})")
    parser.add_argument("--only", default=",".join(DEFAULT_TABLES),
                        help=f"tables to make, of {', '.join(TABLES)} (default: {','.join(DEFAULT_TABLES)})")
    parser.add_argument("--case", action="append", metavar="NAME", help="only these cases (repeatable)")
    parser.add_argument("--dump", type=Path, metavar="FILE",
                        help="one JSON row per difference (every table but those in NEVER_DUMPED): split, label, "
                             "numeric fields")
    parser.add_argument("--no-agreement", action="store_true", help="skip running `aligner run` and `aligner check`")
    parser.add_argument("--quiet", action="store_true", help="counts only, not the list of mistakes")
    args = parser.parse_args()
    tables = [t.strip() for t in args.only.split(",") if t.strip()]
    if unknown := set(tables) - set(TABLES):
        parser.error(f"--only: unknown table {', '.join(sorted(unknown))}")
    cases = load_cases(args.set)
    if args.case:
        if unknown := set(args.case) - {c.name for c in cases}:
            parser.error(f"--case: no case named {', '.join(sorted(unknown))} in {args.set}")
        cases = [c for c in cases if c.name in args.case]
    dump = open(args.dump, "w", encoding="utf-8") if args.dump else None  # noqa: SIM115 (closed below)
    disagreements: list[str] = []
    try:
        for split in tables:
            mine = [c for c in cases if c.split == split]
            began = time.monotonic()
            title = {"calibration": "calibration split (constants may be fitted here)",
                     "test": "test split (used to change code once: calibration data now)",
                     "holdout": "holdout split (reported once, then calibration data)",
                     "fresh": "fresh split (reported once, then used to change code: calibration data now)",
                     "fresh2": "fresh2 split (reported once, then looked into: calibration data now)",
                     "fresh3": "fresh3 split (reported once in stop 14, then read: calibration data now)",
                     "fresh4": "fresh4 split (reported once late in stop 14, then read: calibration data now)",
                     "fresh5": "fresh5 split (reported once in stop 14, then read: calibration data now)",
                     "fresh6": "fresh6 split (reported once at the end of stop 14, then read: calibration data now)",
                     "fresh7": "fresh7 split (reported once in stop 15, then read: calibration data now)",
                     "fresh8": "fresh8 split (reported once in stop 15, then read: calibration data now)",
                     "fresh9": "fresh9 split (reported once at the end of stop 15, then read: calibration data now)",
                     "fresh10": "fresh10 split (reported once in stop 16, then read: calibration data now)",
                     "fresh11": "fresh11 split (reported once at the end of stop 16, then read: calibration data "
                                "now)",
                     "fresh12": "fresh12 split (reported once in stop 17, then read: calibration data now)",
                     "fresh13": "fresh13 split (reported once in stop 17, then read: calibration data now)",
                     "fresh14": "fresh14 split (reported once in stop 18, then read: calibration data now)",
                     "fresh15": "fresh15 split (reported once in stop 18, then read: calibration data now)",
                     "fresh16": "fresh16 split (reported once at the end of stop 18, then read: calibration data "
                                "now)",
                     "fresh17": "fresh17 split (reported once in stop 19, then read: calibration data now)",
                     "fresh18": "fresh18 split (reported once at the end of stop 19, then read: calibration data "
                                "now)",
                     "fresh19": "fresh19 split (reported once in stop 20, then read: calibration data now)",
                     "fresh20": "fresh20 split (reported once in stop 21, then read: calibration data now)",
                     "fresh21": "fresh21 split (reported once in stop 22, then read: calibration data now)",
                     "fresh22": "fresh22 split (reported once in stop 23, then read: calibration data now)",
                     "fresh23": "fresh23 split (reported once in stop 24, then read: calibration data now)",
                     "fresh24": "fresh24 split (reported once in stop 25, then read: calibration data now)",
                     "fresh25": "fresh25 split (reported once in stop 25, read in stop 26: calibration data now)",
                     "fresh26": "fresh26 split (reported once in stop 27 (counts only), then read in stop 27: "
                                "calibration data now)",
                     "fresh27": "fresh27 split (reported once in stop 27 (counts only), then read in stop 28: "
                                "calibration data now)",
                     "fresh28": "fresh28 split (reported once in stop 28 (counts only), then read in stop 28: "
                                "calibration data now)",
                     "fresh29": "fresh29 split (reported once in stop 28 (counts only), then read in stop 29: "
                                "calibration data now)",
                     "fresh30": "fresh30 split (reported once in stop 29 (counts only), then read in stop 30: "
                                "calibration data now)",
                     "fresh31": "fresh31 split (reported once in stop 31 (counts only): calibration data now)",
                     "fresh32": "fresh32 split (reported once in stop 32: calibration data now)",
                     "fresh33": "fresh33 split (reported once in stop 33 (counts only): calibration data now)",
                     "fresh34": "fresh34 split (reported once in stop 34: calibration data now)",
                     "fresh35": "fresh35 split (reported once in stop 35: calibration data now)",
                     "fresh36": "fresh36 split (reported once in stop 36, then read: calibration data now)",
                     "fresh37": "fresh37 split (reported once in stop 37, then read: calibration data now)",
                     "fresh38": "fresh38 split (reported once in stop 38, then read: calibration data now)",
                     "fresh39": "fresh39 split (reported once in stop 39, then read: calibration data now)",
                     "fresh40": "fresh40 split (reported once in stop 40, then read: calibration data now)",
                     "fresh41": "fresh41 split (reported once in stop 41, then read: calibration data now)",
                     "real": "real speech (used to change code: calibration data now)",
                     "real2": "real speech, new edits (reported once with fresh2, then read: calibration data now)",
                     "real3": "real speech, third edits (reported once in stop 14 with fresh3, then read: calibration "
                              "data now)",
                     "real4": "real speech, fourth edits (reported once late in stop 14 with fresh4, then read: "
                              "calibration data now)",
                     "real5": "real speech, fifth edits (reported once in stop 14 with fresh5, then read: "
                              "calibration data now)",
                     "real6": "real speech, sixth edits (reported once at the end of stop 14 with fresh6, then read: "
                              "calibration data now)",
                     "real7": "real speech, seventh edits (reported once in stop 15 with fresh7, then read: "
                              "calibration data now)",
                     "real8": "real speech, eighth edits (reported once in stop 15 with fresh8, then read: "
                              "calibration data now)",
                     "real9": "real speech, ninth edits (reported once at the end of stop 15 with fresh9, then read: "
                              "calibration data now)",
                     "real10": "real speech, tenth edits (reported once in stop 16 with fresh10, then read: "
                               "calibration data now)",
                     "real11": "real speech, eleventh edits (reported once at the end of stop 16 with fresh11, then "
                               "read: calibration data now)",
                     "real12": "real speech, twelfth edits (reported once in stop 17 with fresh12, then read: "
                               "calibration data now)",
                     "real13": "real speech, thirteenth edits (reported once in stop 17 with fresh13, then read: "
                               "calibration data now)",
                     "real14": "real speech, fourteenth edits (reported once in stop 18 with fresh14, then read: "
                               "calibration data now)",
                     "real15": "real speech, fifteenth edits (reported once in stop 18 with fresh15, then read: "
                               "calibration data now)",
                     "real16": "real speech, sixteenth edits (reported once at the end of stop 18 with fresh16, then "
                               "read: calibration data now)",
                     "real17": "real speech, seventeenth edits (reported once in stop 19 with fresh17, then read: "
                               "calibration data now)",
                     "real18": "real speech, eighteenth edits (reported once at the end of stop 19 with fresh18, then "
                               "read: calibration data now)",
                     "real19": "real speech, nineteenth edits (reported once in stop 20 with fresh19, then read: "
                               "calibration data now)",
                     "real20": "real speech, twentieth edits (reported once in stop 21 with fresh20, then read: "
                               "calibration data now)",
                     "real21": "real speech, twenty-first edits (reported once in stop 22 with fresh21, then read: "
                               "calibration data now)",
                     "real22": "real speech, twenty-second edits (reported once in stop 23 with fresh22, then read: "
                               "calibration data now)",
                     "real23": "real speech, twenty-third edits (reported once in stop 24 with fresh23, then read: "
                               "calibration data now)",
                     "real24": "real speech, twenty-fourth edits (reported once in stop 25 with fresh24, then read: "
                               "calibration data now)",
                     "real25": "real speech, twenty-fifth edits (reported once in stop 25 with fresh25, read in stop "
                               "26: calibration data now)",
                     "real26": "real speech, twenty-sixth edits (reported once in stop 27 with fresh26 (counts only), "
                               "then read in stop 27: calibration data now)",
                     "real27": "real speech, twenty-seventh edits (reported once in stop 27 with fresh27 (counts "
                               "only), then read in stop 28: calibration data now)",
                     "real28": "real speech, twenty-eighth edits (reported once in stop 28 with fresh28 (counts "
                               "only), then read in stop 28: calibration data now)",
                     "real29": "real speech, twenty-ninth edits (reported once in stop 28 with fresh29 (counts "
                               "only), then read in stop 29: calibration data now)",
                     "real30": "real speech, thirtieth edits (reported once in stop 29 with fresh30 (counts "
                               "only), then read in stop 30: calibration data now)",
                     "real31": "real speech, thirty-first edits (reported once in stop 31 with fresh31 (counts "
                               "only): calibration data now)",
                     "real32": "real speech, thirty-second edits (reported once in stop 32 with fresh32: calibration "
                               "data now)",
                     "real33": "real speech, thirty-third edits (reported once in stop 33 with fresh33 (counts "
                               "only): calibration data now)",
                     "real34": "real speech, thirty-fourth edits (reported once in stop 34 with fresh34: calibration "
                               "data now)",
                     "real35": "real speech, thirty-fifth edits (reported once in stop 35 with fresh35: calibration "
                               "data now)",
                     "real36": "real speech, thirty-sixth edits (reported once in stop 36 with fresh36, then read: "
                               "calibration data now)",
                     "real37": "real speech, thirty-seventh edits (reported once in stop 37 with fresh37, then read: "
                               "calibration data now)",
                     "real38": "real speech, thirty-eighth edits (reported once in stop 38 with fresh38, then read: "
                               "calibration data now)",
                     "real39": "real speech, thirty-ninth edits (reported once in stop 39 with fresh39, then read: "
                               "calibration data now)",
                     "real40": "real speech, fortieth edits (reported once in stop 40 with fresh40, then read: "
                               "calibration data now)",
                     "real41": "real speech, forty-first edits (reported once in stop 41 with fresh41, then read: "
                               "calibration data now)",
                     "guard": "guard (item 5)"}[split]
            if split == "guard":
                lines = bench_guard(mine)
                print(f"== {title}: {len(mine)} cases")
            else:
                table = bench_split(mine, None if split in NEVER_DUMPED else dump)
                quotes = sum(q["spoken"] for c in mine for q in c.truth["quotes"])
                changed = sum(q["spoken"] and not q["verbatim"] for c in mine for q in c.truth["quotes"])
                print(f"== {title}: {len(mine)} cases, {quotes} quotes ({changed} changed), "
                      f"{sum(len(c.truth['edits']) for c in mine)} edits, {table.differences} differences reported")
                lines = table.lines() + ([] if args.quiet else ["  " + m for m in table.mistakes])
            if not args.no_agreement:
                compared = [c for c in mine if split != "guard" or c.expect == "accept"]
                differing = [(c.name, why) for c in compared if (why := agreement(c))]
                disagreements += [f"  {name}: {why}" for name, why in differing]
                lines.insert(0 if split == "guard" else len(lines),
                             f"run and check agree on {len(compared) - len(differing)} of {len(compared)} cases")
            print("\n".join(lines))
            print(f"({time.monotonic() - began:.0f} s)\n", flush=True)
    finally:
        if dump is not None:
            dump.close()
    if disagreements:
        print("run and check disagree:\n" + "\n".join(disagreements))
    return 0


if __name__ == "__main__":
    sys.exit(main())
