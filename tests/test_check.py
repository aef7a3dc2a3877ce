"""The accuracy check: normalization for the measures, the classification of differences, and the whole
check on real recognizer output for broadcasts whose departures from the text are known.

tests/data/check/check_{a,b,c} (scripts/make_test_broadcasts.py) each skip a paragraph, add a sentence and
change the wording inside one quote; their truth files say where. The committed reference broadcast is read
exactly as published apart from its intro and outro, so every difference the check finds there is the
recognizer's.
"""
from __future__ import annotations

import json
import re

import pytest
from test_cli_errors import assert_one_line_error

from aligner.check import CheckOptions, _regions, _same_time, _share_out, _units, check
from aligner.classify import Fit, classify
from aligner.cli import main
from aligner.measures import Chunk, measure, spelling, standard_tokens, tokens_in_a_row
from aligner.phonetic import is_familiar
from aligner.pipeline import align_files
from aligner.render import report_json
from aligner.report import RECOGNITION, UNCERTAIN, WORDING
from aligner.transcribe import HeardWord

from conftest import DATA, MEDIA, REAL, run_cli

CHECK = DATA / "check"
NAMES = ("check_a", "check_b", "check_c")


# -- normalization and measures ----------------------------------------------------------------------------------
@pytest.mark.parametrize("written, tokens", [
    ("We’re", ("we", "are")),
    ("can't", ("can", "not")),
    ("won’t", ("will", "not")),
    ("Russia’s", ("russias",)),  # is, has or a possessive: not expanded
    ("he'd", ("hed",)),
    ("I’m", ("i", "am")),
    ("we’ll", ("we", "will")),
    ("defence.", ("defense",)),
    ("Defence", ("defense",)),
    ("2%", ("two", "per", "cent")), ("50 per cent", ("fifty", "per", "cent")),
    ("U.S.", ("united", "states")),  # said in full as often as spelled, and written short in quotes too
    ("us", ("us",)),
    ("Mr.", ("mister",)),
    ("Um,", ()),
    ("“Colour", ("color",)),
    ("rules-based", ("rules", "based")),
    ("OK,", ("okay",)), ("alright", ("all", "right")),  # one word, two spellings
    ("Nov.", ("november",)), ("Sept", ("september",)),  # abbreviations as said
    ("Jan.", ("january",)), ("Jan", ("jan",)),  # a name, unless written with its period
])
def test_standard_tokens(written, tokens):
    assert standard_tokens(written) == tokens


@pytest.mark.parametrize("written, tokens", [
    ("outside No. 10 today", ["outside", "number", "ten", "today"]),  # the Prime Minister's house
    ("No 10 said", ["number", "ten", "said"]),
    ("No, 10 people", ["no", "ten", "people"]),  # an answer, then a number
    ("at St. Mary’s Hospital", ["at", "saint", "marys", "hospital"]),  # the same as "Saint Mary’s"
    ("on Main St. today", ["on", "main", "street", "today"]), ("“on Main St,” she", ["on", "main", "street", "she"]),
    ("there is no 5 here", ["there", "is", "no", "five", "here"]),  # a lowercase no is a negation
])
def test_a_number_sign_is_read_from_the_word_after_it(written, tokens):
    assert _tokens_in_a_row(written) == tokens


def _tokens_in_a_row(text: str) -> list[str]:
    return [t for group in tokens_in_a_row(text.split()) for t in group]


@pytest.mark.parametrize("published, heard, same", [
    ("about 2,500 visitors", "about 25 hundred visitors", True),
    ("120 people", "one hundred and twenty people", True),
    ("in 1500", "in fifteen hundred", True), ("in 1918", "in nineteen hundred and eighteen", True),
    ("200 and 12,000", "212,000", False),  # digits are a number of their own: two numbers, not one
    ("between 5 and 10", "between 15", False),
    ("2,500 visitors", "2,600 visitors", False),
    ("the 1,200 homes", "the 1200 homes", True),  # the recognizer's digits for "twelve hundred"
    ("nearly 500,000 households", "nearly half a million households", True),
    ("spend £1.5 million on", "spend one and a half million pounds on", True),
    ("£2.4bn over", "two point four billion pounds over", True),
    ("rose 2.5% in", "rose two and a half percent in", True),
    ("a hundred people", "100 people", True),
    ("about 1,500 people", "about 1,600 people", False),
    ("nearly 600,000 households", "nearly half a million households", False),
    ("half the town", "0.5 the town", False),  # a half with no whole number or scale is not read as a number
])
def test_a_count_in_another_form_is_the_same_number(published, heard, same):
    assert (_tokens_in_a_row(published) == _tokens_in_a_row(heard)) == same


@pytest.mark.parametrize("published, heard, same", [
    ("on 21 May", "on the 21st of May", True), ("on May 21,", "on May the twenty-first,", True),
    ("Tuesday 5 March", "Tuesday the fifth of March", True), ("on 3 June", "on the fourth of June", False),
    ("on 21 May", "on 21 March", False),
])
def test_a_date_in_another_order_or_form_is_the_same_date(published, heard, same):
    assert (_tokens_in_a_row(published) == _tokens_in_a_row(heard)) == same


