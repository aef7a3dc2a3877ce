"""Matching keys for words: the published spelling stays elsewhere; this only decides what counts as equal.

A word becomes zero or more lowercase tokens so that "2%" ~ "two per cent", "21st" ~ "twenty first",
"U.S." ~ "us", "rules-based" ~ "rules based", "We’re" ~ "we're". Both the published text and the
recognizer's words go through the same function, so either side may use digits or words.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from fractions import Fraction

__all__ = ["APOSTROPHES", "GROUP_SPACES", "unabbreviated", "word_keys", "number_words", "number_readings", "counted",
           "QUANTITY_WORDS", "quantity", "quantity_keys", "priced_in_a_row", "flatten"]

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
         "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINAL = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
            "nine": "ninth", "twelve": "twelfth"}
_SCALES = ((10**9, "billion"), (10**6, "million"), (1000, "thousand"), (100, "hundred"))
_SYMBOLS = {"%": " percent ", "\u2212": " minus ", "&": " and ", "+": " plus ", "@": " at ", "=": " equals ",
            "°": " degrees "}
_CURRENCY = {"$": "dollars", "€": "euros", "£": "pounds", "¥": "yen"}
# a hyphen or en dash typed for a minus sign, before a temperature or a percentage that opens a word ("-5°C",
# "–3.2%"), as U+2212 is; not before other digits: the recognizer writes a hyphenated word's second half as a word
# of its own ("Covid" "-19", "M" "-1")
_MINUS = re.compile(r"^([\"“‘'(\[]*)[-–‐](?=\d+(?:\.\d+)?(?:°|%|[cf]\b))")
# a temperature's scale is said as its name ("-5°C": "minus five degrees Celsius")
_TEMPERATURE = re.compile(r"°\s?([cf])\b")
_SCALE_NAMES = {"c": "celsius", "f": "fahrenheit"}
# every mark typed for an apostrophe: typographic, modifier letter, grave and acute accents, prime
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "′": "'"})
# A footnote's number, in superscript or square brackets, right after a word or its punctuation ("said.¹",
# "Tuesday²", "here.[3]"): never said. After one or two letters a superscript is a power ("m²", "km³") and stays.
_FOOTNOTE_MARK = re.compile(r"(?:(?<=[^\W\d]{3})|(?<=[.,;:!?\"”’)\]]))(?:[¹²³⁰⁴-⁹]+|\[[0-9]{1,3}\])$")
# what a web page types inside a word without it being seen or said: the soft hyphen (a place to break the
# line), zero-width spaces and joiners, the word joiner and the byte order mark
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
# digit groups set apart by a no-break, narrow no-break, figure or thin space ("1 000 000", SI and European
# style) are one number; parse_text keeps such a number one word
GROUP_SPACES = "\u00a0\u202f\u2007\u2009"
DIGIT_GROUP = re.compile(rf"(?<=\d)[{GROUP_SPACES}](?=\d{{3}}(?!\d))")
_SCALED = re.compile(r"(\d(?:\.\d+)?)(bn|tn|m|k)\b")
_CURRENCY_NAMES = set(_CURRENCY.values())
_PRICE_SCALES = {("thousand",), ("million",), ("billion",), ("trillion",)}
_SCALE_WORDS = {"bn": "billion", "tn": "trillion", "m": "million", "k": "thousand"}
_FRACTIONS = {"½": "half", "¼": "quarter", "¾": "three quarters", "⅓": "third", "⅔": "two thirds"}
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(st|nd|rd|th|s)?$")
_GLUED_UNIT = re.compile(r"(\d+(?:\.\d+)?)([a-z]+)$")
# a web address with a path ("bbc.co.uk/news"): its slashes are said ("slash"), unlike those of "and/or" or "24/7"
_WEB_PATH = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(/\S*)$")
_SPLIT = re.compile(r"[^a-z0-9.',]+|(?<!\d),|,(?!\d{3}(?:st|nd|rd|th|s)?\b)")


def _cardinal(n: int) -> list[str]:
    if n < 20:
        return [_ONES[n]]
    if n < 100:
        tens, ones = divmod(n, 10)
        return [_TENS[tens]] + ([_ONES[ones]] if ones else [])
    for scale, name in _SCALES:
        if n >= scale:
            high, rest = divmod(n, scale)
            return _cardinal(high) + [name] + (_cardinal(rest) if rest else [])
    raise AssertionError(n)


_UNDER_HUNDRED = {word: n for n, word in enumerate(_ONES)} | {word: 10 * n for n, word in enumerate(_TENS) if n > 1}
_SCALE_OF = {name: scale for scale, name in _SCALES if scale > 100}
_COUNT_WORDS = frozenset(_UNDER_HUNDRED) | {name for _, name in _SCALES}  # the words a count is said in


def counted(tokens: Sequence[str]) -> int | None:
    """The whole number these words say as a count ("twenty five hundred", "one hundred and twenty": 2500, 120),
    or None where they are not one well-formed count: "nineteen ninety" (a year), "five twenty" (a time), "three
    one" (a score)."""
    def below_hundred(k: int) -> tuple[int, int] | None:
        if k < len(tokens) and tokens[k] in _UNDER_HUNDRED:
            value = _UNDER_HUNDRED[tokens[k]]
            if value >= 20 and k + 1 < len(tokens) and 0 < _UNDER_HUNDRED.get(tokens[k + 1], 0) < 10:
                return value + _UNDER_HUNDRED[tokens[k + 1]], k + 2
            return value, k + 1
        return None

    def group(k: int) -> tuple[int, int] | None:  # below ten thousand: "twenty five hundred"
        first = below_hundred(k)
        if first is None:
            return None
        value, k = first
        if k < len(tokens) and tokens[k] == "hundred" and value:
            value, k = value * 100, k + 1
            rest = below_hundred(k + (k < len(tokens) and tokens[k] == "and"))
            if rest is not None and rest[0]:
                value, k = value + rest[0], rest[1]
        return value, k

    total, k, last_scale = 0, 0, None
    while k < len(tokens):
        if total and tokens[k] == "and":
            k += 1
        found = group(k)
        if found is None:
            return None
        value, k = found
        scale = _SCALE_OF.get(tokens[k]) if k < len(tokens) else None
        if scale is None:
            total += value
            if k < len(tokens):
                return None
            break
        if (last_scale is not None and scale >= last_scale) or value >= 1000:
            return None
        total, k, last_scale = total + value * scale, k + 1, scale
    return total if tokens else None


