"""Verdicts an editor can trust: partial quotes accepted, a reporter's words never counted as errors, verbatim
quotes full of contractions not flagged, changed quotes flagged, and one answer from every output."""
from __future__ import annotations

import itertools
import json
from dataclasses import replace

import pytest

from aligner.align import AlignedWord, Alignment, Unscripted, align, align_words
from aligner.check import CheckOptions, _gap, _placed_in_doubt, check, passage_verdict
from aligner.errors import MismatchError
from aligner.pipeline import Aligned, align_files
from aligner.quotes import find_quotes
from aligner.report import WORDING, Difference
from aligner.run import spoken_captions
from aligner.text import parse_text
from aligner.transcribe import HeardWord, Transcript

from conftest import MEDIA, REAL, run_cli

SONNET_REVIEW = ("Sonnet review\n\nThe reading opens plainly. In the first lines the reader gives us "
                 "“From fairest creatures we desire increase, That thereby beauty’s rose might never die,” "
                 "and the rest follows at the same calm pace.\n")
JFK_INTRO = "In his inaugural address, the new President told the crowd: "


def heard(text: str, start: float = 0.0, step: float = 0.4) -> list[HeardWord]:
    return [HeardWord(w, round(start + k * step, 3), round(start + k * step + 0.3, 3), 0.9)
            for k, w in enumerate(text.split())]


def test_a_text_quoting_a_small_part_of_a_long_recording_is_accepted():
    speech = ("good evening and welcome " * 30 + "we choose to go to the moon in this decade and do the other things "
              + "thank you all " * 30)
    doc = parse_text("A review. He said “we choose to go to the moon in this decade” the critic wrote.")
    alignment = align(doc, Transcript(tuple(heard(speech)), (), 80.0, "tiny.en", "en"))
    said = [w.text for w in alignment.words if w.spoken]
    assert said[:2] == ["“we", "choose"] and said[-1] == "decade”"
    assert alignment.coverage < 0.2


def test_a_wording_difference_in_a_quote_heard_better_elsewhere_is_uncertain_with_the_other_place():
    # the alignment put the story's last quote on "we've got to move" (as on a real espeak talk): 3 of its 9 words
    # as published, while "We'll be ready. We got to meet." apart from the text holds 7 of them in their order
    doc = parse_text("“We’ll be ready. We’ve got to be.”")
    place = {"We’ve": ("we've", 66.9, 67.2, "matched"), "got": ("got", 67.2, 67.4, "matched"),
             "to": ("to", 67.4, 67.5, "matched"), "be.”": ("move", 67.6, 67.9, "substituted")}
    words = tuple(AlignedWord(w.text, *(place[w.text][1:3] if w.text in place else (None, None)),
                              place[w.text][3] if w.text in place else "unspoken",
                              place[w.text][0] if w.text in place else None, w.char_start, w.char_end, w.sentence,
                              w.paragraph) for w in doc.words)
    later = tuple(heard("we'll be ready. we got to meet.", start=132.5))
    alignment = Alignment(words, (Unscripted("we'll be ready. we got to meet.", 132.5, later[-1].end, False, later),),
                          20, 4)
    aligned = Aligned(REAL / "none.wav", doc, Transcript(later, (), 140.0, "tiny.en", "en"), alignment)
    (quote,) = find_quotes(doc)
    be = doc.words[-1]
    wording = Difference("be.”", "move", 67.6, 67.9, be.char_start, be.char_end, WORDING, "different words")
    (judged,) = _placed_in_doubt(aligned, [wording], [quote])
    assert judged.kind == "uncertain" and "7 of the quote's 9 words were heard in order at 2:12.500" in judged.reason
    # where the quote was placed on more of its words than are heard apart, the wording difference stands
    later = tuple(heard("we got to go", start=132.5))
    apart = replace(alignment, unscripted=(Unscripted("we got to go", 132.5, later[-1].end, False, later),))
    assert _placed_in_doubt(replace(aligned, alignment=apart), [wording], [quote]) == [wording]


def test_unheard_first_words_of_a_quote_said_before_the_text_around_it_are_looked_for_where_it_was_said():
    # the second quote was said at 3-5 s, before the first (10-12 s): its unheard first word belongs in the time
    # before "believed", not between the first quote's end and "believed" (a gap running backwards, in which no
    # speech was ever found, and the word was called never said)
    doc = parse_text("“We will build it,” she said. Earlier: “Nobody believed the valley could pay.”")
    times = {"“We": 10.0, "will": 10.5, "build": 11.0, "it,”": 11.5, "believed": 3.0, "the": 3.5, "valley": 4.0,
             "could": 4.5, "pay.”": 5.0}
    words = tuple(AlignedWord(w.text, times.get(w.text), times[w.text] + 0.4 if w.text in times else None,
                              "matched" if w.text in times else "omitted" if w.text == "“Nobody" else "unspoken",
                              w.text if w.text in times else None, w.char_start, w.char_end, w.sentence, w.paragraph)
                  for w in doc.words)
    aligned = Aligned(REAL / "none.wav", doc, Transcript((), (), 14.0, "tiny.en", "en"),
                      Alignment(words, (), 10, 9))
    nobody = next(k for k, w in enumerate(doc.words) if w.text == "“Nobody")
    assert _gap(aligned, nobody, nobody) == (0.0, 3.0)