@pytest.mark.parametrize("british, american", [
    ("organisation", "organization"), ("realised", "realized"), ("analyse", "analyze"), ("centre", "center"),
    ("theatres", "theaters"), ("favourite", "favorite"), ("neighbours", "neighbors"), ("catalogue", "catalog"),
    ("travelled", "traveled"), ("defence", "defense"), ("programme", "program"),
    # American words and words the rules must leave alone
    ("prise", "prise"), ("hour", "hour"), ("four", "four"), ("there", "there"), ("genre", "genre"),
    ("precise", "precize"),  # not a word either way: harmless, both sides read the same
])
def test_spelling(british, american):
    assert spelling(british) == american


@pytest.mark.parametrize("published, heard, wer, counts", [
    ("a b c d", "a b c d", 0.0, (0, 0, 0)),
    ("a b c d", "a x c d", 0.25, (1, 0, 0)),
    ("a b c d", "a c d", 0.25, (0, 1, 0)),
    ("a b c d", "a b y c d", 0.25, (0, 0, 1)),
    ("a b", "", 1.0, (0, 2, 0)),
])
def test_measure(published, heard, wer, counts):
    measures, chunks = measure(published.split(), heard.split())
    assert measures.wer == pytest.approx(wer)
    assert (measures.substitutions, measures.deletions, measures.insertions) == counts
    assert sum(c.p1 - c.p0 for c in chunks) == len(published.split())


# -- classification, on hand-made cases ---------------------------------------------------------------------------
@pytest.mark.parametrize("published, heard, probability, fit, second, kind, acoustic", [
    # the model finds the published words about as likely as what it heard: misheard
    ("of", "on", 0.97, Fit(-2.5, 1), None, RECOGNITION, None),
    ("force generation commitments", "for standardisation commitment", 0.5, Fit(0.8, 4), None, RECOGNITION, None),
    # a rare word split into pieces, sounding like what was heard: charged per piece, with more slack
    ("himars", "high mars", 0.7, Fit(-12.2, 2), None, RECOGNITION, None),
    ("okafor", "okafir", 0.43, Fit(-15.9, 3), None, RECOGNITION, None),
    # the audio fits only what was heard (and, for other words than a number or negation, the phonetic aligner agrees)
    ("not", "never", 0.99, Fit(-13.0, 1), None, WORDING, None),
    ("repair", "replace", 0.99, Fit(-12.6, 1), None, WORDING, -150.0),
    ("quickly and", "", None, Fit(-29.0, 2), None, WORDING, -150.0),
    # a reworded phrase of common words: little per piece, much in all
    ("within weeks", "in a few days", 0.99, Fit(-29.9, 5), None, WORDING, -150.0),
    # ... but the model alone, the phonetic aligner unable to judge, accuses no one of other words: listen
    ("repair", "replace", 0.99, Fit(-12.6, 1), None, UNCERTAIN, None),
    ("within weeks", "in a few days", 0.99, Fit(-29.9, 5), None, UNCERTAIN, None),
    # a different number must fit the audio as well to be called misheard
    ("fifteen thousand", "fifty thousand", 0.65, Fit(-4.6, 3), None, WORDING, None),
    ("fifteen thousand", "fifty thousand", 0.65, Fit(1.0, 3), None, RECOGNITION, None),
    # a number garbled into words without one is judged like any mishearing; a number left out is a fact
    ("ten years ago", "an year and a clock", 0.6, Fit(-2.9, 5), None, RECOGNITION, None),
    ("ten", "", None, Fit(-2.9, 1), None, WORDING, None),
    # the larger model's opinion overrules the recognizer's
    ("not", "never", 0.99, Fit(-13.0, 1), Fit(0.3, 1), RECOGNITION, None),
    ("of", "on", 0.97, Fit(-1.0, 1), Fit(-12.0, 1), WORDING, -150.0),
    # without the model: sound and confidence only
    ("blinken", "lincoln", 0.9, None, None, RECOGNITION, None),
    ("buses", "masses", 0.36, None, None, RECOGNITION, None),
    ("of", "on", 0.97, None, None, RECOGNITION, None),
    ("not", "never", 0.99, None, None, WORDING, None),
    ("quickly and", "", None, None, None, WORDING, None),
    ("fifteen", "fifty", 0.2, None, None, WORDING, None),
])
def test_classify(published, heard, probability, fit, second, kind, acoustic):
    result, reason = classify(published.split(), heard.split(), probability, fit, second, acoustic=acoustic)
    assert result == kind, reason
    assert reason


@pytest.mark.parametrize("fit, acoustic, kind", [
    (Fit(6.8 - 8.0, 1), -70.0, RECOGNITION),  # the model is sure it misheard; the ear barely disagrees
    (Fit(1.4 - 8.0, 1), -103.0, UNCERTAIN),  # both unsure: listen
    (Fit(-20.0, 1), 100.0, UNCERTAIN),  # the ear finds a mishearing, the model a change: never settled as one
    # the ear, far surer, finds a mishearing where the model finds a change: the ear may only be preferring the
    # published words to garbled heard ones, so it settles nothing
    (Fit(-8.6, 1), 300.0, UNCERTAIN),
])
def test_the_model_far_surer_of_a_mishearing_settles_it_but_never_an_accusation(fit, acoustic, kind):
    assert classify(["good"], ["gold"], 0.9, fit, acoustic=acoustic)[0] == kind


