"""Alignment edge cases on hand-written recognizer output (the real recognizer is tested elsewhere)."""
import itertools
import json
from pathlib import Path

import pytest

from aligner.align import align, align_words, confirm_edge_words, said_order
from aligner.errors import MismatchError
from aligner.text import parse_text
from aligner.transcribe import HeardWord, Transcript


def heard(text: str, start: float = 0.0, step: float = 0.4) -> list[HeardWord]:
    """Recognized words, one every `step` seconds, each lasting 0.3 s."""
    return [HeardWord(w, round(start + k * step, 3), round(start + k * step + 0.3, 3), 0.9)
            for k, w in enumerate(text.split())]


def _transcript(text: str) -> Transcript:
    """Recognized words as heard(text), in a transcript lasting a second past the last one."""
    words = heard(text)
    return Transcript(tuple(words), (), words[-1].end + 1.0, "tiny.en", "en")


def by_text(alignment):
    return {w.text: w for w in alignment.words}


def test_exact_words_take_recognized_times():
    doc = parse_text("And so, my fellow Americans: ask not.")
    result = align_words(doc.words, heard("And so my fellow Americans ask not."))
    assert [w.status for w in result.words] == ["matched"] * 7
    assert [w.start for w in result.words] == [0.0, 0.4, 0.8, 1.2, 1.6, 2.0, 2.4]
    assert result.unscripted == ()


def test_recognition_errors_are_substitutions_with_times():
    doc = parse_text("declared Secretary of State Antony Blinken that includes ammunition for HIMARS air defense")
    result = by_text(align_words(doc.words, heard(
        "declared Secretary of State Anthony Lincoln that includes ammunition for healers air defense")))
    assert result["Blinken"].status == "substituted" and result["Blinken"].heard == "Lincoln"
    assert result["Blinken"].start == pytest.approx(2.0)
    assert result["HIMARS"].status == "substituted" and result["HIMARS"].heard == "healers"
    assert result["Antony"].status == "substituted"


def test_a_compound_heard_as_two_words_each_like_a_piece_of_it_is_one_substitution():
    doc = parse_text("It is critical that we have the means to replenish stockpiles, to increase the readiness.")
    result = align_words(doc.words, heard("It is critical that we have the means to replenish talk piles to "
                                          "increase the readiness."))
    assert by_text(result)["stockpiles,"].heard == "talk piles" and result.unscripted == ()
    # an added word beside a word heard whole is speech never published, not part of it
    result = align_words(doc.words, heard("It is critical that we have the means to replenish huge stockpiles to "
                                          "increase the readiness."))
    assert by_text(result)["stockpiles,"].heard == "stockpiles" and [u.text for u in result.unscripted] == ["huge"]


def test_a_word_heard_between_two_misheard_words_is_part_of_the_mishearing():
    doc = parse_text("We will meet force generation commitments for NATO missions.")
    result = align_words(doc.words, heard("We will meet for standard nation commitment for NATO missions."))
    assert by_text(result)["generation"].heard == "standard nation" and result.unscripted == ()
    # between words heard as published, the same word is speech never published
    result = align_words(doc.words, heard("We will meet force standard generation commitments for NATO missions."))
    assert [u.text for u in result.unscripted] == ["standard"]


def test_words_heard_inside_one_published_word_are_part_of_it():
    # a price said in another form: the alignment pairs "£2,500" with "two" and "thousand pounds"; what was said
    # between them lies inside the word's time, so it is not speech never published
    doc = parse_text("The new fee will cost “£2,500 a year for every family,” she said.")
    result = align_words(doc.words, heard("The new fee will cost two and a half thousand pounds a year for every "
                                          "family, she said."))
    assert by_text(result)["“£2,500"].heard == "two and a half thousand pounds" and result.unscripted == ()


def test_a_misheard_word_takes_the_unpaired_words_after_it_that_it_sounds_like():
    # espeak-ng's "overnight" heard "over the height" at a story's end: the word alignment pairs "over" alone, and
    # the rest is the same mishearing, not speech never published
    doc = parse_text("The storm moved north overnight.")
    result = align_words(doc.words, heard("The storm moved north over the height."))
    assert by_text(result)["overnight."].heard == "over the height." and result.unscripted == ()
    # after a word heard as published, the same words are speech never published
    doc = parse_text("The storm moved north over.")
    result = align_words(doc.words, heard("The storm moved north over the height."))
    assert [u.text for u in result.unscripted] == ["the height."]
    # and so are words after a pause, or words that make a misheard word sound less like the published one
    doc = parse_text("The storm moved north overnight.")
    said = heard("The storm moved north over")
    result = align_words(doc.words, [*said, HeardWord("the", 2.5, 2.7, 0.9), HeardWord("height.", 2.7, 2.9, 0.9)])
    assert [u.text for u in result.unscripted] == ["the height."]
    result = align_words(doc.words, heard("The storm moved north over. Kabul"))
    assert [u.text for u in result.unscripted] == ["Kabul"]


@pytest.mark.parametrize("found_in_the_sound", [True, False])
def test_a_last_word_heard_only_somewhat_alike_is_paired_where_the_sound_confirms_it(found_in_the_sound):
    # espeak-ng's "for ever." heard "for members.": spelled only somewhat alike, so the phonetic witness decides
    # whether "members." was the quote's last word or speech never published (and the captions' words with it)
    asked = []

    def said_as_heard(published_words, heard_words):
        asked.append((" ".join(published_words), " ".join(w.text for w in heard_words)))
        return found_in_the_sound

    doc = parse_text("The historian said “World War II changed the city for ever.”")
    result = align_words(doc.words, heard("The historian said World War II changed the city for members."),
                         said_as_heard=said_as_heard)
    assert asked == [("for ever.”", "for members.")]
    assert (by_text(result)["ever.”"].heard == "members.") is found_in_the_sound
    assert [u.text for u in result.unscripted] == ([] if found_in_the_sound else ["members."])