def test_a_hesitation_the_writer_kept_does_not_break_the_run_that_anchors_a_short_quote():
    # real38's cold corpus text: the quote's only five words in a row as heard are "different than the acoustic
    # corpus", with the writer's "uh" among them, which Whisper does not write
    doc = parse_text("With a cold, he says, “I probably sound no different than the, uh, acoustic corpus.”")
    speech = ("so I probably spent quite different than the acoustic corpus. The reporting environment is also "
              "different.")
    alignment = align(doc, Transcript(tuple(heard(speech)), (), 12.0, "tiny.en", "en"))
    assert alignment.anchors[0] == 5
    with pytest.raises(MismatchError, match="does not match"):  # without those five, still refused
        align(parse_text("With a cold, he says, “I probably sound no different than the, uh, acoustic lab.”"),
              Transcript(tuple(heard(speech)), (), 12.0, "tiny.en", "en"))


def test_unrelated_text_is_refused_even_when_short_runs_match():
    doc = parse_text("The end of the world is near, said the man in the street, and then the rain came.")
    speech = "in the world today the end of all things is near the street in the rain we go"
    with pytest.raises(MismatchError, match="does not match"):
        align(doc, Transcript(tuple(heard(speech)), (), 10.0, "tiny.en", "en"))


def test_reporters_words_are_unspoken_and_a_word_left_out_of_a_quote_is_omitted():
    doc = parse_text(JFK_INTRO + "“ask not what your country can do for you, ask what you can do for your nation.”")
    speech = "ask not what your country can do for you ask what you can do for country"
    result = align_words(doc.words, heard(speech), 8.0,
                         quote_of=[None] * 10 + [0] * (len(doc.words) - 10))
    status = {w.text: w.status for w in result.words}
    assert all(status[w] == "unspoken" for w in JFK_INTRO.split())
    assert status["your"] in ("omitted", "matched") and status["ask"] == "matched"


def test_speech_left_out_at_an_ellipsis_or_said_for_bracketed_words_is_unscripted_not_inserted():
    speech = "and so my fellow americans ask not what your country can do for you ask what you can do for your country"
    doc = parse_text("“And so, my fellow Americans … ask what you can do for [America].”")
    alignment = align(doc, Transcript(tuple(heard(speech)), (), 10.0, "tiny.en", "en"))
    status = {w.text: w.status for w in alignment.words}
    assert status["[America].”"] == "unspoken" and status["Americans …"] == "matched"
    said = {u.text: u.inside for u in alignment.unscripted}
    assert said == {"ask not what your country can do for you": False, "your country": False}
    # without the editor's ellipsis the same speech is inserted into the sentence
    plain = align(parse_text("“And so, my fellow Americans ask what you can do for your country.”"),
                  Transcript(tuple(heard(speech)), (), 10.0, "tiny.en", "en"))
    assert [(u.text, u.inside) for u in plain.unscripted] == [("ask not what your country can do for you", True)]


def test_the_reporters_sentence_before_a_quote_is_not_paired_with_the_speakers_first_word():
    # "He said he had" begins a sentence of the reporter's; the speaker's "Never" began the quote: the reporter's
    # words were never spoken, and "Never" is speech the text left out, not their misheard form
    doc = parse_text("“I have been driving this tractor since I was fourteen,” said Sean, 71.\n\n"
                     "He said he had “seen the roads so full you would think it was the final.”")
    speech = ("i have been driving this tractor since i was fourteen said sean 71. never seen the roads so full you "
              "would think it was the final.")
    alignment = align(doc, Transcript(tuple(heard(speech)), (), 12.0, "tiny.en", "en"))
    status = {w.text: w.status for w in alignment.words}
    assert [status[w] for w in ("He", "said", "had")] == ["unspoken"] * 3
    assert [u.text for u in alignment.unscripted] == ["never"]


def test_speech_between_a_quotes_end_and_the_reporters_words_after_it_is_not_inserted_into_the_sentence():
    # the closing quotation mark is the writer's cut, as an ellipsis is: the speaker went on past it
    doc = parse_text("“We will win the cup this year,” the coach said.")
    speech = "we will win the cup this year and we will do it in style the coach said"
    alignment = align(doc, Transcript(tuple(heard(speech)), (), 8.0, "tiny.en", "en"))
    assert [(u.text, u.inside) for u in alignment.unscripted] == [("and we will do it in style", False)]