# the words a quantity is said in (see quantity): a count's, a decimal's and a half's or a quarter's
QUANTITY_WORDS = _COUNT_WORDS | {"point", "oh", "half", "quarter", "quarters", "a", "and", "trillion"}
_BIG_SCALES = {"thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_PARTS = {"half": Fraction(1, 2), "quarter": Fraction(1, 4)}
_DIGITS = {word: str(n) for n, word in enumerate(_ONES[:10])} | {"oh": "0"}


def quantity(tokens: Sequence[str]) -> Fraction | None:
    """The number these words say in any of the forms a speaker or a page uses for it: a count (see counted), a
    decimal ("one point five"), with a half or quarters ("two and a half", "three quarters"), each perhaps of a
    scale ("one and a half million", "half a million", "a hundred thousand"); None where they are not one such
    number. A half or quarters with no whole number and no scale are not read as one: "half" is as often "half
    the town" as a number."""
    tokens = list(tokens)
    if tokens[:1] == ["a"] and tokens[1:2] in (["hundred"], ["thousand"], ["million"], ["billion"]):
        tokens[0] = "one"
    whole = counted(tokens)
    if whole is not None:
        return Fraction(whole)
    scale = 1
    if len(tokens) > 1 and tokens[-1] in _BIG_SCALES:
        scale = _BIG_SCALES[tokens.pop()]
        if tokens[-2:] == ["half", "a"]:  # "half a million"
            tokens.pop()
    found = _fraction(tokens)
    if found is None or (found[1] and scale == 1):
        return None
    return found[0] * scale


def _fraction(tokens: Sequence[str]) -> tuple[Fraction, bool] | None:
    """A decimal or a number with a half or quarters, and whether it has no whole number ("a half")."""
    if "point" in tokens:
        k = tokens.index("point")
        head, digits = counted(tokens[:k]), tokens[k + 1:]
        if head is None or not digits or any(t not in _DIGITS for t in digits):
            return None
        return head + Fraction(int("".join(_DIGITS[t] for t in digits)), 10 ** len(digits)), False
    if tokens[-1:] == ["quarters"]:  # "three quarters"
        count = counted(tokens[:-1])
        return None if count is None or not 0 < count < 4 else (Fraction(count, 4), True)
    if tokens[-1:] in (["half"], ["quarter"]):
        part, head = _PARTS[tokens[-1]], tokens[:-1]
        if head in ([], ["a"]):
            return part, True
        count = counted(head[:-2]) if head[-2:] == ["and", "a"] else None  # "two and a half"
        return None if count is None else (count + part, False)
    return None


def quantity_keys(value: Fraction) -> tuple[str, ...]:
    """The one way the check spells a quantity, whatever form it was said or written in: millions and more as a
    decimal of their scale ("one point five million"), as pages write them; other whole numbers as their digits
    read ("nineteen eighteen") where that reading is no count, else as a count with its thousands ("one thousand
    five hundred", never the year form "fifteen hundred"); anything else as a decimal ("two point five")."""
    for name, scale in reversed(_BIG_SCALES.items()):
        if scale >= 10**6 and value >= scale and (value / scale * 1000).denominator == 1:
            return (*_decimal_keys(value / scale), name)
    if value.denominator != 1:
        return _decimal_keys(value)
    plain = word_keys(str(value.numerator))
    return plain if counted(plain) is None else word_keys(f"{value.numerator:,}")


def _decimal_keys(value: Fraction) -> tuple[str, ...]:
    """A number with at most six decimals as its digits read: 2.5 -> two point five, 2 -> two."""
    whole, rest = divmod(value, 1)
    decimals = f"{float(rest):.6f}".rstrip("0")[1:] if rest else ""  # ".5"
    return word_keys(f"{whole}{decimals}")


def number_words(digits: str, suffix: str = "") -> list[str]:
    """Spell a number the way it is usually read: 2 -> two, 21st -> twenty first, 1990 -> nineteen ninety."""
    if "." in digits:
        whole, frac = digits.split(".", 1)
        return number_words(whole) + ["point"] + [_ONES[int(d)] for d in frac]
    n = int(digits)
    if 1100 <= n <= 1999 or (2010 <= n <= 2099 and suffix != "th"):  # read as a year: nineteen ninety
        return _suffixed(_as_year(n), suffix)
    return _suffixed(_cardinal(n), suffix)


def number_readings(digits: str, suffix: str = "") -> list[list[str]]:
    """Every common way to say a whole number, the usual one first. A four-digit number is said as a year or
    as a count, with or without "and" (1887: "eighteen eighty seven", "one thousand eight hundred (and) eighty
    seven"; 2009: "two thousand (and) nine", "twenty oh nine"): the writing does not tell which a speaker or a
    synthesizer chose."""
    readings = [number_words(digits, suffix)]
    if digits.isdigit() and 1000 <= int(digits) <= 2099:
        n, rest = int(digits), int(digits) % 100
        counted = _cardinal(n)
        british = counted[:len(counted) - len(_cardinal(rest))] + ["and"] + _cardinal(rest)
        others = [counted, british] if rest else [counted]
        if n % 1000:  # "twenty hundred" is no year anyone says
            others.append(_as_year(n))
        readings += [_suffixed(words, suffix) for words in others]
    return [words for k, words in enumerate(readings) if words not in readings[:k]]


def _as_year(n: int) -> list[str]:
    high, low = divmod(n, 100)
    return _cardinal(high) + (["hundred"] if low == 0 else (["oh"] if low < 10 else []) + _cardinal(low))


def _suffixed(words: list[str], suffix: str) -> list[str]:
    words = list(words)
    if suffix in ("st", "nd", "rd", "th"):
        last = words[-1]
        words[-1] = _ORDINAL.get(last, last[:-1] + "ieth" if last.endswith("y") else last + "th")
    elif suffix == "s":  # the 1990s
        words[-1] = words[-1][:-1] + "ies" if words[-1].endswith("y") else words[-1] + "s"
    return words


# Latin letters with no accent to take off, as English writes them
_LATIN_LETTERS = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
                                "þ": "th", "Þ": "Th", "ß": "ss", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe",
                                "ı": "i"})