@pytest.mark.parametrize("published, heard, fit, acoustic, kind", [
    # a name the recognizer did not know, written as common words both witnesses prefer: listen, not accuse
    ("achebe", "egg", Fit(-13.6, 3), -94.5, UNCERTAIN),
    ("hudson", "odds and", Fit(-16.3, 3), None, UNCERTAIN),
    # the model finds the published name as likely: misheard, whatever the dictionary's pronunciation says
    ("schoenfeld", "sconefeld", Fit(-3.0, 3), -143.9, RECOGNITION),
    # the phonetic aligner, with no language model to prefer common words, finds the name spelled as heard
    ("kowalczyk ames", "cowoxick aims", Fit(-2.2, 8), -26.9, RECOGNITION),
    # ... but not one spelled unlike the heard words
    ("villanueva", "on a river", Fit(-20.0, 5), 41.9, UNCERTAIN),
    # no phonetic witness (a guessed pronunciation), but spelled nearly as heard
    ("kostopoulos hart", "castapulas heart", Fit(-4.2, 8), None, RECOGNITION),
    # a number beside a name is still a fact
    ("ten", "two", Fit(-9.0, 1), -200.0, WORDING),
])
def test_a_difference_touching_a_name_is_never_an_accusation(published, heard, fit, acoustic, kind):
    result, reason = classify(published.split(), heard.split(), 0.9, fit, acoustic=acoustic, unfamiliar="a name")
    assert result == kind, reason
    without_model = classify(published.split(), heard.split(), 0.9, None, unfamiliar="a name")[0]
    assert (without_model == WORDING) == (kind == WORDING)


def test_a_rare_word_the_model_prefers_common_words_to_is_listened_to():
    # "porta-potties" heard as "park is": the model finds the heard words likelier, and a guessed pronunciation
    # would let the phonetic aligner agree (-150): a change, but for a rare word
    published, heard = ["porta", "potties"], ["park", "is"]
    assert classify(published, heard, 0.9, Fit(-27.8, 6), acoustic=-150.0)[0] == WORDING
    result, reason = classify(published, heard, 0.9, Fit(-27.8, 6), acoustic=-150.0, unfamiliar="a rare word")
    assert result == UNCERTAIN and "a rare word" in reason
    # the sonnet reading's "churl mak'st", heard "churro makes": spelled nearly alike, a mishearing
    assert classify(["churl", "mak'st"], ["churro", "makes"], 0.9, Fit(-22.6, 5), unfamiliar="a rare word")[0] \
        == RECOGNITION


@pytest.mark.parametrize("word, familiar", [
    ("country", True), ("Russia’s", True), ("we’ll", True), ("2,000", True), ("—", True),
    ("mak’st", False), ("porta-potties", False), ("東京", False),
])
def test_a_word_the_pronunciation_dictionary_lacks_is_rare(word, familiar):
    assert is_familiar(word) == familiar


def test_words_with_no_time_in_the_audio_were_not_said():
    kind, reason = classify(["to", "make"], [], None, Fit(-1.0, 2), timed=False)
    assert kind == WORDING and "no time" in reason
    kind, reason = classify(["to", "make"], [], None, Fit(-1.0, 2), timed=False, acoustic=-300.0)
    assert kind == WORDING and "no time" in reason


@pytest.mark.parametrize("published, heard, kind", [
    ("will not truck", "will track", UNCERTAIN),  # "won't truck" heard as "will track": listen
    ("does not exist in", "went into existing", UNCERTAIN),  # a real change in the check set: listen
    ("it is a lot", "it is not", UNCERTAIN),
    ("it is not a lot", "it is not a lock", RECOGNITION),  # a negation on both sides: judged as any other
    ("it is a lot", "it is a lock", RECOGNITION),
    ("nobodys surprised", "nobody surprised", RECOGNITION),  # "nobody’s": a negation on both sides
    ("innokenty", "in no country", RECOGNITION),  # the heard "no" is a syllable of the name heard as three words
    ("know", "no", UNCERTAIN),  # one word heard as one negation: listen
    ("innocent", "not innocent", WORDING),  # "not" is no part of the published word: a reversed statement
])
def test_a_negation_on_one_side_is_never_excused_as_a_mishearing(published, heard, kind):
    # the model finds the published words about as likely (-3.1 per piece): a mishearing, but for the "not"
    result, reason = classify(published.split(), heard.split(), 0.9, Fit(-9.3, 3))
    assert result == kind, reason


def test_words_with_no_time_that_the_phonetic_aligner_finds_are_uncertain():
    # the recognizer's word times leave no gap for "the", but fitted into the audio it sounds there
    kind, reason = classify(["the"], [], None, Fit(-11.8, 1), timed=False, acoustic=-32.5)
    assert kind == UNCERTAIN and "phonetic aligner" in reason