@pytest.mark.parametrize("witness_hears_it", [True, False])
def test_a_garbled_quote_said_before_the_text_puts_it_is_taken_where_the_phonetic_witness_hears_it(witness_hears_it):
    # "The fans were" in a row, then "brilliant again" heard "really into game": too little to anchor the quote by
    # spelling, so only the phonetic witness can tell a quote said there from one nobody said
    doc = parse_text("“Next up is Saturday at home,” he said. “The fans were brilliant again today,” he said.")
    speech = ("the fans were really into game today nearly three thousand of them came. "
              "so next up is saturday at home and we will be ready.")
    asked = []

    def witness(published, said):
        asked.append((" ".join(published), " ".join(w.text for w in said)))
        return witness_hears_it

    alignment = align(doc, Transcript(tuple(heard(speech)), (), 12.0, "tiny.en", "en"), witness)
    fans = [w for w in alignment.words if w.text in ("“The", "brilliant", "today,”")]
    assert [w.spoken for w in fans] == [witness_hears_it] * 3
    assert ("“The fans were brilliant again today,”", "the fans were really into game today") in asked


def test_the_reporters_words_right_after_a_quote_are_not_paired_by_spelling_with_the_speech_that_went_on():
    # "with real weight." spells like "to eat the world's" (0.72), the rest of the line the quote stopped in: with
    # no phonetic witness to find the reporter's words in that sound, they are text never spoken
    doc = parse_text("“Pity the world, or else this glutton be” with real weight.")
    speech = "pity the world, or else this glutton be to eat the world's due, by the grave and thee."
    alignment = align(doc, Transcript(tuple(heard(speech)), (), 8.0, "tiny.en", "en"))
    assert [w.status for w in alignment.words[-3:]] == ["unspoken"] * 3
    assert [u.text for u in alignment.unscripted] == ["to eat the world's due, by the grave and thee."]


@pytest.mark.slow
@pytest.mark.parametrize("quote, verdict", [
    ("what your country can do for you.", "uncertain"),  # Kennedy's "ask not" said right before it: listen
    ("ask what you can do for your country.", "verbatim"),  # "for you," before it: an ordinary partial quote
])
def test_a_negation_said_right_before_a_quote_is_asked_about(tmp_path, quote, verdict):
    text = tmp_path / "story.txt"
    text.write_text(f"Kennedy’s plea\n\nThe new President had a plea for Americans. In his words: “{quote}”\n",
                    encoding="utf-8")
    (judged,) = check(align_files(REAL / "jfk.flac", text)).quotes
    assert judged.verdict == verdict, judged.differences
    assert [d.heard for d in judged.differences] == (["not"] if verdict == "uncertain" else [])


@pytest.mark.slow
@pytest.mark.parametrize("framing, quote, verdict", [
    ("She said she was talking", "slow and slightly lower in intensity", "uncertain"),  # "really" cut off: listen
    ("She said:", "this is me talking really slow", "verbatim"),  # a hesitation before it, no qualifier
])
def test_a_qualifier_said_right_before_a_quote_is_asked_about(tmp_path, framing, quote, verdict):
    # the real spontaneous recording: "um this is me talking really slow and slightly lower in intensity"
    text = tmp_path / "story.txt"
    text.write_text(f"A corpus speaks\n\n{framing} “{quote}”\n", encoding="utf-8")
    (judged,) = check(align_files(REAL / "acoustic_corpus.wav", text)).quotes
    assert judged.verdict == verdict, judged.differences
    assert [d.heard for d in judged.differences] == (["really"] if verdict == "uncertain" else [])


@pytest.mark.slow
@pytest.mark.parametrize("quote, verdict", [
    ("And so, my fellow Americans … ask what you can do for your country.", "verbatim"),  # a whole clause cut
    ("And so, my fellow Americans: ask not what [America] can do for you — ask what you can do for your "
     "country.", "verbatim"),  # the writer's words in brackets
    ("And so, my fellow Americans: ask … what your country can do for you — ask what you can do for your "
     "country.", "uncertain"),  # a negation cut at an ellipsis may reverse the quote: listen
    ("And so, my fellow Americans: ask what your country can do for you — ask what you can do for your "
     "country.", "not verbatim"),  # the same without the ellipsis: a negation left out
])
def test_an_editors_ellipsis_and_brackets_in_a_real_quote(tmp_path, quote, verdict):
    text = tmp_path / "story.txt"
    text.write_text(f"Kennedy said: “{quote}”\n", encoding="utf-8")
    report = check(align_files(REAL / "jfk.flac", text))
    (judged,) = report.quotes
    assert judged.verdict == verdict, judged.differences


OUT_OF_ORDER_REVIEW = """Opinion | Diplomacy

By A. Columnist — 29 Nov. 2026

On the radio this week, America’s top diplomat sounded upbeat. NATO, he said, “has emerged stronger and larger \
than ever,” and the allies would keep paying.

He went further: “It has to be a just peace that upholds the principles of the U.N. Charter.” Easier said than done.

He promised that the support would last “for as long as it takes for Ukraine to defend its sovereignty.”
"""