def _without_accents(text: str) -> str:
    """Latin letters without their accents ("Renée" -> "Renee", "Ørsted" -> "Orsted"): the recognizer writes a
    name with or without them, and they never change what was said. Marks on other scripts' letters are part
    of those letters."""
    kept: list[str] = []
    for c in unicodedata.normalize("NFD", text):
        if unicodedata.combining(c) and kept and kept[-1].isascii():
            continue
        kept.append(c)
    return unicodedata.normalize("NFC", "".join(kept)).translate(_LATIN_LETTERS)


def unabbreviated(word: str) -> str:
    """A written word with the number typography newsrooms use spelled as the recognizer writes it: digit
    groups set apart by narrow spaces ("1 000" -> "1,000"), fractions ("3½" -> "3 and a half") and scales
    ("£5m" -> "£5 million", "1.2bn" -> "1.2 billion"; "m" and "k" only beside a currency sign, since "5m"
    alone is as often five metres). Characters typed but never seen go, and apostrophes become straight ones
    before anything else (Unicode compatibility folding would make the acute accent of "Don´t" a space)."""
    word = _FOOTNOTE_MARK.sub("", DIGIT_GROUP.sub(",", word.translate(_INVISIBLE).translate(APOSTROPHES)))
    for fraction, spoken in _FRACTIONS.items():
        word = re.sub(rf"(?<=\d){fraction}", f" and a {spoken}", word).replace(fraction, spoken)
    priced = any(sign in word for sign in _CURRENCY)
    return _SCALED.sub(lambda m: f"{m[1]} {_SCALE_WORDS[m[2]]}" if priced or m[2] in ("bn", "tn") else m[0], word)


