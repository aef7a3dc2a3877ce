"""The published text: words as published, with their matching keys, offsets, sentences and paragraphs.

Plain text and HTML pages are read, in UTF-8 or any other encoding (a byte order mark decides; else
charset-normalizer detects it, and a note says which was assumed). For HTML the visible text is extracted
first (block elements become paragraphs; scripts, styles, navigation and forms are dropped) and character
offsets refer to that extracted text. A text in aeneas's `id|text` line format loses its ids (replaced by
spaces, so offsets still point into the file).
"""
from __future__ import annotations

import codecs
import html
import logging
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from .errors import InputError
from .normalize import GROUP_SPACES, priced_in_a_row, word_keys

__all__ = ["Word", "Document", "parse_text", "read_text", "excerpt"]

log = logging.getLogger(__name__)

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
         (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),  # UTF-32 first: its little-endian mark starts like UTF-16's
         (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"), (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"))
# Control characters (other than tabs and line breaks) in more than this share of a decoded text mean it
# was never text: a text editor would show them as garbage too.
_MAX_CONTROL_SHARE = 0.001
# A text with one of these suffixes is the recording given in the text's place (arguments swapped).
_MEDIA_SUFFIXES = {".wav", ".flac", ".mp3", ".m4a", ".mp4", ".aac", ".ogg", ".opus", ".mov", ".mkv", ".webm"}
# aeneas's "parsed" text format: every line is ID|TEXT, the ID without spaces (f000001|From fairest ...).
_AENEAS_LINE = re.compile(r"[^\s|]+\|")

# A caption file given as the text: a cue's timing line in SRT ("00:00:01,000 --> 00:00:04,000") or WebVTT
# ("00:01.000 --> 00:04.000 line:90%"), and markup inside cue text (<i>, <v Speaker>, <c.yellow>, an inline time
# <00:01.500>, an SSA override {\an8}), which is never said.
_CUE_TIMING = re.compile(r"[ \t]*(?:\d+:)?\d{1,2}:\d{2}[.,]\d{3}[ \t]+-->[ \t]+(?:\d+:)?\d{1,2}:\d{2}[.,]\d{3}\b[^\n]*")
_CAPTION_MARKUP = re.compile(r"<[^<>\n]*>|\{\\[^{}\n]*\}")
_DIALOGUE_DASH = re.compile(r"(?m)^[ \t]*[-–—][ \t]+")  # "- Ask not": a change of speaker inside a cue

# A period after these does not end a sentence.
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt",
                  "prof", "jr", "sr", "vs", "etc", "inc", "corp", "co", "no", "jan", "feb", "mar", "apr",
                  "aug", "sept", "sep", "oct", "nov", "dec", "u.s", "u.n", "u.k", "e.g", "i.e"}
# a run of non-space characters, or a number whose digit groups are set apart by narrow spaces ("1 000")
_WORD = re.compile(rf"\S*\d(?:[{GROUP_SPACES}]\d{{3}}(?!\d)\S*)+|\S+")
_SENTENCE_END = re.compile(r"[.!?…][”\"’')\]]*$")
_OPENING = "“\"‘'([¿¡"


@dataclass(frozen=True)
class Word:
    """One whitespace-delimited published word; `keys` are what matching compares."""

    text: str
    keys: tuple[str, ...]
    char_start: int
    char_end: int
    sentence: int
    paragraph: int


@dataclass(frozen=True)
class Document:
    text: str  # the text the offsets refer to
    words: tuple[Word, ...]


# A transcript's stage directions in round brackets: what happened, not what was said.
_DIRECTION = re.compile(r"\((?:laughter|laughs|applause|cheers|cheering|booing|inaudible|unintelligible|crosstalk|"
                        r"pause|sighs|coughs|sic)\)", re.IGNORECASE)


def editorial_words(document: Document) -> frozenset[int]:
    """The words a writer set in square brackets ("[the president]", "[America]"): the writer's words in a
    quote, standing for or added to the speaker's, never the speaker's own; and stage directions
    ("(applause)")."""
    spans = [m.span() for pattern in (r"\[[^\[\]\n]*\]", _DIRECTION) for m in re.finditer(pattern, document.text)]
    firsts = [(k, w.char_start + next((i for i, c in enumerate(w.text) if c.isalnum()), len(w.text)))
              for k, w in enumerate(document.words)]
    return frozenset(k for k, at in firsts if any(a < at < b for a, b in spans))