@pytest.mark.slow
def test_quotes_of_a_broadcast_out_of_its_order_are_judged_where_they_were_said(tmp_path):
    # a review quotes the broadcast's end before its middle: each quote is aligned where it was said and judged
    # (before, two were only found among the speech the alignment did not follow, and called uncertain); the
    # reporter's "the support would last" is never compared with the speaker's "will endure"
    review = tmp_path / "review.txt"
    review.write_text(OUT_OF_ORDER_REVIEW, encoding="utf-8")
    report = check(align_files(MEDIA / "broadcast.flac", review))
    truth = json.loads((MEDIA / "broadcast.truth.json").read_text("utf-8"))
    peace, emerged = (next(s for s in truth["sentences"] if words in s["text"]) for words in ("just peace", "emerged"))
    assert [q.verdict for q in report.quotes] == ["verbatim", "verbatim", "verbatim"]
    assert emerged["start"] < report.quotes[0].start < report.quotes[0].end <= emerged["end"] + 0.5  # quoted first
    assert report.quotes[1].start == pytest.approx(peace["start"], abs=0.5)  # said at 2:20, quoted second
    assert not [d for d in report.differences if d.kind == WORDING]
    clips = tmp_path / "clips"
    result = run_cli("clip", MEDIA / "broadcast.flac", review, "--quotes", "-o", clips)
    assert result.returncode == 0, result.stderr
    index = json.loads((clips / "quotes.json").read_text("utf-8"))
    assert [q["verdict"] for q in index] == ["verbatim", "verbatim", "verbatim"]
    assert all((clips / q["captions"]).read_text("utf-8").count("-->") >= 1 for q in index)


def test_the_reporters_words_before_a_quote_are_not_paired_with_what_the_speaker_said():
    # "He added that" stands before the quote; the speaker's "recording" was heard as "reporting"
    doc = parse_text("He said: “I have a cold so I sound different.” He added that “the recording room is "
                     "quite different.”")
    speech = "i have a cold so i sound different and the reporting room is quite different"
    alignment = align(doc, Transcript(tuple(heard(speech)), (), 8.0, "tiny.en", "en"))
    status = {w.text: w.status for w in alignment.words}
    assert [status[w] for w in ("He", "added", "that")] == ["unspoken"] * 3
    assert status["“the"] == "matched" and status["recording"] == "substituted"


def sonnet_review(tmp_path, text: str) -> Aligned:
    """A review written by hand about the real sonnet reading, aligned with it."""
    review = tmp_path / "review.txt"
    review.write_text(text, encoding="utf-8")
    return align_files(REAL / "p001.mp3", review)


def aligned_story(tmp_path, text: str) -> Aligned:
    """A story written by hand about the committed broadcast, aligned with it."""
    story = tmp_path / "story.txt"
    story.write_text(text, encoding="utf-8")
    return align_files(MEDIA / "broadcast.flac", story)


@pytest.mark.slow
def test_a_quote_misheard_at_its_end_keeps_its_words_when_the_speech_goes_on(tmp_path):
    # a story quoting one sentence of the broadcast, whose "unity of action" was heard "unity on action." right
    # before the speech the story leaves out; the reporter's "he told reporters" was never said
    aligned = aligned_story(tmp_path, "NATO ministers meet in Brussels\n\nSecretary Blinken praised the alliance on "
                            "Friday. “We’ve demonstrated again our unity of purpose and our unity of action,” he told "
                            "reporters.\n")
    quote = find_quotes(aligned.document)[0]
    words = aligned.alignment.words
    assert all(w.spoken for w in words[quote.first_word:quote.last_word + 1])
    assert [w.status for w in words[quote.last_word + 1:]] == ["unspoken"] * 3
    assert [q.verdict for q in check(aligned).quotes] == ["verbatim"]


@pytest.mark.slow
def test_a_quote_taken_up_in_the_middle_of_a_sentence_is_verbatim(tmp_path):
    # the quote opens at "demonstrated", which the speaker said after "We've" (left out): the word alignment
    # had paired it with a look-alike a minute earlier; the reporter's "Blinken said NATO had" was never said
    aligned = aligned_story(tmp_path, "Blinken said NATO had “demonstrated again our unity of purpose … I am confident "
                            "that that will endure for as long as it takes.”\n")
    assert [w.status for w in aligned.alignment.words[:4]] == ["unspoken"] * 4
    assert aligned.alignment.words[4].spoken
    assert [q.verdict for q in check(aligned).quotes] == ["verbatim"]


@pytest.mark.slow
@pytest.mark.parametrize("joint, asked", [(" ", True), (" … ", False)])
def test_speech_a_quote_leaves_out_between_its_sentences_is_asked_about_without_an_ellipsis(tmp_path, joint, asked):
    # the speaker said "…the UN Charter – sovereignty, territorial integrity, independence – and it has to be a
    # durable peace"; the quote leaves the middle out, marked with an ellipsis or not
    quote = check(aligned_story(tmp_path, f"“It has to be a just peace that upholds the principles of the UN "
                                          f"Charter.{joint}It has to be a durable peace,” Blinken said.\n")).quotes[0]
    unmarked = [d for d in quote.differences if "no ellipsis" in d.reason]
    assert bool(unmarked) == asked
    if asked:
        assert quote.verdict == "uncertain" and "territorial integrity" in unmarked[0].heard


