"""Time rounding, formatting and parsing: inline tables and round-trip properties."""
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aligner.timefmt import clock, parse_time, srt_timestamp, to_ms, vtt_timestamp


@pytest.mark.parametrize(("seconds", "ms"), [
    (0, 0),
    (0.0, 0),
    (1, 1000),
    (0.0004, 0),
    (0.0005, 1),  # halves round away from zero, as written in decimal
    (0.0015, 2),
    (0.0025, 3),
    (2.675, 2675),
    (1.0005, 1001),
    (59.9994, 59999),
    (59.9996, 60000),
    (59.9995, 60000),
    (3723.5, 3723500),
    (360000.0, 360000000),
    (-0.0015, -2),
])
def test_to_ms_rounds_once(seconds, ms):
    assert to_ms(seconds) == ms


@pytest.mark.parametrize(("value", "error"), [
    (math.nan, ValueError),
    (math.inf, ValueError),
    (-math.inf, ValueError),
    ("1.5", TypeError),
    (None, TypeError),
    (True, TypeError),
])
def test_to_ms_rejects(value, error):
    with pytest.raises(error):
        to_ms(value)


@pytest.mark.parametrize(("ms", "vtt", "srt", "short"), [
    (0, "00:00:00.000", "00:00:00,000", "0:00.000"),
    (1, "00:00:00.001", "00:00:00,001", "0:00.001"),
    (59999, "00:00:59.999", "00:00:59,999", "0:59.999"),
    (60000, "00:01:00.000", "00:01:00,000", "1:00.000"),
    (62250, "00:01:02.250", "00:01:02,250", "1:02.250"),
    (599999, "00:09:59.999", "00:09:59,999", "9:59.999"),
    (3599999, "00:59:59.999", "00:59:59,999", "59:59.999"),
    (3600000, "01:00:00.000", "01:00:00,000", "1:00:00.000"),
    (3723500, "01:02:03.500", "01:02:03,500", "1:02:03.500"),
    (360000000, "100:00:00.000", "100:00:00,000", "100:00:00.000"),
])
def test_formats(ms, vtt, srt, short):
    assert vtt_timestamp(ms) == vtt
    assert srt_timestamp(ms) == srt
    assert clock(ms) == short


def test_rounding_up_to_a_minute_never_prints_sixty_seconds():
    assert vtt_timestamp(to_ms(59.9996)) == "00:01:00.000"
    assert srt_timestamp(to_ms(3599.9999)) == "01:00:00,000"
    assert clock(to_ms(59.9999)) == "1:00.000"


@pytest.mark.parametrize("formatter", [vtt_timestamp, srt_timestamp, clock])
def test_formatters_reject_negative_and_float(formatter):
    with pytest.raises(ValueError, match="negative"):
        formatter(-1)
    with pytest.raises(TypeError, match="to_ms"):
        formatter(1.5)


@pytest.mark.parametrize(("text", "seconds"), [
    ("12.5", 12.5),
    ("0", 0.0),
    ("125", 125.0),
    (" 7 ", 7.0),
    ("1:02.25", 62.25),
    ("0:59.999", 59.999),
    ("75:00", 4500.0),
    ("01:02:03.5", 3723.5),
    ("1:02:03", 3723.0),
    ("00:00:59.9996", 59.9996),
    ("100:00:00.000", 360000.0),
])
def test_parse_time(text, seconds):
    assert parse_time(text) == pytest.approx(seconds, abs=1e-9)


@pytest.mark.parametrize(("text", "message"), [
    ("", "expected seconds"),
    ("abc", "expected seconds"),
    ("-1", "expected seconds"),
    ("1e3", "expected seconds"),
    ("1.2.3", "expected seconds"),
    ("12,5", "expected seconds"),
    ("1:", "expected seconds"),
    (":5", "expected seconds"),
    ("1:2:3:4", "expected seconds"),
    ("1.5:00", "expected seconds"),
    ("1:60", "seconds must be below 60"),
    ("1:75.5", "seconds must be below 60"),
    ("1:60:00", "minutes must be below 60"),
    ("١٢", "expected seconds"),  # Arabic-Indic digits are not accepted
])
def test_parse_time_errors(text, message):
    with pytest.raises(ValueError, match=message) as raised:
        parse_time(text)
    assert repr(text) in str(raised.value)


def test_parse_time_rejects_non_strings():
    with pytest.raises(TypeError):
        parse_time(12.5)


@given(st.integers(min_value=0, max_value=10**10))
def test_formatted_times_parse_back(ms):
    assert to_ms(parse_time(vtt_timestamp(ms))) == ms
    assert to_ms(parse_time(clock(ms))) == ms
    assert srt_timestamp(ms) == vtt_timestamp(ms).replace(".", ",")


@given(st.floats(min_value=0, max_value=1e7, allow_nan=False))
def test_formatting_is_always_well_formed(seconds):
    hours, minutes, rest = vtt_timestamp(to_ms(seconds)).split(":")
    secs, millis = rest.split(".")
    assert 0 <= int(minutes) < 60 and 0 <= int(secs) < 60 and len(millis) == 3
    assert abs(to_ms(seconds) / 1000 - seconds) <= 0.0005 + 1e-9 * seconds