def ends_sentence(word: str, next_word: str | None) -> bool:
    """Does a word (published or heard) end a sentence, given the word after it: not after an abbreviation or an
    initial ("Dr.", "R."), nor before a word in lower case."""
    if not _SENTENCE_END.search(word):
        return False
    if next_word is None:
        return True
    stem = word.rstrip("”\"’')]").rstrip(".").lstrip(_OPENING).lower()
    if word.rstrip("”\"’')]").endswith(".") and (stem in _ABBREVIATIONS or len(stem) == 1):
        return False
    if word.endswith(". .") or word.endswith(". . ."):  # a spaced ellipsis inside a sentence
        return False
    first = next_word.lstrip(_OPENING)[:1]
    return not first.islower()


def parse_text(text: str) -> Document:
    """Split text into words; pure punctuation ("–", ". . .") is glued to the word before it."""
    spans: list[tuple[int, int, int]] = []  # (start, end, paragraph)
    for paragraph, line in enumerate(re.finditer(r"[^\n]*\S[^\n]*", text)):
        for match in _WORD.finditer(line.group()):
            start, end = line.start() + match.start(), line.start() + match.end()
            if spans and spans[-1][2] == paragraph and not word_keys(text[start:end]):
                spans[-1] = (spans[-1][0], end, paragraph)
            elif spans and spans[-1][2] == paragraph and not word_keys(text[spans[-1][0]:spans[-1][1]]):
                spans[-1] = (spans[-1][0], end, paragraph)  # leading punctuation joins the next word
            else:
                spans.append((start, end, paragraph))
    words: list[Word] = []
    sentence = 0
    keys = priced_in_a_row([word_keys(text[start:end]) for start, end, _ in spans])
    for (start, end, paragraph), keys_of_word in zip(spans, keys, strict=True):
        if words and (paragraph != words[-1].paragraph or ends_sentence(
                words[-1].text, text[start:end])):
            sentence += 1
        words.append(Word(text[start:end], keys_of_word, start, end, sentence, paragraph))
    return Document(text, tuple(words))


class _VisibleText(HTMLParser):
    _BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figcaption",
               "section", "article", "header", "footer", "tr", "title", "ul", "ol", "table", "aside"}
    # Never read aloud: code, page furniture, navigation menus, forms, embedded players' fallback text.
    _HIDDEN = {"script", "style", "noscript", "template", "head", "nav", "form", "button", "select", "svg",
               "iframe", "object", "canvas", "audio", "video"}

    # An inline quotation (<q>) is drawn with quotation marks the page does not hold: written here as a browser
    # draws it for English, so the check finds the quote.
    _MARKS = (("“", "”"), ("‘", "’"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.quoting = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")
        elif tag == "q" and not self.hidden:
            self.parts.append(self._MARKS[self.quoting % 2][0])
            self.quoting += 1

    def handle_endtag(self, tag):
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")
        elif tag == "q" and not self.hidden and self.quoting:
            self.quoting -= 1
            self.parts.append(self._MARKS[self.quoting % 2][1])

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(markup: str) -> str:
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).split("\n"))
    return html.unescape("\n\n".join(line for line in lines if line))


def _name(codec: str) -> str:
    names = {"cp1252": "Windows-1252", "latin_1": "Latin-1 (ISO-8859-1)", "utf_16": "UTF-16", "utf_32": "UTF-32"}
    return names.get(codec, codec.replace("_", "-"))


def _detected(data: bytes, path: Path) -> tuple[str, str]:
    """Text in another encoding than UTF-8, as charset-normalizer detects it: (text, encoding's name).

    On short, mostly English texts several single-byte encodings decode equally well; Windows-1252 (the
    legacy encoding of Western European and American texts) is taken then. Such a text with no byte in
    0x80-0x9F reads the same as Latin-1, and is named so."""
    import charset_normalizer

    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        raise InputError(f"{path} is not a text file (it contains binary data)")
    tied = [m for m in matches if m.chaos <= best.chaos]
    if any("cp1252" in m.could_be_from_charset for m in tied):
        if not re.search(rb"[\x80-\x9f]", data):
            return data.decode("latin-1"), _name("latin_1")
        return data.decode("cp1252"), _name("cp1252")
    return str(best), _name(best.encoding)


