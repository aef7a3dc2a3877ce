from aligner.quotes import find_quotes
from aligner.text import parse_text


def test_curly_and_straight_quotes_across_sentences():
    text = ('Blinken said: “We’re building on the pledge. It is critical.” Then he left.\n\n'
            'He added, "Thank you all." A so-called "summit" followed.')
    doc = parse_text(text)
    quotes = find_quotes(doc)
    assert [q.text for q in quotes] == ["We’re building on the pledge. It is critical.", "Thank you all."]
    first = quotes[0]
    assert text[first.char_start:first.char_end] == first.text
    assert doc.words[first.first_word].text == "“We’re" and doc.words[first.last_word].text == "critical.”"


def test_apostrophes_are_not_quotes():
    assert find_quotes(parse_text("Russia’s war and Ukraine’s partners can’t rest.")) == []


def test_typography_of_other_newsrooms():
    text = ("Il a dit « nous resterons unis » hier. „Wir bleiben stark“ sagte sie.\n\n"
            "‘We’re not leaving,’ the minister said, ‘and we won’t.’ The members’ votes counted.")
    assert [q.text for q in find_quotes(parse_text(text))] == [
        "nous resterons unis", "Wir bleiben stark", "We’re not leaving,", "and we won’t."]
    # German and Danish »…«, Swedish and Finnish ”…” (also an English “ typed as ”), beside «…» and “…”
    text = "Er sagte »wir bleiben stark« und «nous restons» und ”vi står fast” och “we stand firm” again."
    assert [q.text for q in find_quotes(parse_text(text))] == [
        "wir bleiben stark", "nous restons", "vi står fast", "we stand firm"]


def test_a_quote_going_on_into_the_next_paragraph_has_no_closing_mark_before_it():
    text = ("The mayor spoke.\n\n“We will rebuild the bridge. It will take two years.\n\n"
            "“And it will be stronger than before,” she said.\n\n“A line left open\n\nis not a quote.")
    assert [q.text for q in find_quotes(parse_text(text))] == [
        "We will rebuild the bridge. It will take two years.", "And it will be stronger than before,"]
    assert [q.text for q in find_quotes(parse_text('"We will rebuild.\n\n"It will be stronger," she said.'))] == [
        "We will rebuild.", "It will be stronger,"]
    # the quote opened after the reporter's words, in the middle of its first paragraph
    text = "“We did all we could,” she said. “But the river is still rising.\n\n“Leave now.”"
    assert [q.text for q in find_quotes(parse_text(text))] == [
        "We did all we could,", "But the river is still rising.", "Leave now."]


def test_straight_single_quotes_as_a_plain_text_page_has_them():
    text = ("'We're going to win this,' said the coach. Rock 'n' roll in the '90s was 'great fun' for the players' "
            "union.\n\nHe added: 'It was a long season for everyone\n\n'and we'll do it again next year.'")
    assert [q.text for q in find_quotes(parse_text(text))] == [
        "We're going to win this,", "great fun", "It was a long season for everyone",
        "and we'll do it again next year."]