def test_a_quotes_missed_first_word_is_left_out_of_it_even_after_a_sentence_not_said():
    # the recognizer missed "The" of the quote, and the paragraph before it ended with words never said: the
    # quote's "The" is left out of a quote that was said (for the check to judge), the other words unspoken
    doc = parse_text("The core is 2.8 kilometres long and weighs several tonnes.\n\n"
                     "“The air bubbles trapped inside will show us why,” she said.")
    said = heard("The core is 2.8 kilometres long. Air bubbles trapped inside will show us why, she said.")
    result = align(doc, Transcript(tuple(said), (), 8.0, "tiny.en", "en"))
    status = {w.text: w.status for w in result.words}
    assert status["“The"] == "omitted"
    assert {status[w] for w in ("and", "weighs", "several", "tonnes.")} == {"unspoken"}


def test_a_quotes_unheard_first_word_is_not_the_sentence_heard_before_it():
    # fresh30's soda fountain: "The" of a quote was not heard, and the speaker ended an unpublished sentence just
    # before it; that sentence is speech never published, not what was said for "The"
    doc = parse_text("She hoped it “will still be pouring for years.”\n\n“The first float is on the house,” she said.")
    result = align(doc, _transcript("will still be pouring for years. Well, that's enough for me. First float is on "
                                    "the house."))
    assert by_text(result)["“The"].heard is None
    assert [u.text for u in result.unscripted] == ["Well, that's enough for me."]


def test_a_misheard_quote_before_its_attribution_is_paired_across_the_recognizers_full_stop():
    # fresh11's library and fresh4's strike: the quote's clause ends where the recognizer put a full stop before
    # "Said"; that stop is its punctuation, not the end of a sentence said before the quote's first words
    doc = parse_text("The library is changing its rules.\n\n"
                     "“We will be charging a fine,” said the librarian, Ann Oduya.")
    result = align(doc, _transcript("The library is changing its rules. We want to be charged at five. Said the "
                                    "librarian, Ann Oduya."))
    assert by_text(result)["“We"].heard is not None and by_text(result)["fine,”"].heard is not None
    assert result.unscripted == ()


def test_an_initial_the_recognizer_wrote_is_no_sentence_end():
    # fresh11's chess prodigy: "Aarav" heard as "R. of"; the initial's full stop ends no sentence
    doc = parse_text("The club has a new champion.\n\nAarav Mehta won the final on Sunday.")
    result = align(doc, _transcript("The club has a new champion. R. of Mehta won the final on Sunday."))
    assert by_text(result)["Aarav"].heard == "R. of" and result.unscripted == ()


def test_a_short_quote_heard_word_for_word_out_of_the_texts_order_is_spoken_where_it_was_heard():
    # fresh30's carving school: "Go gently," is quoted after words said later, too short to be anchored as a longer
    # quote is there; heard word for word among the unpaired speech, it was said there
    doc = parse_text("“The stone has waited a long time for you,” he said, and then: “Go gently,”")
    said = _transcript("Thank you all for coming tonight and for your patience, go gently. The stone has waited a "
                       "long time for you.")
    result = align(doc, said)
    assert [(by_text(result)[w].start, by_text(result)[w].status) for w in ("“Go", "gently,”")] == [
        (said.words[10].start, "matched"), (said.words[11].start, "matched")]
    assert [u.text for u in result.unscripted] == ["Thank you all for coming tonight and for your patience,"]


def test_a_headline_pulled_from_a_quote_is_not_taken_where_its_words_came_up_elsewhere():
    # the headline's ‘rest and refit’ was said in the quote it was pulled from, which the check takes its verdict
    # from; the same words in the speaker's later, unpublished sentence are not where it was said
    doc = parse_text("Russia must not ‘rest and refit’\n\n“Russia cannot simply rest and refit its troops,” he said.")
    result = align(doc, _transcript("Russia cannot simply rest and refit its troops. Our own units will rest and "
                                    "refit in the spring."))
    assert [w.text for w in result.words[3:6]] == ["‘rest", "and", "refit’"]
    assert {w.status for w in result.words[3:6]} == {"unspoken"}
    assert by_text(result)["troops,”"].heard == "troops."


def test_a_headline_quoting_the_storys_quote_word_for_word_leaves_its_speech_to_the_story():
    # a robustness sweep (stop 42): the story quotes a speech and then a sonnet said before it, so the speech's
    # quote is found out of the text's order; the headline quoting it word for word took its speech, and the
    # story's quote was left "never spoken"
    doc = parse_text("‘Ask Not What Your Country Can Do For You’: Poetry at Library Night\n\n"
                     "Kennedy urged listeners to “ask not what your country can do for you” as it played. "
                     "The sonnet warns that “When forty winters shall besiege thy brow, And dig deep trenches in thy "
                     "beauty’s field” in the end.")
    said = _transcript("When forty winters shall besiege thy brow, And dig deep trenches in thy beauty's field. And "
                       "so my fellow Americans, ask not what your country can do for you.")
    result = align(doc, said)
    story = result.words[doc.words.index(next(w for w in doc.words if w.text == "“ask")):][:9]
    assert [w.start for w in story] == [w.start for w in said.words[20:29]]
    assert {w.status for w in result.words[:9]} == {"unspoken"}


def test_a_changed_part_of_a_split_quote_is_found_beside_the_part_said_word_for_word():
    # the robustness sweep's recording (stop 42), the quotes out of the text's order: “ask not what your nation,”
    # alone has 4 tokens in a row, too few to be anchored; it was "never spoken", and "country" with it
    doc = parse_text("Kennedy urged listeners to “ask not what your nation,” he said, “can do for you” as it played. "
                     "The sonnet warns that “When forty winters shall besiege thy brow, And dig deep trenches in thy "
                     "beauty’s field” in the end.")
    said = _transcript("When forty winters shall besiege thy brow, And dig deep trenches in thy beauty's field. And "
                       "so my fellow Americans, ask not what your country can do for you.")
    words = align(doc, said).words
    assert [w.start for w in words[4:8]] == [w.start for w in said.words[20:24]]
    assert [w.start for w in words[11:15]] == [w.start for w in said.words[25:29]]
    # a part of the quote with a single word as said is not placed by its neighbour: it was not said there
    doc = parse_text(doc.text.replace("ask not what your nation", "demand more of the nation"))
    assert {w.status for w in align(doc, said).words[4:9]} == {"unspoken"}


