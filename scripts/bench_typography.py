"""Do the check's verdicts depend on how the text was typed? Each check-set case's text is retyped in other
typographies (quotation marks and apostrophes of other newsrooms, what a web page carries unseen) and checked
again; any case whose quotes, verdicts, differences or unspoken text change is listed. It reads no truth labels,
but it does run the check, so an unseen split run through it is unseen no more.

    python scripts/bench_typography.py --set build/check_set --only fresh35,real35
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import DEFAULT_SET, load_cases  # noqa: E402

from aligner.check import check  # noqa: E402
from aligner.errors import AlignerError  # noqa: E402
from aligner.pipeline import align_files  # noqa: E402

_QUOTED = re.compile(r"“([^“”]*)”")


def _retyped(text: str) -> dict[str, str]:
    """The text in other typographies; each keeps every word, so every verdict should stay."""
    invisible = text.replace("\n", "\r\n")
    invisible = re.sub(r"\b(\w{3})(\w{5,})\b", "\\1\u00ad\\2", invisible, count=20)  # soft hyphens in long words
    return {
        "straight": text.translate(str.maketrans("“”‘’", "\"\"''")).replace("…", "..."),
        "guillemets": _QUOTED.sub("«\u00a0\\1\u00a0»", text),
        "german": _QUOTED.sub("„\\1“", text),
        "modifier apostrophe": text.replace("’", "ʼ"),
        "dashes": text.replace(" — ", " -- ").replace("—", " – "),
        "unseen characters": "\ufeff" + invisible.replace(". ", ".\u200b ").replace(", ", ",\u00a0"),
    }


def _verdicts(report) -> tuple:
    """What an editor reads, without offsets or marks (they differ by design)."""
    def plain(words: str) -> str:
        return " ".join("".join(c for c in words.lower().replace("ʼ", "") if c.isalnum() or c.isspace()).split())

    return ([(q.verdict if q.spoken else "unspoken", plain(q.text)) for q in report.quotes],
            sorted((d.kind, plain(d.published), plain(d.heard)) for d in report.differences),
            sorted(plain(u.text) for u in report.unspoken))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="a rendered check set (make_check_set.py)")
    parser.add_argument("--only", default="", help="comma-separated splits (default: every case)")
    args = parser.parse_args()
    splits = set(filter(None, args.only.split(",")))
    cases = [c for c in load_cases(args.set) if not splits or c.split in splits]
    changed = tried = 0
    with tempfile.TemporaryDirectory() as folder:
        for case in cases:
            text = case.text.read_text("utf-8")
            try:
                expected = _verdicts(check(align_files(case.audio, case.text)))
            except AlignerError:
                continue  # a refused text (a guard case) has no verdicts to keep
            for name, retyped in _retyped(text).items():
                path = Path(folder) / "retyped.txt"
                path.write_bytes(retyped.encode("utf-8"))
                tried += 1
                try:
                    got = _verdicts(check(align_files(case.audio, path)))
                except AlignerError as error:  # refused: the quotes list holds why
                    got = ([str(error)], [], [])
                if got != expected:
                    changed += 1
                    print(f"{case.name} ({name}): changed", flush=True)
                    for part, before, after in zip(("quotes", "differences", "unspoken"), expected, got, strict=True):
                        for item in sorted(set(map(str, before)) ^ set(map(str, after))):
                            print(f"  {part}: {'-' if item in map(str, before) else '+'} {item[:140]}")
    print(f"{changed} of {tried} retyped texts changed a verdict ({len(cases)} cases)")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
