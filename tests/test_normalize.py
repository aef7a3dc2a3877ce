from fractions import Fraction

import pytest

from aligner.normalize import (
    counted,
    number_readings,
    number_words,
    priced_in_a_row,
    quantity,
    quantity_keys,
    word_keys,
)
from aligner.text import parse_text


@pytest.mark.parametrize("written, keys", [
    ("“We’re", ("we're",)),
    ("We're", ("we're",)),
    ("Don´t", ("don't",)),  # an acute accent typed for the apostrophe
    ("co\u00adoperative’s", ("cooperative's",)),  # a soft hyphen: a place to break the line, never said
    ("plan\u200b", ("plan",)),  # a zero-width space
    ("2%", ("two", "per", "cent")), ("5km", ("five", "km")), ("3pm", ("three", "pm")),
    ("36.5p", ("thirty", "six", "point", "five", "pence")), ("\u22125", ("minus", "five")),
    ("11.30pm", ("eleven", "thirty", "pm")), ("11:30", ("eleven", "thirty")),  # the same time
    ("percent.", ("per", "cent")),  # as British pages write it, "per cent"
    ("U.S.", ("us",)),
    ("U.N.,", ("un",)),
    ("rules-based", ("rules", "based")),
    ("bbc.co.uk/news.", ("bbc", "co", "uk", "slash", "news")), ("and/or", ("and", "or")),  # a web address's "/" is said
    ("Indo-Pacific.", ("indo", "pacific")),
    ("21st", ("twenty", "first")),
    ("Russia’s", ("russia's",)),
    ("1,250", ("one", "thousand", "two", "hundred", "fifty")),
    ("$1,250.75", ("one", "thousand", "two", "hundred", "fifty", "point", "seven", "five", "dollars")),  # not .25
    ("$5", ("five", "dollars")),
    ("2.5", ("two", "point", "five")),
    ("1990s", ("nineteen", "nineties")),
    ("1,000s", ("one", "thousands")), ("5,000th", ("five", "thousandth")),  # a grouped number keeps its suffix
    ("2024", ("twenty", "twenty", "four")),
    ("HIMARS,", ("himars",)),
    ("–", ()),
    (". . .", ()),
    ("(FILE)", ("file",)),
    ("you—ask", ("you", "ask")),
    # accents and Latin letters English does not use are typography, not wording ("Renée" was split in two)
    ("Renée", ("renee",)), ("Zürich’s", ("zurich's",)), ("Ørsted", ("orsted",)), ("Łódź", ("lodz",)),
    # number typography newsrooms use: the words as said, the same as the recognizer's "1,000" or "£5 million"
    ("don′t", ("don't",)), ("donʼt", ("don't",)),  # a prime or a modifier letter typed for the apostrophe
    ("1\u00a0000", ("one", "thousand")), ("12\u202f500\u202f000", ("twelve", "million", "five", "hundred", "thousand")),
    ("3½", ("three", "and", "a", "half")), ("½", ("half",)),
    ("£5m", ("five", "million", "pounds")), ("$3.5bn", ("three", "point", "five", "billion", "dollars")),
    ("1.2bn", ("one", "point", "two", "billion")), ("£10k", ("ten", "thousand", "pounds")),
    ("5m", ("five", "m")),  # five metres as often as five million: the unit left as written
    # a footnote's number after a word or its punctuation is never said; a power after a unit's letters stays
    ("C.E.O.’s", ("ceo's",)),  # an initialism's possessive, as the recognizer writes "CEO's"
    ("said.¹", ("said",)), ("Tuesday²³", ("tuesday",)), ("here.[4]", ("here",)), ("m²", ("m2",)),
    # a hyphen or en dash typed for a minus sign opens the number; a temperature's scale is said by its name
    ("-5°C", ("minus", "five", "degrees", "celsius")), ("“–3.5%", ("minus", "three", "point", "five", "per", "cent")),
    ("40°F", ("forty", "degrees", "fahrenheit")), ("5-10", ("five", "ten")), ("A-1", ("a", "one")),
    ("-19", ("nineteen",)),  # the recognizer's second half of "Covid-19", written as a word of its own
])
def test_word_keys(written, keys):
    assert word_keys(written) == keys