def test_a_quote_placed_in_order_on_a_few_words_is_taken_where_more_of_them_were_said():
    # a recording of two monologues: the article quotes the first one after a quote of the second, so in the text's
    # order only "the acoustic corpus" of the later "This is the acoustic corpus" is left for it; 6 of its 9 words
    # in a row were said (its start misheard) before
    doc = parse_text("“This is me talking really slow,” one says. The other admits: “I probably sound quite "
                     "different than the acoustic corpus.”")
    said = _transcript("So this is the sick corpus, I have a cold, soy pie smell quite different than the "
                       "acoustic corpus. The recording environment is also quite different. This is me talking "
                       "really slow. This is the acoustic corpus.")
    result = align(doc, said)
    quote = result.words[doc.words.index(next(w for w in doc.words if w.text == "“I")):]
    assert [w.start for w in quote if w.status == "matched"] == [w.start for w in said.words[13:19]]
    assert "This is the acoustic corpus." in [u.text for u in result.unscripted]


def test_a_look_alike_word_after_the_speakers_own_sentence_end_is_not_where_the_quote_went_on():
    # "for the nation," said "for your country." and then, after a pause, a reading's heading "3.": "the" only
    # looks like "three", and the quote's sentence ended with "your country." before it
    doc = parse_text("“Ask what you can do for the nation,” the President says.")
    words = heard("Ask what you can do for your country.") + heard("3. Look in thy glass.", start=4.8)
    result = align(doc, Transcript(tuple(words), (), 8.0, "tiny.en", "en"))
    assert [w.status for w in result.words[6:8]] == ["omitted", "omitted"]
    assert [u.text for u in result.unscripted] == ["your country.", "3. Look in thy glass."]
    # a spelled-out name's full stops are no sentence end: "J .E." is heard for the published name
    doc = parse_text("“It was a good day,” said the fisherman Jayasuriya.")
    result = align(doc, _transcript("It was a good day, said the fisherman, J .E. J .E .A. Suriya."))
    assert by_text(result)["Jayasuriya."].status == "substituted"


def test_a_one_word_quote_is_not_taken_out_of_order_by_chance():
    doc = parse_text("“The stone has waited a long time for you,” he said. “Patience.”")
    result = align(doc, _transcript("Thank you all for your patience. The stone has waited a long time for you."))
    assert by_text(result)["“Patience.”"].status == "unspoken"


@pytest.mark.parametrize("text, framing", [
    ("Kennedy said: ask not what your country can do for you, ask what you can do for your country.",
     "Kennedy said:"),
    ("Ask not what your country can do for you, he said, ask what you can do for your country.", "he said,"),
    ("Ask not what your country can do for you, ask what you can do for your country, Kennedy said.",
     "Kennedy said."),
])
def test_a_reporters_own_clause_outside_quotation_marks_is_never_spoken_not_left_out(text, framing):
    # no quotation marks, so only the attribution (or the colon that introduces the speech) says whose words
    # these are; with time to say them before the first or after the last heard word, or none between two
    result = align_words(parse_text(text).words, heard(
        "Ask not what your country can do for you, ask what you can do for your country.", start=1.0), 8.0)
    assert " ".join(w.text for w in result.words if w.status == "unspoken") == framing
    assert {w.status for w in result.words if w.status != "unspoken"} == {"matched"}


def test_an_attribution_with_a_word_heard_was_read_out():
    # a narrator reads the reporter's words too: with "the" heard, "team" is a word left out, not framing
    result = align_words(parse_text("It had at least twelve rooms, the team said. It was built in 310.").words,
                         heard("It had at least twelve rooms, the said. It was built in 310."))
    assert [(w.text, w.status) for w in result.words if w.status != "matched"] == [("team", "interpolated")]


def test_a_clause_without_attribution_missing_from_a_said_sentence_is_still_left_out():
    result = align_words(parse_text("Ask not what your country can do, my dear friends, ask what you can do.").words,
                         heard("Ask not what your country can do, ask what you can do."))
    assert [(w.text, w.status) for w in result.words if w.status != "matched"] == [
        ("my", "omitted"), ("dear", "omitted"), ("friends,", "omitted")]


def test_page_chrome_unspoken_and_intro_unscripted():
    doc = parse_text("Breaking News\n\nSuccessful NATO Ministerial\n\nplease wait\n\n"
                     "Over the past year NATO alliance members have been working to implement a new strategy.")
    intro = "This is the news. Here is our report on the NATO ministerial."
    spoken = "Over the past year NATO alliance members have been working to implement a new strategy."
    result = align_words(doc.words, heard(intro + " " + spoken))
    statuses = [w.status for w in result.words]
    assert statuses[:7] == ["unspoken"] * 7  # the headline is not pinned to "NATO ministerial" in the intro
    assert set(statuses[7:]) == {"matched"}
    assert len(result.unscripted) == 1
    assert result.unscripted[0].text == intro
    assert (result.unscripted[0].start, result.unscripted[0].end) == (0.0, 4.7)


def test_skipped_paragraph_is_unspoken():
    first = "The alliance met in Brussels on Tuesday to agree a plan."
    skipped = "Ministers also discussed the budget for the coming year at length and without a conclusion."
    last = "The next summit will be held in Vilnius in July."
    doc = parse_text(f"{first}\n\n{skipped}\n\n{last}")
    result = align_words(doc.words, heard(f"{first} {last}"))
    paragraphs = {p: {w.status for w in result.words if w.paragraph == p} for p in range(3)}
    assert paragraphs == {0: {"matched"}, 1: {"unspoken"}, 2: {"matched"}}
    assert all(w.start is None and w.end is None for w in result.words if w.paragraph == 1)


def test_a_word_of_unsaid_framing_only_looking_like_a_heard_one_is_unspoken():
    # the reader says "Sonnet 1", heard "1."; "one" is spelled inside the framing's "sonnet" (the quote after
    # it, in the same sentence, was said): the framing was not said, and "1." is speech never published
    doc = parse_text("The first sonnet begins with an argument about heirs: "
                     "“From fairest creatures we desire increase, that thereby beauty’s rose might never die,”")
    said = heard("1. From fairest creatures we desire increase, that thereby beauty's rose might never die.")
    result = align(doc, Transcript(tuple(said), (), 8.0, "tiny.en", "en"))
    assert {w.status for w in result.words[:9]} == {"unspoken"}
    assert {w.status for w in result.words[9:]} == {"matched"}
    assert [u.text for u in result.unscripted] == ["1."]