@pytest.mark.parametrize("published, heard, acoustic, kind", [
    ("my grandfather used", "from the news", None, UNCERTAIN),  # compared by place, one witness: listen
    ("my grandfather used", "from the news", -240.0, WORDING),  # both witnesses hear other words
    ("fourteen", "twelve", None, WORDING),  # a different number is a fact changed, on the model's word alone too
])
def test_unheard_words_compared_with_the_speech_in_their_place_need_both_witnesses_to_be_called_changed(
        published, heard, acoustic, kind):
    # the published words have no time; the heard words beside them were taken for the comparison by their place
    result, reason = classify(published.split(), heard.split(), 0.5, Fit(-15.1, 3), timed=False, acoustic=acoustic)
    assert result == kind, reason
    assert "in their place" in reason


@pytest.mark.parametrize("pieces, heard, expected", [
    (["countrywoman", "the"], ["country", "woman"], [(0, 2), (2, 2)]),  # both heard words to the first piece
    (["the", "course"], ["course"], [(0, 0), (0, 1)]),
    (["said", "we"], ["said", "we"], [(0, 1), (1, 2)]),
])
def test_heard_words_go_to_the_published_piece_they_share_most_letters_with(pieces, heard, expected):
    assert _share_out(pieces, heard, 0, len(heard)) == expected


def test_two_stretches_around_a_reporters_words_each_take_the_heard_words_said_in_their_time():
    # the word alignment broke a tie by pairing "quite" with "reporting" and leaving "the recording" out; the
    # reporter's words between the two quotes (never spoken) part the stretches, and each takes the heard words
    # said while the alignment has it spoken ("quite different" left out, "the recording" at 40 s)
    published = "i have a cold so i probably sound quite different the recording environment is also quite".split()
    heard = "i have a cold so ive probably spent reporting environment is also quite".split()
    said = [(30.0 + k, 30.5 + k) for k in range(8)] + [None, None, None, (40.0, 40.5)] + [
        (41.0 + k, 41.5 + k) for k in range(4)]
    middles = [30.25 + k for k in range(8)] + [40.25] + [41.25 + k for k in range(4)]
    regions = _regions(measure(published, heard)[1], published, list(range(len(published))), heard,
                       list(range(len(heard))), {}, apart={published.index("the")}, timing=(said, middles))
    assert [(r.p_tokens, r.h_tokens) for r in regions][-2:] == [
        (("sound", "quite", "different"), ("spent",)), (("the", "recording"), ("reporting",))]


def test_a_short_word_the_alignment_joined_to_a_misheard_name_is_part_of_that_mishearing():
    # calibration fresh35 sambava: "Antananarivo" heard "hunter in row"; the alignment gave "in" the heard
    # "hunter in" (align._join_across_short_ties), and the check compares the stretch as one difference
    published, heard = "to study in antananarivo but she".split(), "to study hunter in row but she".split()
    for joined, expected in (({2}, [(("in", "antananarivo"), ("hunter", "in", "row"))]),
                             ((), [((), ("hunter",)), (("antananarivo",), ("row",))])):
        regions = _regions(measure(published, heard)[1], published, list(range(len(published))), heard,
                           list(range(len(heard))), {}, joined=joined)
        assert [(r.p_tokens, r.h_tokens) for r in regions] == expected


# -- the check on real recognizer output --------------------------------------------------------------------------
def truth(name: str) -> dict:
    return json.loads((CHECK / f"{name}.truth.json").read_text("utf-8"))


@pytest.fixture(scope="session")
def reports():
    """Each test broadcast aligned and checked once (the recognizer runs once per audio in a session)."""
    out = {}
    for name in NAMES:
        aligned = align_files(CHECK / f"{name}.flac", CHECK / f"{name}.txt")
        out[name] = (aligned, check(aligned))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_unspoken_text_is_exactly_the_page_lines_and_the_skipped_paragraph(reports, name):
    _, report = reports[name]
    expected = {(u["char_start"], u["char_end"]) for u in truth(name)["unspoken"]}
    assert {(u.char_start, u.char_end) for u in report.unspoken} == expected


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_the_added_sentence_is_the_only_unscripted_speech(reports, name):
    _, report = reports[name]
    (added,) = truth(name)["unscripted"]
    (found,) = report.unscripted
    assert found.start < added["end"] and added["start"] < found.end
    assert abs(found.start - added["start"]) < 0.5 and abs(found.end - added["end"]) < 0.5
    assert standard_tokens(found.text.split()[0]) == standard_tokens(added["text"].split()[0])


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_only_the_changed_quote_is_not_verbatim(reports, name):
    _, report = reports[name]
    expected = truth(name)["quotes"]
    assert [(q.char_start, q.char_end) for q in report.quotes] == [(q["char_start"], q["char_end"]) for q in expected]
    assert [q.verbatim for q in report.quotes] == [q["verbatim"] for q in expected]
    for verdict, quote in zip(report.quotes, expected, strict=True):  # Whisper may start a word in the pause
        assert verdict.start == pytest.approx(quote["start"], abs=1.0)
        assert verdict.end == pytest.approx(quote["end"], abs=0.5)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_every_edit_is_a_wording_difference_and_nothing_else_is(reports, name):
    _, report = reports[name]
    edits = [e for q in truth(name)["quotes"] for e in q["edits"]]
    wording = [d for d in report.differences if d.kind == WORDING]
    for edit in edits:  # each edit is reported, with its published words and what was said instead
        (found,) = [d for d in wording if d.char_start <= edit["char_start"] and edit["char_end"] <= d.char_end]
        assert edit["published"] in found.published
        assert standard_tokens(edit["said"]) == () or set(standard_tokens(edit["said"])) <= set(
            t for word in found.heard.split() for t in standard_tokens(word))
        assert found.start < edit["end"] + 0.5 and edit["start"] - 0.5 < found.end
    assert len(wording) == len(edits)