@pytest.mark.slow
def test_a_pull_quote_repeating_a_quote_takes_its_verdict(tmp_path):
    article = (MEDIA / "article.txt").read_text("utf-8")
    last = find_quotes(parse_text(article))[-1].text
    text = tmp_path / "article.txt"
    text.write_text(f"{article}\n\n“{last}”\n", encoding="utf-8")  # printed again at the foot of the page
    report = check(align_files(MEDIA / "broadcast.flac", text))
    assert report.quotes[-1].text == report.quotes[-2].text == last
    assert report.quotes[-1].verdict == report.quotes[-2].verdict == "verbatim"
    assert report.quotes[-1].char_start > report.quotes[-2].char_end


@pytest.mark.slow
def test_a_headline_quoting_a_few_words_of_a_quote_takes_its_verdict(tmp_path):
    # the headline's ‘rest and refit’ is never read out; the body's quote that holds it was said
    # (the quote starts at "that Russia": its speech says "It has to be a" twice, and where the recognizer hears "a
    # durable" as "adorable" the alignment takes the first, 11 s early, a fault this test is not about)
    quotes = check(aligned_story(tmp_path, "Blinken: Russia must not ‘rest and refit’\n\nThe secretary was clear. "
                                           "Peace must ensure, he said, “that Russia can’t simply rest and refit its "
                                           "troops and then relaunch the war.”\n")).quotes
    assert [(q.text, q.verdict) for q in quotes][0] == ("rest and refit", "verbatim")
    assert quotes[0].start == pytest.approx(quotes[1].start, abs=10) and quotes[0].start > quotes[1].start


@pytest.mark.slow
def test_review_quoting_two_lines_of_the_real_sonnet_is_accepted_with_verbatim_quotes(tmp_path):
    aligned = sonnet_review(tmp_path, SONNET_REVIEW)
    report = check(aligned)
    (quote,) = report.quotes
    assert quote.spoken and quote.verbatim, quote.differences
    assert report.coverage < 0.5
    assert report.spoken_words == sum(w.spoken for w in aligned.alignment.words) < len(aligned.alignment.words) / 2
    assert any("reading opens plainly" in u.text for u in report.unspoken)


@pytest.mark.slow
def test_review_quoting_the_first_and_the_last_lines_of_the_real_sonnet_counts_only_what_it_quotes(tmp_path):
    """The reporter's "Later the closing line lands hard:" met the reading's "but as the" (its "the" as
    written), and the 38 s of lines between the quotes counted as 82 words inserted: a word error rate of 336%."""
    aligned = sonnet_review(tmp_path, "Books\n\nThe reader takes the opening couplet slowly: “From fairest creatures "
                            "we desire increase, That thereby beauty’s rose might never die.” Later the closing line "
                            "lands hard: “To eat the world’s due, by the grave and thee.”\n")
    report = check(aligned)
    assert [q.verdict for q in report.quotes] == ["verbatim", "verbatim"]
    assert any(u.text == "Later the closing line lands hard:" for u in report.unspoken)
    assert report.measures.insertions == 0 and report.measures.wer < 0.1
    assert any(u.end - u.start > 30 and not u.inside for u in report.unscripted)


@pytest.mark.slow
def test_a_reporters_words_right_after_a_quote_in_the_same_sentence_are_never_spoken_not_a_change(tmp_path):
    """Before, the reporter's "with real weight." was paired with the reading's "to eat the world's", the rest of
    the line the quote stops in, and reported as a wording difference."""
    aligned = sonnet_review(tmp_path, "Books\n\nLater the poem turns on its listener: “Pity the world, or else this "
                            "glutton be” with real weight.\n")
    report = check(aligned)
    assert [q.verdict for q in report.quotes] == ["verbatim"]
    assert not report.differences
    assert any(u.text == "with real weight." for u in report.unspoken)


@pytest.mark.slow
def test_a_quote_joining_two_sentences_in_the_other_order_is_uncertain_not_a_misquote(tmp_path):
    """Its second sentence was said a few seconds before its first: compared with the speech after the first, it
    was a confident NOT VERBATIM with evidence that was not true ("We’ve demonstrated…" against "for Ukraine to
    defend…")."""
    aligned = aligned_story(tmp_path, "Blinken: ‘Unity will endure’\n\nThe top U.S. diplomat was upbeat. “I am "
                            "confident that that will endure for as long as it takes. We’ve demonstrated again our "
                            "unity of purpose,” Blinken told reporters.\n")
    quote = check(aligned).quotes[1]
    assert quote.verdict == "uncertain"
    (difference,) = [d for d in quote.differences if d.published.startswith("We’ve")]
    assert "heard at 1:18" in difference.reason


@pytest.mark.slow
def test_a_quotes_unheard_first_word_is_compared_with_the_heard_word_most_like_it(tmp_path):
    """The quote opens at "that" of "a durable peace that ensures…", heard "a durable peace-net ensures…": the
    speaker's words before the quote are not the quote's, so "that" is compared with "peace-net" alone, not with
    "a durable peace-net" (whose model score, missing "a durable peace", made any change look certain)."""
    aligned = aligned_story(tmp_path, "Any peace in Ukraine must be durable, Blinken said, one “that ensures that "
                            "Russia can’t simply rest and refit its troops.”\n")
    (difference,) = [d for d in check(aligned).quotes[0].differences if d.published == "“that"]
    assert difference.heard == "peace-net"