def test_speech_between_two_quotes_parted_by_the_reporters_words_is_not_an_insertion():
    doc = parse_text("“I’m talking pretty fast here,” the speaker says, before slowing down: "
                     "“This is me talking really slow.”")
    between = "There's nothing going else going on. We're just, you know, there's some speech errors, but cares."
    said = heard(f"I'm talking pretty fast here. {between} This is me talking really slow.")
    result = align(doc, Transcript(tuple(said), (), 12.0, "tiny.en", "en"))
    assert [(u.text, u.inside) for u in result.unscripted] == [(between, False)]
    # the same words said inside one quotation are inserted into it
    doc = parse_text("“I’m talking pretty fast here, this is me talking really slow.”")
    result = align(doc, Transcript(tuple(said), (), 12.0, "tiny.en", "en"))
    assert [u.inside for u in result.unscripted] == [True]


def test_a_headline_does_not_take_the_words_of_a_misheard_lede_it_repeats():
    # the lede's "seven grandmothers" was heard "six green mothers": word for word, the headline's "a Team of
    # Grandmothers" fits as well, but the story is what was read
    doc = parse_text("Sandcastle Contest Won by a Team of Grandmothers\n\n"
                     "A team of seven grandmothers from Koksijde won the sandcastle contest on Sunday.")
    said = "A team of six green mothers from Kexaid won the sandcastle contest on Sunday."
    result = align_words(doc.words, heard(said))
    assert {w.status for w in result.words if w.paragraph == 0} == {"unspoken"}
    assert [w.status for w in result.words[8:11]] == ["matched"] * 3


def test_a_headline_read_out_before_the_lede_is_spoken_too():
    doc = parse_text("Volunteers Refloat 40 Pilot Whales\n\n"
                     "Volunteers and rangers refloated 40 pilot whales on Wednesday.")
    result = align_words(doc.words, heard("Volunteers refloat 40 pilot whales. "
                                          "Volunteers and rangers refloated 40 pilot whales on Wednesday."))
    assert {w.status for w in result.words} == {"matched"}
    assert result.unscripted == ()


def test_dropped_word_is_interpolated_between_neighbours():
    doc = parse_text("we have the means to replenish stockpiles")
    words = heard("we have the means to replenish stockpiles")
    del words[3]  # the recognizer missed "means" and left a 0.4 s hole
    result = by_text(align_words(doc.words, words))
    assert result["means"].status == "interpolated"
    assert 0.9 <= result["means"].start <= result["means"].end <= 1.6


def test_a_quotes_dropped_first_word_is_timed_beside_the_quote_not_after_the_speech_before_it():
    # calibration fresh35 montecristi: "The" of “The straw…” was not recognized, and a paragraph the text
    # skipped lies between the quote before and this one; "The" was said just before "Straw", in the pause there
    doc = parse_text("“Split into threads as fine as a hair.”\n\n“The straw is fussier than my mother,” he said.")
    words = heard("Split into threads as fine as a hair. I learned at seven, sitting between my grandmother's "
                  "knees, and she slapped my hand.")
    skipped_end = words[-1].end
    words += heard("Straw is fussier than my mother,", start=skipped_end + 0.6)
    result = by_text(align(doc, Transcript(tuple(words), (), words[-1].end + 1.0, "tiny.en", "en")))
    assert result["“The"].status == "interpolated"
    assert skipped_end <= result["“The"].start < result["“The"].end <= result["straw"].start


def test_a_short_word_takes_speech_beside_it_that_belongs_to_the_misheard_word_after_it():
    # calibration fresh35 sambava: "Antananarivo" heard "hunter in row"; "in" paired with "in" left "hunter" as
    # speech never published inside a quote, and the check called it an insertion
    doc = parse_text("She wants to study in Antananarivo, but she comes home.")
    result = align_words(doc.words, heard("She wants to study hunter in row, but she comes home."))
    assert result.unscripted == ()
    assert by_text(result)["in"].heard == "hunter in"
    # an ad-lib before a short word heard exactly, with its neighbour heard exactly too, stays unscripted
    result = align_words(doc.words, heard("She wants to study well in Antananarivo, but she comes home."))
    assert [u.text for u in result.unscripted] == ["well"]
    # a common word is not broken up by the recognizer: the speech before "the" is not part of "birds"
    doc = parse_text("Hang them side by side, so the birds can hear each other.")
    result = align_words(doc.words, heard("Hang them side by side, so the words can hear each other."))
    assert by_text(result)["the"].heard == "the"


def test_a_quotes_last_word_is_taken_where_its_clause_was_said_not_where_the_word_comes_again():
    # calibration real36 cold36_hoarse (the real cold corpus recording): "corpus" was paired with "acoustic
    # corpus" fifteen words later, because "he announces" after the quote met the "the" after that, and the
    # brief was refused as not matching the audio
    doc = parse_text("Science › Sound\n\nThe Hoarse Corpus\n\nUpdated 9.55am ET\n\n“Uh, so this is the hoarse "
                     "corpus”, he announces, before a string of apologies for his voice.")
    said = heard("So this is the sick corpus. I have a cold so I probably spent quite different than the acoustic "
                 "corpus. The reporting environment is also quite different. And I'm saying a bunch of different "
                 "words that I did not say in the original one. And here's a long pause and I think this is "
                 "probably good. Alright, thanks.")
    result = by_text(align(doc, Transcript(tuple(said), (), said[-1].end + 1.0, "tiny.en", "en")))
    assert result["corpus”,"].start == said[5].start
    assert result["hoarse"].heard == "sick"


