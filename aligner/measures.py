"""Word and character error rates between the published text and the recognized speech.

The standard measures, computed by jiwer, over Whisper-style normalized words: the matching keys of
`normalize.word_keys` (numbers spelled out, punctuation and case dropped), then contractions expanded
("we're" ~ "we are"), hesitations dropped ("um"), titles spelled out ("mr" ~ "mister") and British
spellings made American ("defence" ~ "defense"), as Whisper's English normalizer does. Both sides go
through the same function, so only real differences in wording count.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import jiwer

from .normalize import QUANTITY_WORDS, number_words, priced_in_a_row, quantity, quantity_keys, word_keys

__all__ = ["Measures", "Chunk", "standard_tokens", "spelling", "measure"]

_CONTRACTIONS = {"won't": ("will", "not"), "can't": ("can", "not"), "let's": ("let", "us"), "ain't": ("aint",),
                 "y'all": ("you", "all"), "ma'am": ("madam",),
                 # one word in two spellings: pages write "OK" (AP and BBC style), the recognizer "okay"
                 "ok": ("okay",), "alright": ("all", "right")}
# Only endings that can mean one thing are expanded: "'s" (is, has, or a possessive) and "'d" (would, had)
# stay part of their word, so "Russia's" is never "Russia is" and "he'd" never silently equals "he would".
_ENDINGS = (("n't", "not"), ("'re", "are"), ("'ll", "will"), ("'ve", "have"), ("'m", "am"), ("'t", "not"))
_HESITATIONS = {"hmm", "mm", "mhm", "mmm", "uh", "um"}
_ENDS_PHRASE = re.compile(r"[,.;:!?—–)\]\"”’]$")
_NUMBER_SIGN = re.compile(r"[“‘\"'(]*No\.?")
_DIGITS_FIRST = re.compile(r"[“‘\"'(#]*\d")
# "St" before a name is Saint ("St. Mary's", "St Ives"); after one it is Street ("Main St."), said in full either way
_ST = re.compile(r"[“‘\"'(]*St\.?[,;:”’\"')]*")
_NAME_FIRST = re.compile(r"[“‘\"'(]*[A-Z]")
# Words that turn a statement into its opposite (standard_tokens spells "don't" as "do not").
NEGATIONS = frozenset({"not", "never", "no", "nor", "neither", "none", "nobody", "nothing", "nowhere", "without"})
# A negative contraction a recognizer wrote without its apostrophe ("rasha-cant," for "Russia can't"): it holds a
# negation too, though "cant" and "wont" are also words, so it is not taken for "can not".
_UNMARKED_NEGATIONS = frozenset("cant wont dont doesnt didnt isnt arent wasnt werent hasnt havent hadnt couldnt "
                                "shouldnt wouldnt mustnt neednt".split())


# Adverbs that qualify the word after them: hedges (how sure), degree (how much) and focus ("only"). Taken from
# English grammar's classes (Quirk et al.'s downtoners, amplifiers, focusing and epistemic adverbs), no threshold
# fitted; the need showed on calibration data (fresh21: probably, completely, somehow, absolutely, simply; fresh22:
# already, honestly, and the aspect and stance adverbs of the same classes were added with them). "just",
# "so" and "too" are left out, being fillers as often as qualifiers.
QUALIFIERS = frozenset("""
probably possibly perhaps maybe likely apparently allegedly reportedly supposedly seemingly presumably arguably
certainly definitely surely clearly obviously evidently undoubtedly somehow
completely absolutely totally entirely fully utterly quite rather fairly very really extremely highly deeply
slightly somewhat partly partially largely mostly nearly almost virtually practically barely hardly scarcely
simply merely only even particularly especially always sometimes often rarely seldom usually occasionally ever
already still actually honestly frankly truly genuinely literally exactly precisely roughly approximately
""".split())


def is_hesitation(keys: Sequence[str]) -> bool:
    """Are a written word's keys (normalize.word_keys) a hesitation ("Uh,", "um")? Whisper seldom writes one."""
    return bool(keys) and all(key in _HESITATIONS for key in keys)