def _declared_charset(data: bytes) -> str | None:
    """The encoding an HTML page names in its head (<meta charset=...>), if Python knows it."""
    found = re.search(rb"<meta[^>]*charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", data[:4096], re.IGNORECASE)
    if not found:
        return None
    try:
        return codecs.lookup(found.group(1).decode("ascii")).name
    except LookupError:
        return None


def _decode(data: bytes, path: Path) -> str:
    """The text of the file: by its byte order mark, as UTF-8, or as detected (with a note saying so)."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as error:
                raise InputError(f"{path} starts with a {name} byte order mark but is not {name} text "
                                 f"(undecodable byte at offset {error.start})") from error
            if name != "UTF-8":
                log.info("%s is not UTF-8; read it as %s (it starts with that byte order mark)", path, name)
            return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data)
    if declared:
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            log.debug("%s declares %s but is not in it", path, declared)
        else:
            log.info("%s is not UTF-8; read it as %s, the charset the page declares", path, _name(declared))
            return text
    text, name = _detected(data, path)
    if name not in ("UTF-16", "UTF-32") and "\x00" in text:
        raise InputError(f"{path} is not a text file (it contains binary data)")
    log.info("%s is not UTF-8; read it as %s", path, name)
    return text


def _looks_binary(text: str) -> bool:
    controls = sum(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v" for c in text)
    return "\x00" in text or controls > _MAX_CONTROL_SHARE * len(text)


def _without_aeneas_ids(text: str, path: Path) -> str:
    """aeneas's `id|text` lines with the ids and bars replaced by spaces, or the text unchanged."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or not all(_AENEAS_LINE.match(line.lstrip()) for line in lines):
        return text
    log.info("%s is in aeneas's id|text format: the ids (%s, ...) are left out", path,
             lines[0].lstrip().split("|", 1)[0])
    return re.sub(r"(?m)^(\s*)([^\s|]+\|)", lambda m: m.group(1) + " " * len(m.group(2)), text)