@pytest.mark.slow
def test_a_review_quoting_the_sonnets_last_line_before_its_first_judges_each_where_it_was_said(tmp_path):
    """Before, the alignment kept the text's order: the first quote took its place, the ones said before it were
    left unspoken and only found as *uncertain — listen*, and their words were captioned as the recognizer's."""
    aligned = sonnet_review(tmp_path, "Books\n\nThe reading ends on the sonnet’s sternest line, “Pity the world, or "
                            "else this glutton be,” and it is the right place to start. It opens gently: “From "
                            "fairest creatures we desire increase, That thereby beauty’s rose might never die.”\n")
    report = check(aligned)
    assert [q.verdict for q in report.quotes] == ["verbatim", "verbatim"]
    assert report.quotes[1].end < report.quotes[0].start
    assert report.measures.wer == 0
    said, cues = spoken_captions(aligned, report)
    shown = [w.text for w in said if w.start is not None and w.origin == "published"]
    assert shown[0] == "“From" and shown[-1] == "be,”"  # in the order they were said
    assert all(a.end <= b.start for a, b in itertools.pairwise(cues))


@pytest.mark.slow
def test_a_review_quoting_one_line_of_the_real_sonnet_with_a_word_changed_is_accepted_and_flagged(tmp_path):
    """Its only quote, "Making a famine where plenty lies", holds four words in a row and five in a chain: less
    than a text needs by chance alone, but the chain is the whole quotation. Before, the text was refused."""
    aligned = sonnet_review(tmp_path, "Books\n\nThe charge against the young man comes in one line: “Making a famine "
                            "where plenty lies,”\n")
    assert aligned.alignment.anchors == (4, 5, 5)
    (quote,) = check(aligned).quotes
    assert quote.verdict == "not verbatim"
    assert [(d.published, d.heard) for d in quote.differences] == [("plenty", "abundance")]


@pytest.mark.slow
def test_verse_lines_quoted_without_marks_are_found_between_the_reporters_words(tmp_path):
    """Lines of the reading set as verse, without quotation marks or end punctuation, like page lines: the
    reporter's "and the hall was silent…" met the reading's "and" by chance, and before, that left the verse no
    heard words, so the text was refused as not belonging to the audio."""
    review = tmp_path / "review.txt"
    review.write_text("Sonnet review\n\nThe reader closes with\n\nPity the world or else this glutton be\n"
                      "To eat the world’s due by the grave and thee\n\nand the hall was silent for a while.\n",
                      encoding="utf-8")
    aligned = align_files(REAL / "p001.mp3", review)
    verse = [w for w in aligned.alignment.words if w.paragraph in (2, 3)]
    assert len(verse) == 18 and all(w.spoken for w in verse)
    assert not any(w.spoken for w in aligned.alignment.words if w.paragraph in (0, 1, 4))


@pytest.mark.slow
@pytest.mark.parametrize("word, verbatim", [("glutton", True), ("wanton", False)])
def test_a_quote_of_the_sonnet_broken_over_lines_by_hand_gets_its_verdict(tmp_path, word, verbatim):
    """Two lines of the reading quoted as verse, the first without its comma: one quote, judged word by word
    (before, its lines were two paragraphs that no quotation spanned, and the first a page line)."""
    review = tmp_path / "review.txt"
    review.write_text(f"Sonnet review\n\nThe reader closes with\n\n“Pity the world, or else this {word} be\n"
                      "To eat the world’s due, by the grave and thee.”\n", encoding="utf-8")
    report = check(align_files(REAL / "p001.mp3", review))
    (quote,) = report.quotes
    assert quote.spoken and quote.verbatim is verbatim
    assert [d.published for d in quote.differences if d.kind == "wording"] == ([] if verbatim else ["wanton"])


@pytest.mark.slow
@pytest.mark.parametrize("ending, verbatim", [("country.", True), ("nation.", False)])
def test_jfk_quote_verbatim_or_changed(tmp_path, ending, verbatim):
    text = tmp_path / "story.txt"
    text.write_text(JFK_INTRO + "“And so my fellow Americans, ask not what your country can do for you, "
                    f"ask what you can do for your {ending}”\n", encoding="utf-8")
    report = check(align_files(REAL / "jfk.flac", text))
    (quote,) = report.quotes
    assert quote.verbatim is verbatim
    assert report.measures.wer < 0.1 if verbatim else report.measures.wer < 0.2  # the reporter's words: not errors
    assert any("told the crowd" in u.text for u in report.unspoken)


@pytest.mark.slow
def test_contractions_in_a_verbatim_quote_are_not_flagged():
    """The committed broadcast reads “I’m confident that we’ll continue…” and “We’ve demonstrated…” as written."""
    report = check(align_files(MEDIA / "broadcast.flac", MEDIA / "article.txt"))
    contracted = [q for q in report.quotes if "’" in q.text]
    assert len(contracted) >= 3 and all(q.verbatim for q in contracted)


@pytest.mark.slow
@pytest.mark.parametrize("audio, text", [(MEDIA / "broadcast.flac", MEDIA / "article.txt"),
                                         (REAL / "acoustic_corpus.wav", REAL / "acoustic_corpus.lab")])