@pytest.mark.slow
def test_the_reference_broadcast_has_no_misquote_and_only_recognition_errors():
    """Read exactly as published: "HIMARS" heard as "high Mars", "of" as "on" and the rest are mishearings."""
    report = check(align_files(MEDIA / "broadcast.flac", MEDIA / "article.txt"))
    assert len(report.quotes) == 5 and all(q.verbatim for q in report.quotes)
    assert report.differences and all(d.kind == RECOGNITION for d in report.differences)
    assert [u.text.split()[0] for u in report.unscripted] == ["This", "That"]  # the intro and the outro
    assert report.measures.wer < 0.06


@pytest.mark.slow
def test_without_rescoring_the_check_still_runs(reports):
    aligned, scored = reports["check_a"]
    report = check(aligned, CheckOptions(rescore=False))
    assert report.scored_by == () and scored.scored_by == ("tiny.en",)
    assert [d.margin for d in report.differences] == [None] * len(report.differences)
    assert report.measures == scored.measures and report.unspoken == scored.unspoken


@pytest.mark.slow
def test_a_second_model_gives_its_own_opinion(reports):
    """The plumbing, with the embedded model standing in for a larger one (no larger model ships here)."""
    from aligner.transcribe import model_location

    aligned, first = reports["check_c"]
    report = check(aligned, CheckOptions(second_model=model_location("tiny.en")))
    assert report.scored_by == ("tiny.en", model_location("tiny.en"))
    assert [d.kind for d in report.differences] == [d.kind for d in first.differences]
    assert all("the second model" in d.reason for d in report.differences if d.margin is not None)


@pytest.mark.slow
def test_report_json_has_the_documented_fields(reports):
    data = report_json(reports["check_b"][1])
    json.dumps(data)  # serializable
    assert {"wer", "cer", "substitutions", "deletions", "insertions", "unspoken", "unscripted", "differences",
            "quotes"} <= set(data)
    assert set(data["unspoken"][0]) >= {"text", "char_start", "char_end"}
    assert set(data["unscripted"][0]) >= {"text", "start", "end"}
    assert set(data["differences"][0]) >= {"published", "heard", "start", "end", "kind"}
    assert {d["kind"] for d in data["differences"]} <= {"recognition", "wording"}
    quote = data["quotes"][0]
    assert set(quote) >= {"text", "start", "end", "verbatim", "differences"} and quote["verbatim"] is False
    assert [d["published"] for d in quote["differences"] if d["kind"] == "wording"] == ["fifteen thousand"]


def test_a_lone_mark_is_no_part_of_the_word_before_it():
    """Whisper wrote "3." then "." over the pause before a quote: the mark is no word (the alignment ignores
    it too), so the number's time stays its own and it stays unscripted speech apart from the quote."""
    heard = [HeardWord("3.", 291.43, 291.95, 0.47), HeardWord(".", 291.95, 292.95, 0.07),
             HeardWord("U", 293.0, 293.1, 0.9), HeardWord(".S.", 293.1, 293.4, 0.9)]
    assert [(u.text, u.start, u.end) for u in _units(heard)] == [("3.", 291.43, 291.95), ("U.S.", 293.0, 293.4)]


@pytest.fixture(scope="module")
def quote_then_other_speech(tmp_path_factory):
    """JFK's line, two seconds of quiet, then another speaker: a recording a story quotes a small part of."""
    import numpy as np
    import soundfile as sf
    from faster_whisper import decode_audio

    folder = tmp_path_factory.mktemp("programme")
    other = decode_audio(str(REAL / "acoustic_corpus.wav"))[:16000 * 5]
    sf.write(folder / "programme.flac", np.concatenate([decode_audio(str(REAL / "jfk.flac")),
                                                        np.zeros(2 * 16000, np.float32), other]), 16000)
    (folder / "story.txt").write_text('Kennedy told the crowd: "Ask not what your country can do for you, ask what '
                                      'you can do for the nation."\n', "utf-8")
    aligned = align_files(folder / "programme.flac", folder / "story.txt")
    return aligned, check(aligned)


@pytest.mark.slow
def test_a_changed_quote_end_is_compared_with_what_was_said_there_only(quote_then_other_speech):
    """The published end "the nation" was not heard; the speech said in its place ("your country.") is what it
    is compared with, not the next speaker's words after the pause."""
    _, report = quote_then_other_speech
    (quote,) = report.quotes
    (difference,) = quote.differences
    assert difference.kind == WORDING and difference.published.startswith("the nation")
    assert standard_tokens(difference.heard) == ("your", "country")
    assert any(u.text.startswith("This is") for u in report.unscripted)


