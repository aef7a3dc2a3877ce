"""The published wording is scored in the recognizer's orthography: typography must not look like a change."""
from __future__ import annotations

import pytest

from aligner.orthography import as_recognized_case, is_name, spoken_form, typed_in_capitals, words_to_digits


@pytest.mark.parametrize("published, heard, spoken", [
    (["“We’re", "building"], ["were", "building."], "we're building."),  # curly marks, the heard case
    (["“I’m", "confident"], ["him", "confident"], "I'm confident"),  # "I" keeps its capital
    (["Blinken:"], ["Lincoln."], "Blinken."),  # the recognizer's punctuation at this place
    (["NATO’s", "collective"], ["NATO", "collected"], "NATO's collective"),
    (["members’"], ["members"], "members'"),  # a plural possessive keeps its apostrophe
    (["‘quote’"], ["quote"], "quote"),  # single quotation marks are not apostrophes
    (["peace", "—", "a"], ["peace,", "a"], "peace a"),
    (["(FILE)", "U.S."], ["file", "US"], "FILE U.S"),  # an acronym keeps its capitals
    (["nation.”"], ["country."], "nation."),
    (["fifteen", "thousand"], ["50,000"], "15,000"),  # numbers as the recognizer writes them
    (["fifteen", "thousand"], ["fifty", "thousand"], "fifteen thousand"),
    (["two", "percent"], [], "two percent"),
    (["…", "..."], ["x"], ""),
    (["£1.2bn"], ["£1.2", "billion"], "£1.2 billion"), (["1\u202f000"], ["1,000"], "1,000"),
    (["don′t"], ["don't"], "don't"),
    (["Don´t", "co\u00adoperate\u200b"], ["Don't", "cooperate"], "Don't cooperate"),  # typed, never seen
])
def test_spoken_form(published, heard, spoken):
    assert spoken_form(published, heard) == spoken


@pytest.mark.parametrize("tokens, digits", [
    ("two", "2"), ("twenty one", "21"), ("fifteen thousand", "15,000"), ("two hundred fifty thousand", "250,000"),
    ("one million", "1,000,000"), ("nineteen", "19"), ("hundred", None), ("not a number", None), ("", None),
])
def test_words_to_digits(tokens, digits):
    assert words_to_digits(tokens.split()) == digits


NAMES = ("Secretary Blinken: “We’re with Ukraine,” said Jens Stoltenberg on Monday. NATO’s door, I’m sure, "
         "he said, “Never.”")


@pytest.mark.parametrize("word, name", [
    ("Blinken", True), ("Ukraine", True), ("Jens", True), ("Stoltenberg", True),
    ("Secretary", False),  # the first word of the text
    ("“We’re", False),  # the first word of a quotation
    ("Monday", False),  # a date, not a name
    ("NATO’s", False),  # the first word of a sentence
    ("I’m", False), ("door", False), ("“Never", False),
])
def test_is_name(word, name):
    start = NAMES.index(word)
    assert is_name(NAMES, start, start + len(word)) is name


CAPITALS = "BREAKING NEWS\nNATO: “WHO WILL PAY? I’M NOT SURE.”\nNATO and the WHO said so.\nUKRAINE\n"


@pytest.mark.parametrize("word, typed, name, recognized", [
    ("WHO WILL", True, False, "who"), ("PAY", True, False, "pay"), ("I’M", True, False, "I’m"),
    ("NEWS", True, False, "news"),  # a headline in capitals
    ("WHO said", False, True, "WHO"),  # an acronym in a line with lower case
    ("UKRAINE", False, False, "UKRAINE"),  # one word alone on its line: nothing says its capitals are typography
])
def test_a_line_typed_in_capitals_says_nothing_of_names(word, typed, name, recognized):
    start = CAPITALS.index(word)
    end = start + len(word.split()[0])
    assert typed_in_capitals(CAPITALS, start) is typed
    assert is_name(CAPITALS, start, end) is name
    assert as_recognized_case(CAPITALS, start, end) == recognized
