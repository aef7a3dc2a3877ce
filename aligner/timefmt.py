"""Time rounding, formatting and parsing: the one owner of how times look.

Times are rounded once, by `to_ms`, to integer milliseconds; everything after
that is integer arithmetic, so no float formatting can print "00:00:60.000".
"""
from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["to_ms", "vtt_timestamp", "srt_timestamp", "clock", "parse_time"]

_MS_PER_SECOND = 1000
_MS_PER_MINUTE = 60 * _MS_PER_SECOND
_MS_PER_HOUR = 60 * _MS_PER_MINUTE


def to_ms(seconds: float) -> int:
    """Round seconds to integer milliseconds, halves away from zero.

    The float goes through its shortest decimal form (its repr), so 0.0015
    rounds to 2 ms as written, not to what the binary float happens to hold.
    """
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"seconds must be a number, not {type(seconds).__name__}")
    if not math.isfinite(seconds):
        raise ValueError(f"seconds must be finite, got {seconds!r}")
    exact = Decimal(repr(float(seconds))) * _MS_PER_SECOND
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _split(ms: int) -> tuple[int, int, int, int]:
    """Hours, minutes, seconds and milliseconds of a non-negative time."""
    if isinstance(ms, bool) or not isinstance(ms, int):
        raise TypeError(f"ms must be an int (round with to_ms first), not {type(ms).__name__}")
    if ms < 0:
        raise ValueError(f"a timestamp cannot be negative, got {ms} ms")
    hours, rest = divmod(ms, _MS_PER_HOUR)
    minutes, rest = divmod(rest, _MS_PER_MINUTE)
    secs, millis = divmod(rest, _MS_PER_SECOND)
    return hours, minutes, secs, millis


def vtt_timestamp(ms: int) -> str:
    """WebVTT cue time, "HH:MM:SS.mmm" (hours grow past two digits if needed)."""
    hours, minutes, secs, millis = _split(ms)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def srt_timestamp(ms: int) -> str:
    """SubRip time, "HH:MM:SS,mmm" (a comma before the milliseconds)."""
    hours, minutes, secs, millis = _split(ms)
    return f"{hours:02d}:{minutes:02d}:{secs:02d},{millis:03d}"


def clock(ms: int) -> str:
    """Short form for terminal output: "m:ss.mmm", or "h:mm:ss.mmm" past an hour."""
    hours, minutes, secs, millis = _split(ms)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}.{millis:03d}"
    return f"{minutes}:{secs:02d}.{millis:03d}"


_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?\Z")
_WHOLE = re.compile(r"[0-9]+\Z")


def parse_time(text: str) -> float:
    """Seconds from "12.5", "1:02.25" (m:ss) or "01:02:03.5" (h:mm:ss).

    Minutes and seconds after a colon must be below 60, so a typo such as
    "1:75" is reported rather than read as 2:15.
    """
    expected = 'expected seconds ("12.5"), m:ss ("1:02.25") or h:mm:ss ("01:02:03.5")'
    if not isinstance(text, str):
        raise TypeError(f"time must be a string, not {type(text).__name__}")
    parts = text.strip().split(":")
    if len(parts) > 3 or not _NUMBER.match(parts[-1]) or not all(_WHOLE.match(p) for p in parts[:-1]):
        raise ValueError(f"invalid time {text!r}: {expected}")
    seconds = Decimal(parts[-1])
    whole = [int(p) for p in parts[:-1]]
    if whole and seconds >= 60:
        raise ValueError(f"invalid time {text!r}: seconds must be below 60 after a colon")
    if len(whole) == 2 and whole[1] >= 60:
        raise ValueError(f"invalid time {text!r}: minutes must be below 60 in h:mm:ss")
    for power, value in enumerate(reversed(whole), start=1):
        seconds += Decimal(value) * 60**power
    return float(seconds)
