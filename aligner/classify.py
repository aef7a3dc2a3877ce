"""Is a difference between published and heard words the recognizer's mistake or the speaker's?

The published and the heard wording are read to the model for the same audio (see
`transcribe.score_texts`). A misheard word costs the published wording little against the heard one; a
word that was not said costs about 10 or more (natural log) per word piece. Without a model score, only
how alike the words sound and how sure the recognizer was are left.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .align import similarity
from .normalize import number_words
from .report import RECOGNITION, WORDING

__all__ = ["Fit", "classify"]

# Classification: the published and the heard wording are read to the model for the same audio. A misheard
# word costs the published wording little against the heard one; a word that was not said costs about 10 or
# more (natural log) per word piece. Both the cost per differing piece (so a rare name split into pieces,
# "HIM" "ARS", is not charged three times) and the total (so a reworded phrase of common words is not
# diluted) must stay within bounds for a recognition error. Sound-alike words get more slack.
_PER_PIECE = 6.0
_TOTAL = 12.0
_SOUND_PER_PIECE = 2.0  # extra slack at full sound similarity (from _SOUND_FLOOR up to 1)
_SOUND_TOTAL = 8.0
_SOUND_FLOOR = 0.5
_UNSURE = 0.5  # heard words the recognizer gave less than this are shaky: a little more slack
_UNSURE_PER_PIECE = 1.0
_NUMBER_PER_PIECE = 0.5  # a changed number counts as misheard only if the published one fits about as well
# Without a model score (--no-rescore), only sound and confidence are left.
_ALIKE = 0.7
_SMALL_WORD = 3  # letters: "of" heard as "on", "a" as "the"
# Words of numbers, less those that are mostly something else ("one of them", "a second time", "at first").
_NUMBER_WORDS = {*(number_words(str(n))[0] for n in range(20)), *(number_words(str(n))[0] for n in range(20, 100, 10)),
                 *(number_words(str(n), "th")[-1] for n in range(1, 100)), "hundred", "thousand", "million", "billion",
                 "hundredth", "thousandth"} - {"one", "first", "second"}


@dataclass(frozen=True)
class Fit:
    """How much worse the published wording fits a stretch of audio than the heard one, for one model."""

    margin: float  # log P(published | audio) - log P(heard | audio), natural log; 0 or below when misheard
    pieces: int  # the model's word pieces that differ (the larger side), at least 1

    @property
    def per_piece(self) -> float:
        return self.margin / self.pieces


def classify(published: Sequence[str], heard: Sequence[str], probability: float | None = None,
             fit: Fit | None = None, second: Fit | None = None, timed: bool = True) -> tuple[str, str]:
    """(RECOGNITION or WORDING, reason) for one difference between normalized published and heard tokens.

    `fit` comes from the recognizer's model, `second` from a larger model, which is trusted over the first.
    Published words the alignment found no time for (`timed` False) were not said, whatever the model thinks.
    A different number is a fact changed: it is called misheard only when the published one fits as well."""
    alike = similarity("".join(published), "".join(heard)) if published and heard else 0.0
    sound = min(1.0, max(0.0, alike - _SOUND_FLOOR) / (1 - _SOUND_FLOOR))
    shaky = probability is not None and probability < _UNSURE
    number = _numbers(published) != _numbers(heard)
    if not timed and not heard:
        return WORDING, "never said: the audio has no time for these words"
    if fit is not None or second is not None:
        fit, who = (second, "the second model") if second is not None else (fit, "the model")
        per_piece = _NUMBER_PER_PIECE if number else _PER_PIECE + _SOUND_PER_PIECE * sound + (
            _UNSURE_PER_PIECE if shaky else 0.0)
        total = float("inf") if number else _TOTAL + _SOUND_TOTAL * sound
        score = f"{fit.per_piece:+.1f} per word piece, {fit.margin:+.1f} in all"
        if fit.per_piece >= -per_piece and fit.margin >= -total:
            return RECOGNITION, f"the published words fit the audio too, for {who} ({score})"
        if number:
            return WORDING, f"a different number: {who} scores the published one {score} " \
                            f"(a misheard number scores above {-per_piece:+.1f})"
        return WORDING, f"the audio fits the heard words, not the published ones, for {who} ({score}; " \
                        f"a mishearing scores above {-per_piece:+.1f} and {-total:+.1f})"
    if number:
        return WORDING, "a different number"
    if not published or not heard:
        if shaky:
            return RECOGNITION, "a word the recognizer was unsure of"
        return WORDING, "words " + ("added" if heard else "left out")
    if alike >= _ALIKE or shaky:
        return RECOGNITION, "sounds alike" if alike >= _ALIKE else "the recognizer was unsure"
    if len(published) == len(heard) == 1 and max(len(published[0]), len(heard[0])) <= _SMALL_WORD:
        return RECOGNITION, "a small word, often misheard"
    return WORDING, "different words"


def _numbers(tokens: Sequence[str]) -> list[str]:
    return sorted(t for t in tokens if t in _NUMBER_WORDS)