def is_negation(token: str) -> bool:
    """A negation word, also with a clitic 's that standard_tokens wrote without its apostrophe ("nobody’s":
    nobodys, "nothing’s": nothings), or a negative contraction written without its apostrophe ("cant")."""
    return token in NEGATIONS or token in _UNMARKED_NEGATIONS or (token.endswith("s") and token[:-1] in NEGATIONS)


# Abbreviations as they are said. Those that are also names or words ("Jan", "Jun", "Dec") only with their
# period ("Jan." is January, "Jan Smith" is Jan).
_ABBREVIATIONS = {"mr": "mister", "mrs": "missus", "dr": "doctor", "prof": "professor", "capt": "captain",
                  "gov": "governor", "gen": "general", "sen": "senator", "rep": "representative", "lt": "lieutenant",
                  "col": "colonel", "sgt": "sergeant", "jr": "junior", "sr": "senior", "mt": "mount",
                  "vs": "versus", "feb": "february", "aug": "august", "sept": "september", "oct": "october",
                  "nov": "november", "govt": "government", "dept": "department",
                  # units, also glued to their number ("5km": five km, see normalize.word_keys)
                  "km": "kilometers", "kg": "kilograms", "cm": "centimeters", "ft": "feet", "lbs": "pounds"}
_ABBREVIATIONS_WITH_PERIOD = {"jan": "january", "apr": "april", "jun": "june", "jul": "july", "sep": "september",
                              "dec": "december", "inc": "incorporated", "corp": "corporation", "ltd": "limited"}


# Initialisms a speaker says in full as often as letter by letter, which pages write short in quotes too (AP and
# BBC style): "U.S." said "United States". Only in capitals: "us" is a pronoun.
_INITIALISMS = {"us": ("united", "states"), "uk": ("united", "kingdom"), "un": ("united", "nations"),
                "eu": ("european", "union")}


def said_as(key: str, written: str) -> str | None:
    """The spoken word for an abbreviation's key ("dr" -> "doctor"; "jan" only when written "Jan."), else None."""
    if key in _ABBREVIATIONS:
        return _ABBREVIATIONS[key]
    if key in _ABBREVIATIONS_WITH_PERIOD and written.rstrip("”’\"')]").endswith("."):
        return _ABBREVIATIONS_WITH_PERIOD[key]
    return None
# British spellings that suffix rules below would get wrong or miss.
_SPELLINGS = {"defence": "defense", "offence": "offense", "licence": "license", "pretence": "pretense",
              "grey": "gray", "programme": "program", "programmes": "programs", "cheque": "check",
              "tyre": "tire", "tyres": "tires", "aluminium": "aluminum", "judgement": "judgment",
              "ageing": "aging", "manoeuvre": "maneuver", "manoeuvres": "maneuvers", "plough": "plow",
              "sceptical": "skeptical", "sceptic": "skeptic", "storey": "story", "storeys": "stories",
              "jewellery": "jewelry", "enrol": "enroll", "fulfil": "fulfill", "kerb": "curb",
              "practise": "practice", "practised": "practiced", "mould": "mold", "draught": "draft",
              "artefact": "artifact", "cosy": "cozy", "paediatric": "pediatric", "anaesthetic": "anesthetic",
              "encyclopaedia": "encyclopedia", "foetus": "fetus", "oestrogen": "estrogen", "pyjamas": "pajamas",
              "moustache": "mustache", "whilst": "while", "amongst": "among", "towards": "toward"}
# (pattern, replacement, shortest word it applies to): each rewrites a British ending to the American one.
# Applied to both sides, a rule can only do harm where both spellings are distinct words ("prise"/"prize").
_SUFFIX_RULES = [(re.compile(p), r, n) for p, r, n in (
    (r"isation(s?)$", r"ization\1", 8),
    (r"(?<!pr)is(e|es|ed|ing|er|ers)$", r"iz\1", 6),
    (r"ys(e|es|ed|ing)$", r"yz\1", 7),
    (r"(?<=\w{3})our(s|ed|ing|er|ers|ite|ites|able|ably|ful|less)?$", r"or\1", 6),
    (r"(?<=[tb])re(s?)$", r"er\1", 5),
    (r"ogue(s?)$", r"og\1", 8),
    (r"ell(ed|ing|er|ers)$", r"el\1", 7),
)]