def test_a_quotes_first_word_is_taken_where_its_clause_was_said_not_where_the_word_came_before():
    # calibration fresh36 jukkasjarvi (its recognized words, committed): the quote's "The" was paired with the
    # "The" that opened a paragraph the text skipped, and that paragraph became words inserted into the quote
    recognized = json.loads((Path(__file__).parent / "data" / "jukkasjarvi_heard.json").read_text("utf-8"))
    said = tuple(HeardWord(*word) for word in recognized["words"])
    doc = parse_text("Norrbotten › Kiruna\n\nThe ice builders of Jukkasjärvi: “in April we give it back”\n\nBy Elsa "
                     "Pirttijärvi-Umezurike · 5 min read\n\nEach November, the builder, Nils-Erik Kuoksu-Ahlgren, "
                     "said, the hotel is started again from nothing, and “we build it with snow, ice and about forty "
                     "artists who fly in from all over the world.”\n\n“The river gives us the ice, and in April we "
                     "give it back,” he said.")
    transcript = Transcript(said, (), recognized["duration"], "tiny.en", "en")
    alignment = align(doc, transcript, said_as_heard=lambda published, heard_words: True)  # a witness that agrees
    river = next(k for k, w in enumerate(said) if w.text == "river" and said[k + 1].text == "gives")
    assert by_text(alignment)["“The"].start == said[river - 1].start
    assert not any(u.inside for u in alignment.unscripted if u.start < said[river].start)


def test_split_compound_is_one_substitution():
    doc = parse_text("as well as antiarmor systems")
    result = by_text(align_words(doc.words, heard("as well as anti-armor systems")))
    assert result["antiarmor"].status == "substituted"
    assert result["antiarmor"].heard == "anti-armor"
    result = by_text(align_words(doc.words, heard("as well as anti armor systems")))
    assert (result["antiarmor"].start, result["antiarmor"].end) == (1.2, 1.9)
    assert result["systems"].status == "matched"


def test_numbers_and_symbols_match_either_way():
    doc = parse_text("to invest 2 percent of our GDP in the 21st century")
    result = align_words(doc.words, heard("to invest 2% of our GDP in the twenty-first century"))
    assert {w.status for w in result.words} == {"matched"}


def test_a_clause_is_not_split_around_a_long_stretch_of_speech_to_take_its_first_words_from_elsewhere():
    # the speaker said "It has to be a" twice; where the quote was said, "a durable" was heard "adorable": its first
    # words are those said with the rest of it, not the ones 9 s before that match one more word exactly
    doc = parse_text("The secretary was clear. “It has to be a durable peace that ensures that Russia can’t simply "
                     "rest and refit its troops,” he said.")
    result = align_words(doc.words, heard(
        "diplomatic efforts that can achieve a peace in Ukraine, said Secretary Blinken. It has to be a just peace "
        "-net -up hold, the principles of the UN Charter, sovereignty, territorial integrity, independence and it has "
        "to be adorable peace -net ensures that Russia can't simply rest and refit its troops and then relaunch it."))
    quote = [w for w in result.words if w.start is not None]
    assert quote[0].text == "“It" and quote[0].start == pytest.approx(13.2)
    assert all(later.start >= earlier.start for earlier, later in itertools.pairwise(quote))
    assert [u.text for u in result.unscripted][0].endswith("independence and")


_ASIDE = "and I say this to all of you with the greatest urgency tonight"


@pytest.mark.parametrize("published, heard_text", [
    ("We must act … within this week.", f"We must act {_ASIDE} within this week."),  # the writer marked the cut
    ("We must act, within this week.", f"We must act {_ASIDE} within this week."),  # a clause ends there
    ("We must act within this week.", f"We must act, {_ASIDE}, within this week."),  # heard as a clause of its own
])
def test_a_long_aside_left_out_of_a_quote_keeps_the_words_on_both_sides(published, heard_text):
    # an unmarked stretch of 13 words run on from both sides costs more than leaving the quote's first 3 words
    # unspoken (see align._INSERTED); marked by the writer or by the recognizer's punctuation, it costs nothing more
    result = align_words(parse_text(published).words, heard(heard_text))
    assert [w.status for w in result.words] == ["matched"] * 6
    assert [u.text for u in result.unscripted][0].startswith("and I say this")


def test_a_word_said_inside_a_clause_the_text_does_not_have_is_speech_never_published():
    result = align_words(parse_text("We will win this war.").words, heard("We will surely win this war."))
    assert [w.status for w in result.words] == ["matched"] * 5 and [u.text for u in result.unscripted] == ["surely"]


def test_reworded_phrase_pairs_as_substitution_and_extra_speech_is_unscripted():
    doc = parse_text("It is critical that we have the means to replenish stockpiles now.")
    result = align_words(doc.words, heard(
        "It is critical that we have the tools to refill stockpiles now. And I mean that."))
    words = by_text(result)
    assert words["means"].status == "substituted" and words["replenish"].status == "substituted"
    assert [u.text for u in result.unscripted] == ["And I mean that."]


@pytest.mark.parametrize("heard_there, spoken", [
    ("Said range of terms in green hook oibongy.", True),  # the attribution, its name garbled
    ("And now the weather for the coast tonight.", False),  # something else said in its place
])
def test_the_end_of_a_sentence_in_a_long_gap_is_spoken_where_a_heard_sentence_sounds_like_it(heard_there, spoken):
    published = ("Volunteers kept the whale wet for hours. “You could hear it breathing,” said ranger Tamsin "
                 "Greenhalgh-Oyebanji. Volunteer Ruben Castellane, who drove down from the city, said: “We stayed "
                 "until the tide came back.”")
    said = f"Volunteers kept the whale wet for hours. You could hear it breathing. {heard_there} We stayed until " \
           "the tide came back."
    result = align(parse_text(published), Transcript(tuple(heard(said)), (), 12.0, "tiny.en", "en"))
    words = by_text(result)
    assert (words["Greenhalgh-Oyebanji."].status == "substituted") is spoken
    assert words["Castellane,"].status == "unspoken"  # the reporter's words before the next quote
    assert [u.text for u in result.unscripted] == ([] if spoken else [heard_there])


