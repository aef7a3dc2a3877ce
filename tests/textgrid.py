"""A minimal Praat TextGrid reader for the reference timings of the real-speech test recordings."""
from __future__ import annotations

import re
from pathlib import Path


def read_tier(path: Path, name: str) -> list[tuple[float, float, str]]:
    """Non-empty intervals (start, end, text) of one interval tier, long or short TextGrid format."""
    text = path.read_text("utf-8")
    if "intervals [" in text:  # long format
        for tier in re.split(r"item \[\d+\]:", text)[1:]:
            if re.search(rf'name = "{re.escape(name)}"', tier):
                found = re.findall(r'xmin = (\S+)\s+xmax = (\S+)\s+text = "((?:[^"]|"")*)"', tier)
                return [(float(a), float(b), t) for a, b, t in found if t.strip()]
        raise KeyError(name)
    tokens = re.findall(r'"((?:[^"]|"")*)"|(-?\d+(?:\.\d+)?)', text)
    values = [s if not n else float(n) for s, n in tokens]
    for k, value in enumerate(values):
        if value == "IntervalTier" and values[k + 1] == name:
            count = int(values[k + 4])
            rows = [values[k + 5 + 3 * i: k + 8 + 3 * i] for i in range(count)]
            return [(a, b, t) for a, b, t in rows if str(t).strip()]
    raise KeyError(name)