def test_run_and_check_agree(tmp_path, audio, text):
    run = run_cli("run", audio, text, "-o", tmp_path / "out")
    assert run.returncode == 0, run.stderr
    checked = run_cli("check", audio, text, "--json", tmp_path / "check.json")
    assert checked.returncode == 0, checked.stderr
    alignment = json.loads((tmp_path / "out" / "alignment.json").read_text("utf-8"))
    from_run = json.loads((tmp_path / "out" / "report.json").read_text("utf-8"))
    from_check = json.loads((tmp_path / "check.json").read_text("utf-8"))
    def uncaptioned(passage: dict) -> dict:  # alignment.json also says which unscripted words the captions show
        return {k: [uncaptioned(w) for w in v] if k == "words" else v for k, v in passage.items() if k != "captioned"}

    assert [uncaptioned(u) for u in alignment["unscripted"]] == from_run["unscripted"] == from_check["unscripted"]
    spoken = sum(alignment["counts"][s] for s in ("matched", "substituted", "interpolated"))
    assert from_run["spoken_words"] == from_check["spoken_words"] == spoken
    assert from_run["omitted_words"] == from_check["omitted_words"] == alignment["counts"]["omitted"]
    assert from_run["reference_words"] == from_check["reference_words"]
    assert [q["verbatim"] for q in from_run["quotes"]] == [q["verbatim"] for q in from_check["quotes"]]


@pytest.mark.slow
def test_hesitations_left_out_of_a_quote_of_spontaneous_speech_are_no_change(tmp_path):
    """Whisper never writes "um" or "uh": a quote that keeps the speaker's fillers is still verbatim."""
    story = tmp_path / "story.txt"
    story.write_text("The speaker slowed down: “Um, this is me talking really slow and slightly lower in "
                     "intensity, uh, we’re just saying some words.”\n", encoding="utf-8")
    report = check(align_files(REAL / "acoustic_corpus.wav", story))
    (quote,) = report.quotes
    assert quote.verdict == "verbatim", quote.differences
    assert not any(d.published.strip("“”,").lower() in ("um", "uh") for d in report.differences)


@pytest.mark.parametrize("speech, verdict", [
    ("you wont read up to any scope be not curious i'm not not here to do", "uncertain"),  # misheard: listen
    ("and now a word about the weather for the weekend ahead of us all", "not verbatim"),  # something else
])
def test_a_quote_found_nowhere_with_speech_like_it_in_its_place_is_uncertain(speech, verdict):
    doc = parse_text("The comet passes Earth on Tuesday.\n\n“You won’t need a telescope — binoculars and a dark "
                     "field will do.”\n\nIt will return in about six thousand years.")
    said = f"the comet passes earth on tuesday. {speech}. it will return in about six thousand years."
    [quote] = find_quotes(doc)
    result = passage_verdict(aligned_by_hand(doc, said, 12.0), [], quote)
    assert result.verdict == verdict
    assert (result.start is not None) == (verdict == "uncertain")


def aligned_by_hand(doc, said: str, duration: float, audio=MEDIA / "none.flac") -> Aligned:
    """`doc` aligned with `said` (recognizer output written by hand, one word every 0.4 s) heard in `audio`."""
    transcript = Transcript(tuple(heard(said)), (), duration, "tiny.en", "en")
    return Aligned(audio, doc, transcript, align(doc, transcript))


def verdict_found_nowhere(text: str, said: str):
    """The verdict on the one quote of `text` when `said` (recognizer output, written by hand) was heard."""
    doc = parse_text(text)
    [quote] = find_quotes(doc)
    return passage_verdict(aligned_by_hand(doc, said, 40.0), [], quote)


@pytest.mark.parametrize("sentence, found", [("we all never great deal.", True), ("it was a long night.", False)])
def test_a_quote_found_nowhere_with_one_sentence_like_it_beside_it_is_uncertain(sentence, found):
    # the campaign group thanked at the end of a briefing: "We owe them a great deal" heard "We all never great
    # deal." among other sentences, too few of whose letters the quote shares as a whole
    result = verdict_found_nowhere("The unit reopens in April.\n\n“We owe them a great deal,” she told reporters.",
                                   f"the unit reopens in april. my thanks go to the campaign group who never let us "
                                   f"forget about this. {sentence} right, i'll stop there and take your questions.")
    assert (result.verdict == "uncertain") == found
    if found:
        assert [d.heard for d in result.differences] == [sentence]


@pytest.mark.parametrize("run, found", [("mud, fungus, and cement, and dust,", True),
                                        ("the river, the boats, and the nets,", False)])
def test_a_quote_found_nowhere_with_words_like_it_inside_a_sentence_beside_it_is_uncertain(run, found):
    # a mason's quote heard beyond recognition in the middle of one long recognized sentence (fresh38, calibration):
    # no sentence of that speech is like it, but a run of its words as long as the quote is
    result = verdict_found_nowhere(
        "The plastering ended at noon.\n\n“Mud forgives you, and cement never does,” he said.",
        f"the plastering ended at noon. some women ask why we do not use cement, a cement wall cannot breathe, and "
        f"in the hot season it cooks the people inside like bread in an oven, {run} if we make a mistake this year "
        f"we fix it next year, and nobody here is afraid of it.")
    assert (result.verdict == "uncertain") == found
    if found:
        assert [d.heard for d in result.differences] == [run]