@pytest.mark.parametrize("heard_there, found_in_the_sound, spoken", [
    ("Set the old commissioner, broke a cunning them.", False, True),  # spelled alike: enough
    ("Sad, they'll come in a block calling them.", True, True),  # somewhat alike, and in the sound
    ("Sad, they'll come in a block calling them.", False, False),  # somewhat alike, not in the sound
    ("And now the weather for the coast tonight.", True, False),  # not alike: the sound is not asked
])
def test_a_garbled_attribution_at_the_end_of_the_text_is_spoken(heard_there, found_in_the_sound, spoken):
    published = ("Flu cases are rising early this year. “It isn’t too late to get a flu shot,” said health "
                 "commissioner Brooke Cunningham.")
    said = f"Flu cases are rising early this year. It isn't too late to get a flu shot. {heard_there} Stay with us."
    asked = []

    def said_as_heard(published_words, heard_words):
        asked.append(" ".join(w.text for w in heard_words))
        return found_in_the_sound

    words = by_text(align_words(parse_text(published).words, heard(said), said_as_heard=said_as_heard))
    assert (words["Cunningham."].status == "substituted") is spoken
    assert bool(asked) == ("block" in heard_there) and all("a block calling" in a for a in asked)


@pytest.mark.parametrize("separator, found_in_the_sound, spoken", [
    (",", True, True),  # Whisper ran the quote's end into the next sentence with a comma
    (",", False, False),  # spelled only somewhat alike: the sound decides
])
def test_a_quote_end_run_into_the_next_sentence_with_a_comma_is_spoken(separator, found_in_the_sound, spoken):
    published = ("The chief executive said reservoir levels were “at 41 per cent, which is the lowest we’ve recorded "
                 "in August.” She said the ban would start on Friday and “won’t be lifted until the reservoirs have "
                 "recovered properly.”")
    said = (f"At 41 per cent, which is the lowest legal order in August{separator} rainfall since April has been about "
            "half of what we normally expect. Our engineers have been working round the clock. Won't be lifted until "
            "the reservoirs have recovered properly.")
    words = by_text(align_words(parse_text(published).words, heard(said),
                                said_as_heard=lambda published_words, heard_words: found_in_the_sound))
    assert (words["August.”"].status == "substituted") is spoken
    assert (words["August.”"].heard == "legal order in August" + separator) is spoken


def test_a_timestamp_in_p_m_is_a_page_line_not_a_sentence():
    published = ("Poetry\n\nUpdated 3:48 p.m.\n\nThe image is of clothing worn out: “Thy youth’s proud livery so gazed "
                 "on now, / Will be a tatter’d weed of small worth held:”")
    said = ("When forty winters shall besiege thy brow, and dig deep trenches in thy beauty's field, thy youth's proud "
            "livery so gazed on now, will be a tattered weed of small worth held.")
    words = by_text(align_words(parse_text(published).words, heard(said)))
    assert all(words[w].status == "unspoken" for w in ("3:48", "p.m.", "image", "out:"))
    assert words["“Thy"].status == "matched"


def test_unrelated_text_is_refused():
    doc = parse_text("The quick brown fox jumps over the lazy dog near the river bank today.")
    transcript = Transcript(tuple(heard("Ask not what your country can do for you ask what you can do")),
                            (), 6.0, "tiny.en", "en")
    # how much the recognizer heard, and how sure it was, tells a wrong pairing from speech it could not make out
    with pytest.raises(MismatchError, match="does not match.*heard 14 words in 0:06, 90% sure of them"):
        align(doc, transcript)


@pytest.mark.parametrize("published, heard_text, anchors", [
    # a quote of the real sonnet reading, misheard in its middle: no run of five, a chain of 4 + 4
    ("A review: “Within thine own bud buriest thy content, / And tender churl mak’st waste in niggarding:”",
     "within thine own bud barreest thy content and tender churro makes waste in niggarding", (4, 8, 0)),
    # a famous line misquoted in a short pull quote: 3 + 4
    ("The line worth remembering: “ask what you should do for your country.”",
     "ask what you can do for your country", (4, 7, 7)),
    ("The line worth remembering: “ask what you should do for your country.”", "ask what you can", None),
    # the real sonnet reading quoted with a word left out, "when" heard as "and": 4 + 1 + 2
    ("Shakespeare promised the old: “And see thy blood when thou feel’st it cold.”",
     "and see thy blood warm and thou it cold", (4, 7, 7)),
    ("Shakespeare promised the old: “And see thy blood when thou feel’st it cold.”",
     "and see thy blood warm and thou", None),  # 4 + 1: no more than chance gives
    # the real sonnet reading quoted whole in one line, with a word it never said: 4 + 2, the whole quotation
    ("The charge comes in one line: “Making a famine where such abundance lies,”",
     "making a famine where abundance lies thy self thy foe", (4, 6, 6)),
    # a spoken list quoted with a word the speaker never said, its first word misheard ("here are"): the chain
    # runs from the quotation's second token to its last, 2 + 4 (real29, calibration)
    ("Near the end comes the list: “here’s some more new words: words, words, words.”",
     "and here are some more words words words words and that should be all", (4, 6, 6)),
    ("Near the end comes the list: “well then, here’s some more new words: words, words, words.”",
     "and here are some more words words words words and that should be all", None),
    # the same six words in a chain, but not the whole quotation: no more than chance gives
    ("The charge comes in one line: “Making a famine where such abundance lies, thy self thy friend, to cruel.”",
     "making a famine where abundance lies", None),
])
def test_a_text_is_anchored_by_five_words_in_a_row_or_a_chain_of_seven(published, heard_text, anchors):
    transcript = Transcript(tuple(heard(heard_text)), (), 8.0, "tiny.en", "en")
    if anchors:
        assert align(parse_text(published), transcript).anchors == anchors
    else:
        with pytest.raises(MismatchError, match="nor 7 with single words differing"):
            align(parse_text(published), transcript)


def test_times_are_monotonic_and_within_audio():
    doc = parse_text("One two three four. Five six seven eight nine ten.")
    result = align_words(doc.words, heard("one two three for five six seven nine ten"))
    times = [(w.start, w.end) for w in result.words if w.start is not None]
    assert all(a <= b for a, b in times)
    assert all(times[k][0] <= times[k + 1][0] for k in range(len(times) - 1))