@pytest.mark.parametrize("digits, suffix, words", [
    ("0", "", ["zero"]),
    ("13", "", ["thirteen"]),
    ("40", "th", ["fortieth"]),
    ("100", "", ["one", "hundred"]),
    ("2000", "", ["two", "thousand"]),
    ("1905", "", ["nineteen", "oh", "five"]),
    ("1900", "", ["nineteen", "hundred"]),
    ("3", "rd", ["third"]),
    ("12", "th", ["twelfth"]),
])
def test_number_words(digits, suffix, words):
    assert number_words(digits, suffix) == words


@pytest.mark.parametrize("digits, suffix, readings", [
    ("1887", "", ["eighteen eighty seven", "one thousand eight hundred eighty seven",
                  "one thousand eight hundred and eighty seven"]),
    ("2009", "", ["two thousand nine", "two thousand and nine", "twenty oh nine"]),
    ("2040", "s", ["twenty forties", "two thousand forties", "two thousand and forties"]),
    ("2000", "", ["two thousand"]),
    ("1900", "", ["nineteen hundred", "one thousand nine hundred"]),
    ("300", "", ["three hundred"]),
    ("19", "th", ["nineteenth"]),
])
def test_a_four_digit_number_is_said_as_a_year_or_as_a_count(digits, suffix, readings):
    assert [" ".join(words) for words in number_readings(digits, suffix)] == readings


def test_digits_and_words_meet():
    assert word_keys("2") == word_keys("two")
    assert word_keys("21st") == word_keys("twenty") + word_keys("first")


@pytest.mark.parametrize("written, said", [
    ("£47 billion", "forty seven billion pounds"),  # as "£47bn" reads, and as Whisper writes it
    ("$3.1 million more", "three point one million dollars more"),
    ("a £5 note", "a five pounds note"),  # no scale after it: the currency stays
    ("47 billion pounds", "forty seven billion pounds"),
])
def test_a_price_is_said_with_its_currency_after_the_scale(written, said):
    keys = priced_in_a_row([word_keys(word) for word in written.split()])
    assert " ".join(token for word in keys for token in word) == said
    assert [word.keys for word in parse_text(written).words] == keys  # the published text reads the same


def test_a_negative_contraction_written_without_its_apostrophe_still_holds_a_negation():
    # "rasha-cant," is how the recognizer wrote "Russia can't" on a fresh install: no negation on one side only
    from aligner.measures import is_negation, standard_tokens

    assert any(map(is_negation, standard_tokens("rasha-cant,"))) and any(map(is_negation, standard_tokens("can’t")))
    assert standard_tokens("cant") == ("cant",)  # "cant" is also a word: not taken for "can not"
    assert not any(map(is_negation, standard_tokens("can")))


@pytest.mark.parametrize("said, count", [
    ("twenty five hundred", 2500), ("one hundred and twenty", 120), ("two thousand and five", 2005),
    ("fifteen hundred", 1500), ("nineteen hundred and eighteen", 1918), ("twenty five", 25),
    ("one million two hundred thousand", 1_200_000),
    # not one well-formed count: a year, a time, a score, two numbers, a scale alone
    ("nineteen ninety", None), ("five twenty", None), ("three one", None), ("five and ten", None),
    ("two thousand three thousand", None), ("hundred", None),
])
def test_a_count_said_in_any_of_its_forms_has_its_value(said, count):
    assert counted(said.split()) == count


@pytest.mark.parametrize("said, value", [
    ("one and a half million", 1_500_000), ("half a million", 500_000), ("a hundred thousand", 100_000),
    ("two point four billion", 2_400_000_000), ("two and a half", Fraction(5, 2)), ("zero point five", Fraction(1, 2)),
    ("twelve hundred", 1200), ("nineteen hundred and eighteen", 1918),
    # not a number: a half alone, a year, a score, a scale alone
    ("half", None), ("a half", None), ("nineteen eighteen", None), ("three one", None), ("a", None),
])
def test_a_quantity_said_in_any_of_its_forms_has_its_value(said, value):
    assert quantity(said.split()) == value


@pytest.mark.parametrize("value, keys", [
    (1500, "one thousand five hundred"), (1918, "nineteen eighteen"), (2009, "two thousand nine"),
    (1_500_000, "one point five million"), (2_000_000, "two million"), (Fraction(5, 2), "two point five"),
    (500_000, "five hundred thousand"),
])
def test_a_quantity_is_spelled_one_way(value, keys):
    assert quantity_keys(Fraction(value)) == tuple(keys.split())