def word_keys(text: str) -> tuple[str, ...]:
    """Normalized tokens of one written word; empty for pure punctuation such as "–" or "...".

    >>> word_keys("“We’re"), word_keys("2%"), word_keys("U.S."), word_keys("rules-based"), word_keys("Pérez")
    (("we're",), ('two', 'per', 'cent'), ('us',), ('rules', 'based'), ('perez',))

    "percent", "per cent" and "%" are the same two tokens (British pages write "per cent", the recognizer
    "percent" or "%"); a number glued to a unit or a time of day ("5km", "3pm", "36.5p") is the number, then
    the unit, as when they are written apart ("p" as it is said: "pence").
    """
    text = _without_accents(unicodedata.normalize("NFKC", unabbreviated(text))).translate(APOSTROPHES).lower()
    currency = next((name for sign, name in _CURRENCY.items() if sign in text), None)
    text = _TEMPERATURE.sub(lambda m: f" degrees {_SCALE_NAMES[m[1]]} ", _MINUS.sub(r"\1 minus ", text))
    for sign, spoken in _SYMBOLS.items():
        text = text.replace(sign, spoken)
    if web := _WEB_PATH.match(text.strip("\"'“”‘(")):
        text = text.replace(web[1], web[1].replace("/", " slash "))
    tokens: list[str] = []
    for raw in _SPLIT.split(text):
        raw = raw.strip(".',")
        if not raw:
            continue
        number = _NUMBER.match(raw.replace(",", ""))
        if number and "," in raw:  # 1,250 is a quantity, never a year; 1,250.75 keeps its decimals
            whole, _, decimals = number.group(1).partition(".")
            tokens += _suffixed(_cardinal(int(whole)), number.group(2) or "")
            tokens += ["point", *(_ONES[int(d)] for d in decimals)] if decimals else []
        elif number:
            tokens += number_words(*number.groups(default=""))
        elif glued := _GLUED_UNIT.match(raw.replace(",", "")):
            if glued[2] in ("am", "pm") and "." in glued[1]:  # 11.30pm: a clock time, as "11:30 p.m."
                tokens += [word for part in glued[1].split(".") for word in number_words(part)]
            else:
                tokens += number_words(glued[1])
            tokens.append("pence" if glued[2] == "p" else glued[2])  # "90p" is said "ninety pence"
        elif raw == "percent":
            tokens += ["per", "cent"]
        elif re.fullmatch(r"[a-z](\.[a-z])+(\.?'s)?", raw):  # U.S, U.N -> us, un; C.E.O.'s -> ceo's
            tokens.append(raw.replace(".", ""))
        else:
            tokens += [part.strip("'") for part in raw.split(".") if part.strip("'")]
    if currency:
        tokens.append(currency)
    return tuple(tokens)


def priced_in_a_row(keys: Sequence[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Keys of written words in a row, with a price's currency moved after the scale word that follows it:
    "£47 billion" is said "forty seven billion pounds", as "£47bn" already reads (see unabbreviated)."""
    keys = list(keys)
    for k in range(len(keys) - 1):
        if len(keys[k]) > 1 and keys[k][-1] in _CURRENCY_NAMES and keys[k + 1][:1] in _PRICE_SCALES:
            keys[k], keys[k + 1] = keys[k][:-1], keys[k + 1][:1] + keys[k][-1:] + keys[k + 1][1:]
    return keys


def flatten(groups: Iterable[tuple[int, Iterable[str]]]) -> tuple[list[str], list[int]]:
    """Tokens of many words in a row, and for each token the index of the word it came from."""
    tokens: list[str] = []
    owners: list[int] = []
    for index, keys in groups:
        keys = list(keys)
        tokens += keys
        owners += [index] * len(keys)
    return tokens, owners
