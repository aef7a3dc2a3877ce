"""The errors a user can cause; the CLI prints each as one line and exits with its code."""
from __future__ import annotations

__all__ = ["AlignerError", "InputError", "MismatchError"]


class AlignerError(Exception):
    """Base of every error that is the input's fault, not a bug."""

    exit_code = 2


class InputError(AlignerError):
    """An input file is missing, empty, unreadable or not what it claims to be."""


class MismatchError(AlignerError):
    """The text and the audio do not belong together, so no timing can be trusted."""