def test_missed_last_word_is_interpolated_after_the_last_heard_one():
    doc = parse_text("and that should be all thanks")
    result = align_words(doc.words, heard("and that should be all"), duration=3.0)
    last = result.words[-1]
    assert last.status == "interpolated" and 1.9 <= last.start < last.end <= 3.0


def test_filler_is_not_glued_to_a_neighbour():
    doc = parse_text("slightly lower in intensity uh we're just saying")
    result = by_text(align_words(doc.words, heard("slightly lower in intensity we're just saying")))
    assert result["intensity"].status == "matched"
    assert result["intensity"].end == pytest.approx(1.5)
    assert result["uh"].status == "interpolated"


def test_a_written_hesitation_before_a_spoken_word_of_its_sentence_was_said():
    # recognizers never write "uh": its absence is no evidence; a whole paragraph not said stays unspoken
    doc = parse_text("Recording With a Cold\n\n“Uh, so this is the sick corpus.”\n\n"
                     "Um, and then a paragraph never said.")
    result = align_words(doc.words, heard("so this is the sick corpus", start=2.0), duration=8.0)
    uh, so = result.words[4], result.words[5]
    assert (uh.text, uh.status) == ("“Uh,", "interpolated") and uh.end <= so.start and so.start - uh.start < 0.5
    assert {w.status for w in result.words[:4]} == {w.status for w in result.words[11:]} == {"unspoken"}


def test_attribution_run_into_an_ad_lib_stays_aligned():
    doc = parse_text("The bridge reopens on Monday after two years of repairs, Okafor said.\n\n"
                     "Traffic will be limited to cars at first.")
    result = by_text(align_words(doc.words, heard(
        "The bridge reopens on Monday after two years of repairs, Okafir said, applications are open online. "
        "Traffic will be limited to cars at first.")))
    assert result["Okafor"].status == "substituted" and result["said."].status == "matched"
    assert result["Traffic"].status == "matched"


def test_short_intro_does_not_pin_a_one_word_headline():
    doc = parse_text("Sports\n\nWeather alerts\n\nThe home team won the final on Sunday night in overtime.")
    result = align_words(doc.words, heard("Now to sports. The home team won the final on Sunday night in overtime."))
    assert [w.status for w in result.words[:3]] == ["unspoken"] * 3
    assert result.unscripted[0].text == "Now to sports."


def test_one_letter_word_is_not_glued_to_its_neighbour():
    doc = parse_text("Expect heavy traffic. Roads close at noon.")
    result = align_words(doc.words, heard("Expect heavy traffic. I Roads close at noon."))
    traffic = by_text(result)["traffic."]
    assert traffic.status == "matched" and traffic.heard == "traffic."
    assert [u.text for u in result.unscripted] == ["I"]


def test_headline_word_said_in_an_intro_sentence_that_runs_into_the_story():
    doc = parse_text("Sports\n\nCity Wins Championship\n\nPhoto: Stadium crowd\n\n"
                     "The City Football Club won its first championship in 40 years on Saturday night.")
    result = align_words(doc.words, heard(
        "Now to sports, the City Football Club won its first championship in 40 years on Saturday night."))
    assert result.words[0].status == "unspoken"
    assert result.unscripted[0].text == "Now to sports,"


def test_misheard_name_before_an_ad_lib_is_paired_not_left_out():
    doc = parse_text("The study was led by researcher Anna Lindqvist. It found more.")
    result = by_text(align_words(doc.words, heard(
        "The study was led by researcher on a link fist and I spoke to her today. It found more.")))
    assert result["Lindqvist."].status == "substituted" and result["Anna"].status == "substituted"


def test_misheard_words_are_compared_as_said_with_titles_spelled_out():
    """"said Dr. Anjali Mehta" heard as "Sad doctor, and Charlie made": "Dr." is said "doctor"."""
    doc = parse_text("“The new shot protects all of our newborns,” said Dr. Anjali Mehta. It is free for every family.")
    result = by_text(align_words(doc.words, heard(
        "The new shot protects all of our new bonds. Sad doctor, and Charlie made and I spoke to her today. "
        "It is free for every family.")))
    assert all(result[w].status == "substituted" for w in ("newborns,”", "Dr.", "Mehta."))


def test_a_reporters_paraphrase_sharing_a_phrase_with_the_speech_was_never_said():
    """Less than half of the reporter's sentence heard as written, in a heard sentence of which it holds less than
    half: the shared "peace in Ukraine" is the paraphrase's echo of the speech, not its reading."""
    doc = parse_text("The top U.S. diplomat said any peace in Ukraine must be lasting. “It has to be a durable "
                     "peace,” he said.")
    result = align_words(doc.words, heard(
        "At the same time, the United States and Ukraine's partners support meaningful diplomatic efforts that can "
        "achieve a peace in Ukraine, said Secretary Blinken. It has to be a durable peace. Until that peace is "
        "achieved, we will continue to provide assistance to Ukraine."))
    assert all(w.status == "unspoken" for w in result.words if w.sentence == 0)
    assert any("diplomatic efforts that can achieve a peace in Ukraine" in u.text for u in result.unscripted)


def test_words_heard_at_the_edges_count_only_where_the_text_has_them():
    """Whisper dropped a reading's last words and found them on a second listen to the recording's tail; in
    another recording it invented a sign-off there. The text confirms the words it has, heard exactly."""
    doc = parse_text("Look in thy glass and tell the face thou viewest. "
                     "And see thy blood warm when thou feel’st it cold.")
    said = heard("Look in thy glass and tell the face thou viewest. And see thy blood warm when thou")
    tail = heard("feels it cold.", start=said[-1].end + 0.1)
    invented = heard("Thank you for watching.", start=said[-1].end + 0.1)
    transcript = Transcript(tuple(said), (), 30.0, "tiny.en", "en", tuple(tail))
    confirmed = confirm_edge_words(doc, transcript)
    assert confirmed.words == tuple(said + tail[1:]) and confirmed.edge_words == ()  # "feels" only resembles
    assert [w.status for w in align(doc, confirmed).words[-3:]] == ["interpolated", "matched", "matched"]
    confirmed = confirm_edge_words(doc, Transcript(tuple(said), (), 30.0, "tiny.en", "en", tuple(invented)))
    assert confirmed.words == tuple(said) and not align(doc, confirmed).unscripted