def spelling(token: str) -> str:
    """The American spelling of a British one ("colour" -> "color"); other words are returned as they are."""
    if token in _SPELLINGS:
        return _SPELLINGS[token]
    for pattern, replacement, shortest in _SUFFIX_RULES:
        if len(token) >= shortest and pattern.search(token):
            return pattern.sub(replacement, token)
    return token


def standard_tokens(text: str) -> tuple[str, ...]:
    """Normalized words of one written word, as the measures compare them.

    >>> standard_tokens("We’re"), standard_tokens("defence."), standard_tokens("2%"), standard_tokens("Um,")
    (('we', 'are'), ('defense',), ('two', 'per', 'cent'), ())
    """
    tokens: list[str] = []
    for key in word_keys(text):
        if key in _HESITATIONS:
            continue
        if key in _CONTRACTIONS:
            tokens += _CONTRACTIONS[key]
            continue
        if said := said_as(key, text):
            tokens.append(said)
            continue
        if key in _INITIALISMS and re.search(rf"(?<![A-Za-z]){key.upper()}(?![A-Za-z])", text.replace(".", "")):
            tokens += _INITIALISMS[key]
            continue
        for ending, word in _ENDINGS:
            if key.endswith(ending) and len(key) > len(ending):
                tokens += [spelling(key[: -len(ending)]), word]
                break
        else:
            tokens.append(spelling(key.replace("'", "")))
    return tuple(tokens)


def tokens_in_a_row(texts: Sequence[str]) -> list[tuple[str, ...]]:
    """standard_tokens of written words in a row, where a word's neighbour tells what it says: "No. 10" and
    "No 10" (a capital No before digits) are "number ten", not a negation the speaker never said; "St." is
    "saint" before a name and "street" after one; "£47 billion" is "forty seven billion pounds"; and a number
    is spelled one way whatever form it was written or said in ("1,200", "1200", "twelve hundred"; "500,000",
    "half a million"; "£1.5m", "one and a half million pounds": see normalize.quantity_keys), and so is a date
    ("21 May", "the 21st of May", see _one_date)."""
    tokens = priced_in_a_row([standard_tokens(text) for text in texts])
    for k, text in enumerate(texts):
        after, before = texts[k + 1] if k + 1 < len(texts) else "", texts[k - 1] if k else ""
        if tokens[k] == ("no",) and _NUMBER_SIGN.fullmatch(text) and _DIGITS_FIRST.match(after):
            tokens[k] = ("number",)
        elif tokens[k] == ("st",) and _ST.fullmatch(text) and (_NAME_FIRST.match(after) or _NAME_FIRST.match(before)):
            tokens[k] = ("saint",) if _NAME_FIRST.match(after) else ("street",)
    k = 0
    while k < len(texts):
        k = _one_quantity(tokens, k, _one_number(texts, tokens, k))
    for k in range(len(texts)):
        _one_date(tokens, k)
    return tokens


_MONTHS = frozenset("january february march april may june july august september october november december".split())
# a day of the month as it is written or said: "21", "21st", "twenty first", "twenty one"
_DAYS = {tuple(number_words(str(n), suffix)): tuple(number_words(str(n), "th")) for n in range(1, 32)
         for suffix in ("", "th")}