def _caption_text(text: str, path: Path) -> str:
    """The words of a caption file (SRT or WebVTT) given as the text, read as running prose: a caption editor's
    existing captions are published wording too. Cue numbers, timing lines, the WebVTT header and its NOTE,
    STYLE and REGION blocks, markup and the dashes that mark a change of speaker are left out; a cue's lines,
    and cues that do not end a sentence, are joined with spaces (else every caption line would be a paragraph,
    and one without a full stop a page line); whether a cue ends a sentence is judged as parse_text judges it.
    Any other text is returned unchanged."""
    blocks = re.findall(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*", text)
    cues = [_DIALOGUE_DASH.sub("", _CAPTION_MARKUP.sub("", block[timing.end():])).split() for block in blocks
            if (timing := _CUE_TIMING.search(block))]
    if not text.lstrip().startswith("WEBVTT") and not (cues and (path.suffix.lower() in (".srt", ".vtt")
                                                                  or 2 * len(cues) > len(blocks))):
        return text
    log.info("%s is a caption file: its cue numbers, times and markup are left out", path)
    cues = [cue for cue in cues if cue]
    return "".join(" ".join(cue) + ("\n" if ends_sentence(cue[-1], cues[k + 1][0] if k + 1 < len(cues) else None)
                                    else " ") for k, cue in enumerate(cues))


def _unwrapped(text: str) -> str:
    """The text with the line breaks inside its paragraphs made spaces, if it was hard-wrapped at a fixed width
    (wire copy, an e-mail): else each line would be a paragraph of its own, a page line when it ends without a
    full stop, and a quote broken over two lines would not be found. A line was wrapped where the next line's
    first word would not have fitted on it within the text's longest line. The text was wrapped when most lines
    followed by another are so, and most of those are followed by a word in lower case, as prose broken at any
    word is: a verse's lines begin with capitals, and in a text with one paragraph to a line few lines are full.
    Each break stays one character, so offsets into the text do not move."""
    lines = text.split("\n")
    width = max(len(line.rstrip()) for line in lines)
    pairs = [k for k in range(len(lines) - 1) if lines[k].strip() and lines[k + 1].strip()]
    full = {k for k in pairs if len(lines[k].rstrip()) + 1 + len(lines[k + 1].split()[0]) > width}
    lower = [k for k in full if lines[k + 1].lstrip()[:1].islower()]
    if len(pairs) < 3 or 2 * len(full) < len(pairs) or 2 * len(lower) < len(full):
        return text
    return "".join(line + (" " if k in full else "\n") for k, line in enumerate(lines[:-1])) + lines[-1]


# A curly-quoted passage broken over lines by hand, without a blank line between them: verse, a blockquote.
_QUOTED_LINES = re.compile(r"“[^“”]*\n[^“”]*”")


def _quoted_lines_joined(text: str) -> str:
    """The text with the line breaks inside a curly-quoted passage made spaces: "“Look in thy glass and tell
    the face thou viewest / Now is the time…”" broken over three lines is one quote, not three paragraphs (the
    first, ending without punctuation, a page line) that no quotation spans. Curly marks only, which cannot
    be mistaken for each other; a blank line still ends the quote (a quote over paragraphs opens each one
    again). Each break stays one character, so offsets into the text do not move."""
    return _QUOTED_LINES.sub(lambda m: m[0] if re.search(r"\n\s*\n", m[0]) else m[0].replace("\n", " "), text)


# Characters web pages carry that are never seen or said: soft hyphens, zero-width spaces and joiners, direction
# marks, a byte-order mark. Left in, "co\u00adoperate" is two words and a caption holds characters players
# may draw.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Quotation marks and apostrophes typed in their fullwidth forms (an East Asian keyboard's "＂", "＇"): the marks they
# stand for, so a quote in them is found.
_FULLWIDTH_MARKS = str.maketrans({"\uff02": '"', "\uff07": "'"})


# HTML's character references ("don&rsquo;t", "&amp;", "&#8217;") in a text copied from a page's source or a
# content system's export: the characters they stand for were published, not the references.
_CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# ... and its inline markup in such a text: "a <em>durable</em> peace" published "a durable peace". Only the
# tags of inline elements, so a "<" that is text ("ages 5 < 12") stays; a line break tag is a line break, and an
# inline quotation (<q>) is drawn with quotation marks as a browser draws it (see _VisibleText).
_INLINE_TAG = re.compile(r"<(/?)(a|abbr|b|bdi|bdo|br|cite|code|dfn|em|font|i|ins|kbd|mark|q|small|span|strong|sub|"
                         r"sup|time|u|var|wbr)\b(?:\s[^<>]*)?/?>", re.IGNORECASE)


def _without_inline_tags(text: str) -> str:
    def replace(match: re.Match) -> str:
        tag = match[2].lower()
        return "\n" if tag == "br" else _VisibleText._MARKS[0][bool(match[1])] if tag == "q" else ""
    return _INLINE_TAG.sub(replace, text)


def read_text(path: str | Path) -> Document:
    """Read a published text (plain text or an HTML page, any encoding) or raise InputError saying what
    is wrong."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a text file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"text file not found: {path}") from None
    except OSError as error:
        raise InputError(f"cannot read text file {path}: {error.strerror or error}") from error
    if not data.strip():
        raise InputError(f"{path} has no words to align (it is empty)")
    if path.suffix.lower() in _MEDIA_SUFFIXES:
        raise InputError(f"{path} is a recording, not a text; give the AUDIO first, then the TEXT")
    text = re.sub(r"\r(?!\n)", "\n", _decode(data, path))  # classic Mac OS line ends, one character each
    if _looks_binary(text):
        raise InputError(f"{path} is not a text file (it contains binary data)")
    looks_like_html = path.suffix.lower() in (".html", ".htm", ".xhtml") or re.match(
        r"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype html|html|head|body|article|main|div|p)[\s>]", text,
        re.IGNORECASE | re.DOTALL)
    if looks_like_html:
        text = html_to_text(text)
    else:
        text = _unwrapped(_CHARACTER_REFERENCE.sub(lambda m: html.unescape(m[0]), _without_inline_tags(
            _without_aeneas_ids(_caption_text(text, path), path))))
    text = _INVISIBLE.sub("", text.replace("\u2028", "\n").replace("\u2029", "\n")).translate(_FULLWIDTH_MARKS)
    document = parse_text(_quoted_lines_joined(text))
    if not any(word.keys for word in document.words):
        raise InputError(f"{path} has no words to align")
    return document


def excerpt(text: str, limit: int) -> str:
    """The text on one line, cut to `limit` characters with an ellipsis, for listings."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