@pytest.mark.slow
def test_the_review_page_shows_speech_beside_the_spoken_word_nearest_in_time(quote_then_other_speech):
    """"your country." was said right after "…can do for": the page shows it there, before the never-spoken
    "the nation", not after the end of the text; the next speaker's words follow it."""
    from aligner.review import _text_html

    page = _text_html(*quote_then_other_speech)
    spans = re.findall(r'<span class="([a-z ]+)"[^>]*>([^<]*)', page)
    texts = [text for _, text in spans]
    country = next(k for k, text in enumerate(texts) if text.startswith("your country"))
    assert texts[country - 1] == "for" and texts[country + 1].startswith("This is")
    assert "unspoken" in spans[country + 2][0] and texts[country + 2] == "the"


@pytest.mark.slow
def test_a_changed_last_word_is_compared_with_the_heard_sentence_it_ends_only(tmp_path):
    """"…for your nation." ends its sentence; "country." ends the heard one, and "This is" said 0.3 s after it by
    the next speaker is no part of what was said in its place. (real24's cold corpus: "probably fine." against
    "good. Alright, thanks." shared out the model's margin over five word pieces, and a real change became a
    mishearing.)"""
    import numpy as np
    import soundfile as sf
    from faster_whisper import decode_audio

    other = decode_audio(str(REAL / "acoustic_corpus.wav"))[:16000 * 5]
    sf.write(tmp_path / "programme.flac", np.concatenate([decode_audio(str(REAL / "jfk.flac")),
                                                          np.zeros(int(0.3 * 16000), np.float32), other]), 16000)
    (tmp_path / "story.txt").write_text('Kennedy told the crowd: "Ask not what your country can do for you, ask '
                                        'what you can do for your nation."\n', "utf-8")
    (difference,) = check(align_files(tmp_path / "programme.flac", tmp_path / "story.txt")).differences
    # whether the recognizer writes the full stop before the next speaker differs from machine to machine
    assert (difference.published, difference.heard.rstrip("."), difference.pieces) == ('nation."', "country", 1)
    assert difference.kind == WORDING


@pytest.mark.slow
def test_a_quotes_unheard_first_word_is_not_compared_with_a_sentence_that_ended_before_it(tmp_path):
    """The presenter's "…in Washington." ends a heard sentence, and the quote's "So", never said, would run on into
    "my fellow Americans": what was said before that full stop is no part of what was said in its place (fresh30's
    soda fountain: a quote's unheard "The" was compared with the speaker's "…enough for me.")."""
    import numpy as np
    import soundfile as sf
    from faster_whisper import decode_audio

    presenter = decode_audio(str(MEDIA / "broadcast.flac"))[int(3.2 * 16000):int(8.3 * 16000)]
    kennedy = decode_audio(str(REAL / "jfk.flac"))[int(1.25 * 16000):]  # from "my fellow Americans"
    sf.write(tmp_path / "programme.flac", np.concatenate([presenter, np.zeros(int(0.3 * 16000), np.float32),
                                                          kennedy]), 16000)
    (tmp_path / "story.txt").write_text("Kennedy said: “So my fellow Americans, ask not what your country can do for "
                                        "you, ask what you can do for your country.”\n", "utf-8")
    report = check(align_files(tmp_path / "programme.flac", tmp_path / "story.txt"))
    assert [u.text.endswith("in Washington.") for u in report.unscripted] == [True]  # the heard sentence end
    (difference,) = [d for d in report.differences if d.published.startswith("“So")]
    assert difference.heard == ""


# -- the command ------------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_check_command_writes_both_reports_and_fails_on_request(tmp_path):
    audio, text = CHECK / "check_a.flac", CHECK / "check_a.txt"
    result = run_cli("check", audio, text, "--json", tmp_path / "r.json", "--html", tmp_path / "r.html")
    assert result.returncode == 0, result.stderr
    assert "NOT VERBATIM" in result.stdout and "We are not going to fix potholes" in result.stdout
    assert "The final vote was" in result.stdout and "The plan adds forty electric buses" in result.stdout
    data = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert [q["verbatim"] for q in data["quotes"]] == [True, False, True]
    assert "check_a.flac" in (tmp_path / "r.html").read_text("utf-8")



@pytest.mark.slow
def test_fail_on_for_a_publishing_pipeline(capsys):
    audio, text = str(CHECK / "check_a.flac"), str(CHECK / "check_a.txt")
    assert main(["check", audio, text, "--fail-on", "misquote"]) == 3
    assert "failing: 1 misquote" in capsys.readouterr().out
    assert main(["check", audio, text, "--fail-on", "unscripted", "--fail-on", "unspoken,wording"]) == 3
    assert "failing: 1 unscripted, 4 unspoken, 1 wording" in capsys.readouterr().out
    reference = [str(MEDIA / "broadcast.flac"), str(MEDIA / "article.txt")]
    assert main(["check", *reference, "--fail-on", "misquote,wording"]) == 0
    assert "failing" not in capsys.readouterr().out


def test_check_command_bad_input(tmp_path):
    text = CHECK / "check_a.txt"
    assert_one_line_error(run_cli("check", tmp_path / "nope.flac", text), "not found", "nope.flac")
    assert_one_line_error(run_cli("check", CHECK / "check_a.flac", text, "--fail-on", "typos"),
                          "--fail-on typos", "misquote")
    assert_one_line_error(run_cli("check", CHECK / "check_a.flac", text, "--second-model", tmp_path / "none"),
                          "--second-model", "no such folder")


