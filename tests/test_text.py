from pathlib import Path

import pytest

from aligner.errors import InputError
from aligner.text import parse_text, read_text


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


def test_spaced_ellipsis_does_not_end_the_sentence():
    doc = parse_text("our unity of action . . . I am confident that that will endure.")
    assert len({w.sentence for w in doc.words}) == 1
    assert doc.words[3].text == "action . . ."


def test_html_page(tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>T</title><script>var x = 1;</script></head><body>"
                    "<nav>Menu</nav><p>First &amp; foremost.</p><p>Second <b>bold</b> line.</p></body></html>")
    doc = read_text(page)
    assert [w.text for w in doc.words] == ["Menu", "First", "&", "foremost.", "Second", "bold", "line."]
    assert len({w.paragraph for w in doc.words}) == 3


@pytest.mark.parametrize("content, message", [
    (b"", "no words"),
    (b"  \n\n - \n", "no words"),
    (b"\xff\xfe\x00bad", "binary"),
    (b"caf\xe9 au lait", "not UTF-8"),
])
def test_bad_text_files(tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_text(path)


def test_missing_text_file(tmp_path: Path):
    with pytest.raises(InputError, match="not found"):
        read_text(tmp_path / "nope.txt")