def _one_date(tokens: list[tuple[str, ...]], k: int) -> None:
    """Spell a date that starts at word k one way, whichever form it was written or said in: its day as an ordinal,
    without "the" before it or "of" after it ("21 May", "the 21st of May": "twenty first may"; "May the 21st":
    "may twenty first"). Its words keep their order: where the recognizer garbled one side of a date, the rest of
    it still pairs word for word."""
    def at(j: int) -> tuple[str, ...]:
        return tokens[j] if j < len(tokens) else ()

    start = k + (at(k) == ("the",))
    if at(start) in _DAYS:  # [the] DAY [of] MONTH
        month = start + 1 + (at(start + 1) == ("of",))
        if len(at(month)) == 1 and at(month)[0] in _MONTHS:
            tokens[k:month + 1] = [()] * (start - k) + [_DAYS[at(start)]] + [()] * (month - start - 1) + [at(month)]
    elif len(at(k)) == 1 and at(k)[0] in _MONTHS:  # MONTH [the] DAY
        day = k + 1 + (at(k + 1) == ("the",))
        if at(day) in _DAYS:
            tokens[k:day + 1] = [at(k)] + [()] * (day - k - 1) + [_DAYS[at(day)]]


def _one_quantity(tokens: list[tuple[str, ...]], k: int, end: int) -> int:
    """Spell the longest number the words from k on (up to end) say as normalize.quantity_keys does, and return
    where the next one may start."""
    for stop in range(end, k, -1):
        said = [key for keys in tokens[k:stop] for key in keys]
        size = next((n for n, key in enumerate(said) if key not in QUANTITY_WORDS), len(said))
        value = quantity(said[:size])
        if value is not None:
            if quantity_keys(value) != tuple(said[:size]):  # held by the first word, the others have none of
                # their own (check.py keeps them with it)
                tokens[k:stop] = [quantity_keys(value) + tuple(said[size:])] + [()] * (stop - k - 1)
            return stop
    return k + 1


def _one_number(texts: Sequence[str], tokens: Sequence[tuple[str, ...]], k: int) -> int:
    """The end of the words from k on that can be one number: its words, the first perhaps in digits, the
    others only in letters ("25 hundred", not "200 and 12,000": digits are a number of their own), with no
    punctuation between them ("thirty, nine" is two numbers). Only the last may go on with what is counted
    ("million pounds")."""
    def wholly(j: int) -> bool:
        return bool(tokens[j]) and all(key in QUANTITY_WORDS for key in tokens[j])

    end = k
    while end < len(texts) and (end == k or (wholly(end - 1) and tokens[end][:1] and tokens[end][0] in QUANTITY_WORDS)):
        end += 1
        if end < len(texts) and (_ENDS_PHRASE.search(texts[end - 1]) or any(c.isdigit() for c in texts[end])):
            break
    return end


@dataclass(frozen=True)
class Measures:
    """Word and character error rates of the heard words against the published ones, with the word counts."""

    wer: float
    cer: float
    substitutions: int
    deletions: int
    insertions: int
    hits: int

    @property
    def reference_words(self) -> int:
        return self.hits + self.substitutions + self.deletions


@dataclass(frozen=True)
class Chunk:
    """A stretch of the word alignment: published tokens [p0, p1) against heard tokens [h0, h1)."""

    kind: str  # equal | substitute | delete | insert
    p0: int
    p1: int
    h0: int
    h1: int


def measure(published: Sequence[str], heard: Sequence[str]) -> tuple[Measures, list[Chunk]]:
    """WER and CER (jiwer) of `heard` against `published` normalized tokens, and jiwer's word alignment."""
    if not published:
        insertions = len(heard)
        return Measures(float(bool(insertions)), float(bool(insertions)), 0, 0, insertions, 0), (
            [Chunk("insert", 0, 0, 0, insertions)] if insertions else [])
    if not heard:
        return Measures(1.0, 1.0, 0, len(published), 0, 0), [Chunk("delete", 0, len(published), 0, 0)]
    words = jiwer.process_words(" ".join(published), " ".join(heard))
    characters = jiwer.process_characters(" ".join(published), " ".join(heard))
    chunks = [Chunk(c.type, c.ref_start_idx, c.ref_end_idx, c.hyp_start_idx, c.hyp_end_idx)
              for c in words.alignments[0]]
    return Measures(words.wer, characters.cer, words.substitutions, words.deletions, words.insertions,
                    words.hits), chunks