@pytest.mark.slow
def test_run_writes_the_report_beside_the_captions(broadcast_run):
    data = json.loads((broadcast_run / "report.json").read_text("utf-8"))
    assert len(data["quotes"]) == 5 and all(q["verbatim"] for q in data["quotes"])
    page = (broadcast_run / "report.html").read_text("utf-8")
    assert 'src="../media/broadcast.flac"' in page


def test_the_same_number_read_another_way_is_not_a_changed_number():
    # "May 19" read as "May nineteenth" (heard "19th") is the same date; "20th" is another one
    assert classify(["may", "nineteen"], ["may", "nineteenth"], 0.9, Fit(-1.3, 1))[0] == RECOGNITION
    assert classify(["may", "nineteen"], ["may", "twentieth"], 0.9, Fit(-1.3, 1))[0] == WORDING
    # "7:42" said "seven forty-two" and written "742" by the recognizer is the same time; 700 is not 7
    assert classify(["seven", "forty", "two"], ["seven", "hundred", "forty", "two"], 0.9, Fit(-1.3, 1))[0] \
        == RECOGNITION
    assert classify(["seven"], ["seven", "hundred"], 0.9, Fit(-1.3, 1))[0] == WORDING
    # "one" before what is counted is a number ("7%" heard "1%"), elsewhere mostly not ("one of them")
    assert classify(["seven", "per", "cent"], ["one", "per", "cent"], 0.9, Fit(-1.3, 1))[0] == WORDING
    assert classify(["a", "hundred", "years"], ["one", "hundred", "years"], 0.9, Fit(-1.3, 1))[0] == RECOGNITION
    assert classify(["seven", "per", "cent"], [], None, Fit(-9.0, 3))[0] == WORDING  # a number left out


def test_a_number_heard_as_a_word_that_sounds_like_another_number_is_a_changed_number():
    # a quote's "two" published as "three" and heard "to": no slack, as for "two"; "four" heard "for" is the same
    assert classify(["three"], ["to"], 0.46, Fit(-5.5, 1))[0] == WORDING
    assert classify(["three"], ["two"], 0.46, Fit(-5.5, 1))[0] == WORDING
    assert classify(["four"], ["for"], 0.46, Fit(-1.5, 1))[0] == RECOGNITION
    assert classify(["walked", "to"], ["walked", "two"], 0.46, Fit(-1.5, 1))[0] == RECOGNITION  # no number published


@pytest.mark.parametrize("published, heard, same", [
    ("2:15", "2.15", True), ("7:42,", "742", True), ("12:30”", "12:30.", True),
    ("2:15", "2.16", False), ("3.5", "35", False),  # a decimal is not a time
])
def test_a_clock_time_written_as_the_recognizer_writes_it_is_the_same(published, heard, same):
    assert _same_time([published], [heard]) == same


def test_two_witnesses_each_close_to_its_line_are_weak_evidence():
    # JFK's "can" published as "could": the model (+0.25 per piece) and the phonetic aligner (+12 over its line)
    # both barely find a mishearing
    kind, reason = classify(["could"], ["can"], 0.9, Fit(-5.7, 1), acoustic=-47.8)
    assert kind == UNCERTAIN and "close to its line" in reason
    assert classify(["could"], ["can"], 0.9, Fit(-1.0, 1), acoustic=-47.8)[0] == RECOGNITION  # the model is sure


def test_an_unheard_word_never_takes_the_heard_word_of_a_timed_one():
    # “I have the flu,” ... “the recording is new.”: "the flu" was not heard (the speaker said "a cold"), and the
    # next quote's "the" was heard at 3.0 s, where the alignment timed it; jiwer's tie between equal alignments gave
    # that "the" to "the flu" and left the next quote without one
    from aligner.align import AlignedWord, Alignment
    from aligner.check import _taken_from_timed_words
    from aligner.pipeline import Aligned
    from aligner.text import parse_text
    from aligner.transcribe import Transcript

    doc = parse_text("“I have the flu,” he says, adding that “the recording is new.”")
    times = {0: 0.0, 1: 0.4, 8: 3.0, 9: 3.4, 10: 3.8, 11: 4.2}
    words = tuple(AlignedWord(w.text, times.get(k), times[k] + 0.3 if k in times else None,
                              "matched" if k in times else "omitted" if k < 4 else "unspoken", None,
                              w.char_start, w.char_end, w.sentence, w.paragraph) for k, w in enumerate(doc.words))
    heard = [HeardWord(w, a, a + 0.3, 0.9) for w, a in (("I", 0.0), ("have", 0.4), ("the", 3.0), ("reporting", 3.4),
                                                          ("is", 3.8), ("new.", 4.2))]
    aligned = Aligned(REAL / "none.wav", doc, Transcript(tuple(heard), (), 5.0, "tiny.en", "en"),
                      Alignment(words, (), 6, 5))
    p_word = [0, 1, 2, 3, 8, 9, 10, 11]  # the tokens "i have the flu the recording is new"
    units = _units(heard)
    # as jiwer broke the tie: "the flu" against "the reporting", "the recording" deleted
    chunks = [Chunk("equal", 0, 3, 0, 3), Chunk("substitute", 3, 4, 3, 4), Chunk("delete", 4, 6, 4, 4),
              Chunk("equal", 6, 8, 4, 6)]
    assert _taken_from_timed_words(aligned, chunks, p_word, units, list(range(len(units)))) == {2}
    # a heard word no timed word holds (here: none timed at all) may be paired with an unheard one
    untimed = Aligned(aligned.audio_path, doc, aligned.transcript,
                      Alignment(tuple(w if k < 4 else AlignedWord(w.text, None, None, "omitted", None, w.char_start,
                                                                  w.char_end, w.sentence, w.paragraph)
                                      for k, w in enumerate(words)), (), 6, 0))
    assert _taken_from_timed_words(untimed, chunks, p_word, units, list(range(len(units)))) == set()