def test_speech_published_twice_belongs_to_its_first_place():
    """A pull quote repeats the last line of a quote: the speech said it once, in the quote, and the pull quote
    is text never spoken (not the quote's words left out and the pull quote said). A short line may repeat."""
    doc = parse_text("Kennedy said: “My fellow Americans, ask not what your country can do for you — ask what you "
                     "can do for your country.”\n\nThe line is often quoted.\n\n"
                     "“Ask what you can do for your country.”")
    said = heard("My fellow Americans ask not what your country can do for you ask what you can do for your country.")
    result = align(doc, Transcript(tuple(said), (), 12.0, "tiny.en", "en"))
    quote, pulled = result.words[2:22], result.words[27:]
    assert {w.status for w in quote} == {"matched"} and {w.status for w in pulled} == {"unspoken"}
    doc = parse_text("Photo: Reuters\n\nThe bridge will reopen.\n\nPhoto: Reuters\n\nThe bridge will reopen in May.")
    said = heard("The bridge will reopen in May.")
    statuses = [w.status for w in align(doc, Transcript(tuple(said), (), 4.0, "tiny.en", "en")).words]
    assert statuses[-6:] == ["matched"] * 6  # not a repeat of the earlier line: it says more


def test_of_two_equal_alignments_the_one_leaving_whole_sentences_unspoken_wins():
    # "said" is published twice; the speaker said the first and skipped the sentence that holds the second
    doc = parse_text("“We did all we could for it,” she said. One pupil, Oscar, said: “It’s the best school.”")
    alignment = align(doc, Transcript(tuple(heard("we did all we could for it she said. it's the best school.")),
                                      (), 6.0, "tiny.en", "en"))
    status = [(w.text, w.status) for w in alignment.words]
    assert status[8:13] == [("said.", "matched"), ("One", "unspoken"), ("pupil,", "unspoken"),
                            ("Oscar,", "unspoken"), ("said:", "unspoken")]


def test_quotes_said_out_of_the_texts_order_are_timed_where_they_were_said():
    # a review quotes the end of a reading before its beginning
    first = "From fairest creatures we desire increase, that thereby beauty's rose might never die."
    middle = "But as the riper should by time decease, his tender heir might bear his memory."
    last = "Pity the world, or else this glutton be, to eat the world's due, by the grave and thee."
    doc = parse_text(f"Books\n\nThe reading ends on its sternest line: “{last}” It opens gently enough: “{first}”")
    result = align(doc, _transcript(f"{first} {middle} {last}"))
    quoted = [w for w in result.words if w.char_start >= doc.text.index("“")]
    assert all(w.spoken for w in quoted if w.text not in ("It", "opens", "gently", "enough:"))
    said = {w.text: w.start for w in result.words if w.spoken}
    assert said["“From"] < said["die.”"] < said["“Pity"] < said["thee.”"]  # each quote where it was said
    assert [u.text for u in result.unscripted] == [middle]
    order = said_order(result.words)
    times = [result.words[k].start for k in order if result.words[k].start is not None]
    assert times == sorted(times)


def test_a_quote_said_before_the_one_ahead_of_it_is_found_by_a_chain_of_runs_too():
    # "unity of purpose" heard "unity on purpose" twice: no five words in a row, but a chain of nine
    said = ("We've demonstrated again our unity on purpose and our unity on action. I am confident that that will "
            "endure for as long as it takes.")
    doc = parse_text("He said: “I am confident that that will endure for as long as it takes.” Earlier he had "
                     "“demonstrated again our unity of purpose and our unity of action.”")
    result = align(doc, _transcript(said))
    quoted = [w for w in result.words if w.char_start > doc.text.index("had")]
    assert all(w.spoken for w in quoted) and quoted[0].start < result.words[2].start


def test_a_passage_found_elsewhere_needs_five_words_in_a_row():
    said = "The council met on Tuesday to agree the budget for the coming year. The new pool opens in May."
    doc = parse_text("The new pool opens in May.\n\nThe council met to set a budget, critics said.")
    result = align(doc, _transcript(said))
    assert {w.status for w in result.words if w.paragraph == 1} == {"unspoken"}  # "the council met" is three
    assert said_order(result.words) == list(range(len(result.words)))


def test_a_quote_said_between_two_the_text_gives_in_order_comes_between_them_in_the_order_said():
    # fresh28's mill story: the second quote published was said between the third and the fourth
    first, second = "the wheel turns slower than a bicycle.", "we are grinding oats on saturdays for now."
    third, fourth = "each stone weighs about a tonne.", "the best part is the smell of the oats."
    doc = parse_text(f"“{first}” “{second}” “{third}” “{fourth}”")
    result = align(doc, _transcript(f"{first} {third} some words between {second} and more words {fourth}"))
    order = said_order(result.words)
    times = [result.words[k].start for k in order if result.words[k].start is not None]
    assert times == sorted(times) and len(times) == len(doc.words)


def test_said_order_is_the_texts_order_for_a_text_said_in_order():
    doc = parse_text("One two three four. Five six seven eight nine ten.")
    result = align_words(doc.words, heard("one two three for five six seven nine ten"))
    assert said_order(result.words) == list(range(len(result.words)))


def test_reporters_words_paired_with_the_speech_before_a_quote_only_for_looking_alike_were_not_said():
    published = ("Wiremu Pohatu, the principal of Kaiti Hill School in Gisborne, told the gathering he had been "
                 "“eleven years old and still in short trousers, and I thought fifty years meant forever.”")
    said = ("good morning everyone I was well and most pupils I was eleven years old and still in short trousers "
            "and I thought fifty years meant forever")
    result = align(parse_text(published), Transcript(tuple(heard(said)), (), 12.0, "tiny.en", "en"))
    words = by_text(result)
    assert words["had"].status == words["been"].status == "unspoken"
    assert words["“eleven"].status == "matched"
    assert "pupils I was" in " ".join(u.text for u in result.unscripted)
