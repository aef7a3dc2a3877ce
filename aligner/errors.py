"""What can go wrong, in two kinds, and the exit codes the CLI gives them.

An `AlignerError` is the input's fault (a file, an argument, an output path): the CLI prints its message as
one line and exits with BAD_INPUT. Any other exception is a bug in aligner: the CLI says "internal error",
saves the traceback and exits with INTERNAL_ERROR. Library code raises these and logs; it never prints.
"""
from __future__ import annotations

from enum import IntEnum

__all__ = ["ExitCode", "AlignerError", "InputError", "OutputError", "NoSpeechError", "MismatchError"]


class ExitCode(IntEnum):
    """The documented exit codes of every command (README, "Exit codes")."""

    OK = 0
    INTERNAL_ERROR = 1  # a bug: the message says where the traceback was saved
    BAD_INPUT = 2  # the input, an argument or an output path is wrong; the message says what to fix
    FINDINGS = 3  # `aligner check --fail-on KIND` found items of that kind (the check itself succeeded)
    CLOSED_PIPE = 141  # stdout was closed early (`aligner transcribe FILE | head`), as a shell reports SIGPIPE
    INTERRUPTED = 130  # Ctrl-C (or a termination signal): nothing half-written is left


class AlignerError(Exception):
    """Base of every error that is the input's fault, not a bug."""

    exit_code = ExitCode.BAD_INPUT


class InputError(AlignerError):
    """An input file or argument is missing, empty, unreadable or not what it claims to be."""


class OutputError(AlignerError):
    """An output cannot be written where it was asked for (no permission, read-only, a file in the way)."""


class NoSpeechError(InputError):
    """The audio decodes but holds no speech (silence, music, noise): there is nothing to align or clip."""


class MismatchError(AlignerError):
    """The text and the audio do not belong together, so no timing can be trusted."""
