"""The accuracy report's data: what the check found, in small records that every renderer reads.

Made by `check.check` from one alignment; rendered by `render` (terminal, report.json) and `review` (the
HTML review page). A difference is judged RECOGNITION (the recognizer misheard), WORDING (different words
were said) or UNCERTAIN (the witnesses disagree or the evidence is weak: an editor should listen).
"""
from __future__ import annotations

from dataclasses import dataclass

from .align import Unscripted
from .measures import Measures

__all__ = ["RECOGNITION", "WORDING", "UNCERTAIN", "FAIL_ON", "Difference", "UnspokenText", "QuoteVerdict", "Report"]

RECOGNITION, WORDING, UNCERTAIN = "recognition", "wording", "uncertain"
VERBATIM, NOT_VERBATIM = "verbatim", "not verbatim"  # quote verdicts, with UNCERTAIN
FAIL_ON = ("misquote", "unspoken", "unscripted", "wording")
_MARKS = "“”\"‘’«»()[]"  # quotation marks and brackets around published words


@dataclass(frozen=True)
class Difference:
    """Published words that were heard differently (or not at all), or heard words with no published ones."""

    published: str  # as published, punctuation included; "" for words heard but not in the text
    heard: str  # as the recognizer wrote it; "" for published words that were not heard
    start: float
    end: float
    char_start: int  # published text offsets; for heard-only words both are the point where they were said
    char_end: int
    kind: str  # RECOGNITION | WORDING | UNCERTAIN
    reason: str  # why, in a few words, for the editor
    margin: float | None = None  # log P(published | audio) - log P(heard | audio), None when not scored
    pieces: int | None = None  # the model's word pieces that differ
    probability: float | None = None  # the recognizer's confidence in the heard words (mean)
    similarity: float = 0.0  # how alike the two wordings look or sound, 0..1
    acoustic: float | None = None  # the phonetic witness: published minus heard acoustic log-likelihood
    distance: float | None = None  # the model's distance from its decision line (>= 0: misheard side)
    acoustic_distance: float | None = None  # the witness's distance from its line (>= 0: misheard side)

    @property
    def bare_published(self) -> str:
        """The published words without the quotation marks and brackets around them, for listings."""
        return self.published.strip(_MARKS)


@dataclass(frozen=True)
class UnspokenText:
    """Published text that was never said: page lines, a skipped passage."""

    text: str
    char_start: int
    char_end: int


@dataclass(frozen=True)
class QuoteVerdict:
    text: str
    char_start: int
    char_end: int
    start: float | None  # None when the quote was never spoken
    end: float | None
    verbatim: bool  # spoken, with no wording difference and no word left out
    differences: tuple[Difference, ...]  # every difference inside the quote, recognition errors included
    uncertain: bool = False  # not verbatim only by differences the witnesses disagree on: listen before judging

    @property
    def verdict(self) -> str:
        return VERBATIM if self.verbatim else UNCERTAIN if self.uncertain else NOT_VERBATIM

    @property
    def spoken(self) -> bool:
        return self.start is not None


@dataclass(frozen=True)
class Report:
    audio: str
    duration: float
    measures: Measures
    unspoken: tuple[UnspokenText, ...]
    unscripted: tuple[Unscripted, ...]
    differences: tuple[Difference, ...]
    quotes: tuple[QuoteVerdict, ...]
    scored_by: tuple[str, ...]  # models that scored the differences; empty when none did
    coverage: float = 1.0  # share of the recognized speech (seconds) that the published text covers
    spoken_words: int = 0  # published words said (the alignment's matched, substituted and interpolated)
    omitted_words: int = 0  # published words left out of sentences that were said (deletions in the measure)

    @property
    def misquotes(self) -> list[QuoteVerdict]:
        return [q for q in self.quotes if q.spoken and q.verdict == NOT_VERBATIM]

    @property
    def quotes_to_hear(self) -> list[QuoteVerdict]:
        """Spoken quotes the evidence cannot settle: an editor should listen before publishing them."""
        return [q for q in self.quotes if q.spoken and q.verdict == UNCERTAIN]

    def flagged(self, kind: str) -> int:
        """How many items of a --fail-on kind the report holds."""
        return {"misquote": len(self.misquotes), "unspoken": len(self.unspoken),
                "unscripted": len(self.unscripted),
                "wording": sum(d.kind == WORDING for d in self.differences)}[kind]