def test_speech_beside_an_unheard_word_is_taken_word_for_word_when_nothing_sounds_alike():
    # “I think this is probably fine.”: "fine." unheard, the speaker went on "good all right thanks"; no number of
    # those words is spelled like "fine", so it is compared with as many as it has (one), not "good all right"
    from aligner.align import AlignedWord, Alignment, Unscripted
    from aligner.check import _Region, _with_speech_beside
    from aligner.pipeline import Aligned
    from aligner.text import parse_text
    from aligner.transcribe import Transcript

    doc = parse_text("“I think this is probably fine.”")
    words = tuple(AlignedWord(w.text, 0.4 * k if k < 5 else None, 0.4 * k + 0.3 if k < 5 else None,
                              "matched" if k < 5 else "omitted", None, w.char_start, w.char_end, w.sentence,
                              w.paragraph) for k, w in enumerate(doc.words))
    said = [HeardWord(w, 0.4 * k, 0.4 * k + 0.3, 0.9) for k, w in enumerate("I think this is probably".split())]
    after = tuple(HeardWord(w, 2.0 + 0.4 * k, 2.3 + 0.4 * k, 0.9)
                  for k, w in enumerate("good all right thanks".split()))
    aligned = Aligned(REAL / "none.wav", doc, Transcript((*said, *after), (), 4.0, "tiny.en", "en"),
                      Alignment(words, (Unscripted("good all right thanks", 2.0, after[-1].end, True, after),), 9, 5))
    units = _units([*said, *after])
    region = _with_speech_beside(aligned, units, _Region((5,), (), ("fine",), (), 4), set())
    assert region.h_tokens == ("good",)
    # a word heard as two that sound like it together ("HIMARS" as "high Mars") takes both
    doc = parse_text("“I think this is probably HIMARS.”")
    after = tuple(HeardWord(w, 2.0 + 0.4 * k, 2.3 + 0.4 * k, 0.9) for k, w in enumerate("high Mars thanks".split()))
    aligned = Aligned(REAL / "none.wav", doc, Transcript((*said, *after), (), 4.0, "tiny.en", "en"),
                      Alignment(words, (Unscripted("high Mars thanks", 2.0, after[-1].end, True, after),), 8, 5))
    region = _with_speech_beside(aligned, _units([*said, *after]), _Region((5,), (), ("himars",), (), 4), set())
    assert region.h_tokens == ("high", "mars")


@pytest.mark.slow
@pytest.mark.parametrize("typed", [str, str.upper], ids=["as written", "in capitals"])
def test_a_text_typed_in_capitals_is_judged_as_the_same_words_in_lower_case(typed):
    # a typography sweep of real-speech texts (stop 42): typed in capitals, "NATION" was taken for a name the
    # recognizer did not know, and the changed quote was only "uncertain"
    from aligner.align import align
    from aligner.pipeline import Aligned
    from aligner.report import NOT_VERBATIM
    from aligner.text import parse_text
    from aligner.transcribe import transcribe

    transcript = transcribe(REAL / "jfk.flac")
    doc = parse_text(typed("Kennedy said: “And so my fellow Americans, ask not what your nation can do for you, "
                           "ask what you can do for your country.”"))
    report = check(Aligned(REAL / "jfk.flac", doc, transcript, align(doc, transcript)))
    [changed] = report.differences
    assert (changed.published.lower(), changed.heard, changed.kind) == ("nation", "country", WORDING)
    assert [q.verdict for q in report.quotes] == [NOT_VERBATIM]


@pytest.mark.slow
def test_garbled_heard_words_in_a_shared_window_do_not_silence_the_phonetic_witness_elsewhere():
    # calibration fresh31: "One body, a cantilever-fishing net" heard where "The catch" was said was too many sounds
    # for its time; the window it shared with seven other differences had no phonetic path, and none was witnessed
    from dataclasses import replace

    from aligner.align import align
    from aligner.pipeline import Aligned
    from aligner.text import parse_text
    from aligner.transcribe import transcribe

    transcript = transcribe(REAL / "jfk.flac")
    heard = list(transcript.words)
    [k] = [k for k, w in enumerate(heard) if w.text.strip(" ,").lower() == "americans"]
    heard[k] = replace(heard[k], text="Constantinopolitanization-extraordinarily-incomprehensibilities,")
    doc = parse_text("And so my fellow Americans, ask not what your country could do for you, ask what you can do "
                     "for your country.")
    garbled = replace(transcript, words=tuple(heard))
    report = check(Aligned(REAL / "jfk.flac", doc, garbled, align(doc, garbled)))
    [changed] = [d for d in report.differences if d.published == "could"]
    assert changed.acoustic is not None
