import codecs
import logging
import random
from pathlib import Path

import pytest

from aligner.errors import InputError
from aligner.quotes import find_quotes
from aligner.text import editorial_words, parse_text, read_text

from conftest import DATA


def test_words_keep_published_spelling_and_offsets():
    text = "Breaking News\n\n“We’re building on the Wales pledge – 2 percent. It is critical.”\n"
    doc = parse_text(text)
    for word in doc.words:
        assert text[word.char_start:word.char_end] == word.text
    assert [w.text for w in doc.words][2:4] == ["“We’re", "building"]
    assert "pledge –" in [w.text for w in doc.words]  # a dash rides with the word before it


def test_sentences_and_paragraphs():
    doc = parse_text("Secretary Blinken announced U.S. arms for Ukraine. Dr. Smith agreed.\n\nNew paragraph here.")
    sentences = [" ".join(w.text for w in doc.words if w.sentence == s) for s in range(3)]
    assert sentences == ["Secretary Blinken announced U.S. arms for Ukraine.", "Dr. Smith agreed.",
                         "New paragraph here."]
    assert [w.paragraph for w in doc.words][-1] == 1


def test_a_number_with_narrow_spaces_between_its_digit_groups_is_one_word():
    doc = parse_text("It cost 1\u00a0250\u202f000 euros in 2026\u00a0and 5 000 people came.")
    assert [w.text for w in doc.words][2:4] == ["1\u00a0250\u202f000", "euros"]
    assert doc.words[2].keys == ("one", "million", "two", "hundred", "fifty", "thousand")
    assert [w.text for w in doc.words][5:7] == ["2026", "and"]  # a year before a word stays apart
    assert [w.text for w in doc.words][7:9] == ["5", "000"]  # an ordinary space may part two numbers


def test_spaced_ellipsis_does_not_end_the_sentence():
    doc = parse_text("our unity of action . . . I am confident that that will endure.")
    assert len({w.sentence for w in doc.words}) == 1
    assert doc.words[3].text == "action . . ."


def test_html_page(tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>T</title><script>var x = 1;</script></head><body>"
                    "<nav><ul><li>Menu</li></ul></nav><p>First &amp; foremost.</p><script>if (a < b) go();</script>"
                    "<p>Second <b>bold</b> line.</p><form><button>Subscribe</button></form></body></html>")
    doc = read_text(page)
    assert [w.text for w in doc.words] == ["First", "&", "foremost.", "Second", "bold", "line."]
    assert len({w.paragraph for w in doc.words}) == 2