@pytest.mark.parametrize("published, said, verbatim", [
    ("raised £2,500 at the summer fair", "raised two and a half thousand pounds at the summer fair", True),
    ("treated 1,200 patients in the first week", "treated 1200 patients in the first week", True),
    ("helped 500,000 families cut their bills", "helped half a million families cut their bills", True),
    ("spend £1.5 million on new bus shelters", "spend one and a half million pounds on new bus shelters", True),
    ("reopens on 22 September after a closure", "reopens on the 22nd of September after a closure", True),
    ("around 1,600 officers would be on duty", "around 1500 officers would be on duty", False),
    ("reopens on 23 September after a closure", "reopens on the 22nd of September after a closure", False),
])
def test_a_number_or_date_said_in_another_form_is_verbatim(published, said, verbatim):
    # a page writes numbers and dates in its house style; the speaker says them as people do, and the recognizer
    # writes them in digits or words: the same number or date is no difference, another one is
    doc = parse_text(f"Local news\n\nA spokesperson said the council “{published}.”\n")
    speech = f"a spokesperson said the council {said}."
    aligned = aligned_by_hand(doc, speech, 20.0, MEDIA / "broadcast.flac")
    report = check(aligned, CheckOptions(rescore=False, witness=False))
    assert [q.verdict for q in report.quotes] == ["verbatim" if verbatim else "not verbatim"]


SONNET_LINES = ("Sonnet review\n\nThe reader{a}s voice is calm. He opens with {o}From fairest creatures we desire "
                "increase, That thereby beauty{a}s rose might never die,{c} and later gives the line {o}Thou that art "
                "now the world{a}s fresh ornament{c} before he ends: {o}Pity the world, or else this wanton be, To eat "
                "the world{a}s due, by the grave and thee.{c}\n")


@pytest.mark.slow
def test_the_verdicts_do_not_depend_on_the_texts_typography(tmp_path):
    """One review of the real sonnet reading, typed as different newsrooms and web pages type it: quotation marks
    (straight, «…» with no-break spaces, „…“, single marks whose closing one is also the apostrophe), apostrophes
    (straight, modifier letter), and what a page carries unseen (a byte order mark, soft hyphens, a zero-width space,
    no-break spaces, CRLF line ends). Each must give the same quotes, verdicts, differences and unspoken text."""
    def plain(words: str) -> str:  # the words only: offsets and marks differ by design
        return " ".join("".join(ch for ch in words.lower().replace("ʼ", "") if ch.isalnum() or ch.isspace()).split())

    def judged(text: str) -> tuple:
        path = tmp_path / "review.txt"
        path.write_bytes(text.encode("utf-8"))
        report = check(align_files(REAL / "p001.mp3", path))
        return ([(q.verdict, plain(q.text)) for q in report.quotes],
                sorted((d.kind, plain(d.published), plain(d.heard)) for d in report.differences),
                [plain(u.text) for u in report.unspoken])

    curly = SONNET_LINES.format(o="“", c="”", a="’")
    expected = judged(curly)
    assert [verdict for verdict, _ in expected[0]] == ["verbatim", "verbatim", "not verbatim"]
    assert ("wording", "wanton", "glutton") in expected[1]
    unseen = ("\ufeff" + curly.replace("creatures", "crea\u00adtures").replace("with “", "with\u00a0“")
              .replace("calm. ", "calm. \u200b").replace("\n", "\r\n"))
    for o, c, a in (('"', '"', "'"), ("«\u00a0", "\u00a0»", "’"), ("„", "“", "’"), ("‘", "’", "’"),
                    ("'", "'", "'"), ("“", "”", "ʼ")):
        assert judged(SONNET_LINES.format(o=o, c=c, a=a)) == expected, (o, c, a)
    assert judged(unseen) == expected


@pytest.mark.parametrize("went_on, compared", [("its sanity, people", "its sanity,"),  # went on without a pause
                                               ("its. so people", "its.")])  # ended a sentence there
def test_a_quotes_unheard_last_word_is_compared_with_the_speech_the_speaker_went_on_into(went_on, compared):
    # fresh38 (calibration): “…if you spend it panicking,” heard "…spend its sanity, people ask me…", where the
    # speech after the quote is not the text's; "it panicking" was compared with "its" alone and called a change
    doc = parse_text("“Half a minute is a very long time if you spend it panicking,” said the singer.\n\n"
                     "He has sung since he was a boy.")
    said = (f"half a minute is a very long time if you spend {went_on} ask me how i do it. i don't know, it is "
            f"like riding a bicycle down a hill. he has sung since he was a boy.")
    aligned = aligned_by_hand(doc, said, 20.0)
    [difference] = [d for d in check(aligned, CheckOptions(rescore=False, witness=False)).quotes[0].differences]
    assert (difference.published, difference.heard) == ("it panicking,”", compared)