def test_an_inline_quotation_element_is_quoted_as_a_browser_draws_it(tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_text("<p>Kennedy said <q>ask not what <q>your country</q> can do for you</q> in 1961.</p>")
    doc = read_text(page)
    assert doc.text == "Kennedy said “ask not what ‘your country’ can do for you” in 1961."
    assert [q.text for q in find_quotes(doc)] == ["ask not what ‘your country’ can do for you"]


def test_words_in_square_brackets_and_stage_directions_are_the_writers():
    doc = parse_text("“Ask not what [America] can do (applause) — or what […] you can do (see page 2),” he said.")
    assert [doc.words[k].text for k in sorted(editorial_words(doc))] == ["[America]", "(applause) —"]


def test_invisible_characters_and_unicode_line_breaks_of_web_text(tmp_path: Path):
    path = tmp_path / "story.txt"
    text = "Co\u00adoperation\u200b matters,\u200e she said.\u2029“We\u2060 agree.”\u2028End"
    path.write_text(text, encoding="utf-8")
    doc = read_text(path)
    assert [w.text for w in doc.words] == ["Cooperation", "matters,", "she", "said.", "“We", "agree.”", "End"]
    assert [w.paragraph for w in doc.words] == [0, 0, 0, 0, 1, 1, 2]


def test_character_references_in_a_plain_text_are_the_characters_they_stand_for(tmp_path: Path):
    path = tmp_path / "story.txt"  # pasted from a page's source: the page showed the characters
    path.write_text("&ldquo;We don&rsquo;t&nbsp;know,&#8221; said AT&T&#x2019;s chief. R&D & Q&A stay.", "utf-8")
    doc = read_text(path)
    assert [w.text for w in doc.words] == ["“We", "don’t", "know,”", "said", "AT&T’s", "chief.", "R&D", "&", "Q&A",
                                           "stay."]
    assert doc.words[1].keys == ("don't",)


SAID = "Président Kennedy’s speech: “ask not what your country can do for you” – 1961"


@pytest.mark.parametrize("encoded, said, encoding", [
    (SAID.encode("utf-16"), SAID, "UTF-16"),
    (codecs.BOM_UTF16_BE + SAID.encode("utf-16-be"), SAID, "UTF-16"),
    (codecs.BOM_UTF8 + SAID.encode("utf-8"), SAID, None),
    (SAID.encode("cp1252"), SAID, "Windows-1252"),
    ("À bientôt, señor: naïve « café » à Zürich".encode("latin-1"), "À bientôt, señor: naïve « café » à Zürich",
     "Latin-1"),
])
def test_other_encodings_are_read_and_named(tmp_path: Path, caplog, encoded: bytes, said: str, encoding):
    path = tmp_path / "story.txt"
    path.write_bytes(encoded)
    with caplog.at_level(logging.INFO, logger="aligner"):
        doc = read_text(path)
    assert " ".join(w.text for w in doc.words) == said
    notes = [r.getMessage() for r in caplog.records]
    assert (notes == []) if encoding is None else (len(notes) == 1 and encoding in notes[0] and "story.txt" in notes[0])


def test_a_quote_in_fullwidth_quotation_marks_is_found(tmp_path: Path):
    path = tmp_path / "story.txt"
    path.write_text("The minister was clear. \uff02We won\uff07t rest until it is done,\uff02 she said.", "utf-8")
    assert [q.text for q in find_quotes(read_text(path))] == ["We won't rest until it is done,"]


def test_inline_markup_left_in_a_plain_text_is_not_published_wording(tmp_path: Path):
    # a content system's export: emphasis, a link and a line break tag around words, a "<" that is text
    path = tmp_path / "story.txt"
    path.write_text('It has to be a <em>durable</em> peace, <a href="/x">he said</a>.<br/><q>Ages 5 < 12</q> '
                    "<STRONG>can</STRONG> come.", "utf-8")
    doc = read_text(path)
    assert [w.text for w in doc.words] == ["It", "has", "to", "be", "a", "durable", "peace,", "he", "said.", "“Ages",
                                           "5 <", "12”", "can", "come."]
    assert doc.words[9].paragraph == doc.words[8].paragraph + 1


@pytest.mark.parametrize("start", ["<!DOCTYPE html>", "<!-- saved from the CMS -->\n<html>", "<body>", "<p>"])
def test_html_saved_as_txt_is_recognized(tmp_path: Path, start: str):
    path = tmp_path / "story.txt"
    path.write_text(f"{start}<nav>Home</nav><script>x()</script><p>Said &amp; done.</p>", "utf-8")
    assert [w.text for w in read_text(path).words] == ["Said", "&", "done."]


def test_an_html_page_is_read_in_the_charset_it_declares(tmp_path: Path, caplog):
    page = tmp_path / "page.html"
    page.write_bytes("<html><head><meta charset='windows-1252'></head><body><p>“Ça va”, dit-il.</p></body></html>"
                     .encode("cp1252"))
    with caplog.at_level(logging.INFO, logger="aligner"):
        assert [w.text for w in read_text(page).words] == ["“Ça", "va”,", "dit-il."]
    assert "Windows-1252" in caplog.records[0].getMessage() and "declares" in caplog.records[0].getMessage()


def test_aeneas_ids_are_left_out_and_offsets_still_point_into_the_file(tmp_path: Path, caplog):
    path = tmp_path / "sonnet.txt"
    path.write_text("f000001|From fairest creatures we desire increase,\nf000002|That thereby beauty’s rose "
                    "might never die,\n", "utf-8")
    with caplog.at_level(logging.INFO, logger="aligner"):
        doc = read_text(path)
    assert doc.words[0].text == "From" and "f000002" not in " ".join(w.text for w in doc.words)
    assert path.read_text("utf-8")[doc.words[-1].char_start:doc.words[-1].char_end] == "die,"
    assert len({w.paragraph for w in doc.words}) == 2
    assert "aeneas" in caplog.records[0].getMessage()


SRT = """1
00:00:00,140 --> 00:00:02,145
And so my fellow Americans,

2
00:00:03,270 --> 00:00:07,655
ask not what your country
can do for you,

3
00:00:08,170 --> 00:00:10,445
ask what you can do for your country.
"""
VTT = """WEBVTT
Kind: captions

NOTE exported by another captioning system

STYLE
::cue { color: yellow }

intro
00:00.140 --> 00:02.145 line:90% align:center
<v Kennedy>And so my fellow <i>Americans</i>,

00:00:03.270 --> 00:00:07.655
{\\an8}- ask not what your country
- can do for you,

00:00:08.170 --> 00:00:10.445
ask what you can do for your country.
"""


@pytest.mark.parametrize("name, content", [("old.srt", SRT), ("old.vtt", VTT), ("captions.txt", SRT)])
def test_a_caption_file_is_read_as_its_words(tmp_path: Path, name: str, content: str, caplog):
    """Existing captions given as the text: the cue text as running prose, one paragraph per sentence, without
    cue numbers, times, header blocks or markup (which would be "never spoken" words)."""
    path = tmp_path / name
    path.write_text(content, "utf-8")
    with caplog.at_level(logging.INFO, logger="aligner"):
        doc = read_text(path)
    assert doc.text == ("And so my fellow Americans, ask not what your country can do for you, ask what you can do "
                        "for your country.\n")
    assert {w.paragraph for w in doc.words} == {0}
    assert "caption file" in caplog.records[0].getMessage()


def test_classic_mac_line_ends_end_lines(tmp_path: Path):
    path = tmp_path / "story.txt"
    path.write_bytes(b"Headline here\r\rThe story begins. It goes on.\rA new paragraph.")
    doc = read_text(path)
    assert [w.paragraph for w in doc.words] == [0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2]
    assert len(doc.text) == len(path.read_bytes())  # offsets still point into the file


def test_a_caption_file_without_cues_has_no_words(tmp_path: Path):
    path = tmp_path / "empty.vtt"
    path.write_text("WEBVTT\n\nNOTE nothing yet\n", "utf-8")
    with pytest.raises(InputError, match="no words to align"):
        read_text(path)


def test_a_text_that_mentions_a_time_range_is_no_caption_file(tmp_path: Path):
    path = tmp_path / "story.txt"
    text = "The clip runs 00:01:02,000 --> 00:01:05,000 in the edit.\n\nThe rest of the story.\n\nAnd more.\n"
    path.write_text(text, "utf-8")
    assert read_text(path).text == text


@pytest.mark.parametrize("text, paragraphs, quotes", [
    # verse quoted over lines broken by hand: one paragraph, one quote (the first line is no page line)
    ("The reader began:\n\n“Look in thy glass and tell the face thou viewest\nNow is the time that face should "
     "form another;”\n\nand went on.\n", 3, 1),
    ("“Look in thy glass\n\nNow is the time”\n", 2, 0),  # a blank line ends a quote
    ('"Look in thy glass\nNow is the time"\n', 2, 0),  # straight marks are not read across lines
    ("“We will fight on.\n“And we will win,” she said.\n", 2, 2),  # a quote over paragraphs, opened again
])
def test_a_curly_quote_broken_over_lines_by_hand_is_one_paragraph(tmp_path: Path, text, paragraphs, quotes):
    path = tmp_path / "review.txt"
    path.write_text(text, "utf-8")
    doc = read_text(path)
    assert len({w.paragraph for w in doc.words}) == paragraphs
    assert len(find_quotes(doc)) == quotes
    assert len(doc.text) == len(text)  # offsets into the file do not move


def test_a_hard_wrapped_text_is_read_as_its_paragraphs(tmp_path: Path):
    import textwrap

    paragraphs = ["Ferry services to the island were cancelled on Tuesday after the harbour wall was damaged in a "
                  "storm that also brought down power lines along the coast road.",
                  "“We have never seen waves like it in the forty years this wall has stood here, and we will not "
                  "reopen until an engineer has looked at every metre of it,” said harbour master Ewan MacRae, who "
                  "has worked at the port since he was sixteen.",
                  "Repairs are expected to take about three weeks."]
    path = tmp_path / "wire.txt"
    path.write_text("\n\n".join(textwrap.fill(p, 60) for p in paragraphs), "utf-8")  # wire copy, e-mail
    doc = read_text(path)
    assert len({w.paragraph for w in doc.words}) == 3
    quotes = find_quotes(doc)
    assert len(quotes) == 1 and quotes[0].text.startswith("We have") and quotes[0].text.endswith("every metre of it,")
    assert doc.text.replace("\n\n", " ") == " ".join(paragraphs)  # a break stays one character: offsets hold


@pytest.mark.parametrize("text", [
    "From fairest creatures we desire increase,\nThat thereby beauty’s rose might never die,\nBut as the riper "
    "should by time decease,\nHis tender heir might bear his memory:\n",  # verse: every line begins a capital
    "Breaking news\nThe council met on Tuesday.\nIt voted to close the pool.\nA long line of the text that is the "
    "longest of all by far, a paragraph of its own.\nand a line after it\n",  # a paragraph a line
])
def test_lines_that_were_not_wrapped_stay_lines(tmp_path: Path, text: str):
    path = tmp_path / "lines.txt"
    path.write_text(text, "utf-8")
    assert read_text(path).text == text


def test_a_bar_in_ordinary_text_is_kept(tmp_path: Path):
    path = tmp_path / "story.txt"
    path.write_text("Vote|2024 | Results\n\nThe count ends tonight.", "utf-8")
    assert [w.text for w in read_text(path).words][:2] == ["Vote|2024 |", "Results"]


@pytest.mark.parametrize("content, message", [
    (b"", "no words"),
    (b"  \n\n - \n", "no words"),
    (bytes(random.Random(0).randbytes(3000)), "binary"),
    ((DATA / "real" / "p001.mp3").read_bytes()[:20000], "binary"),
    (b"PK\x03\x04" + bytes(range(256)) * 8, "binary"),
    (b"\xff\xfe\x00\xd8", "UTF-16"),  # a byte order mark, then half a surrogate pair
])
def test_bad_text_files(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_text(path)


def test_missing_text_file(tmp_path: Path):
    with pytest.raises(InputError, match="not found"):
        read_text(tmp_path / "nope.txt")
