"""Command line: `aligner run | captions | clip | check | transcribe`.

The CLI prints; the library logs (and draws the progress bar). Bad input (an `AlignerError`) becomes one line and exit
code 2; anything else is a bug: one line saying so and where the traceback was saved, exit code 1
(`--verbose` prints the traceback too). The library's log records (which encoding a text was read in,
a damaged cache entry rebuilt) are shown as `aligner: note: ...` lines. Every command overwrites its
outputs, but only when it has succeeded: see aligner/files.py.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import __version__, batch, check, clip
from .errors import AlignerError, ExitCode, InputError, OutputError
from .files import ensure_writable, write_atomic
from .text import excerpt
from .transcribe import EMBEDDED_MODEL, TranscribeOptions

__all__ = ["main"]

DEFAULT_AUDIO = Path("media/broadcast.flac")
DEFAULT_TEXT = Path("media/article.txt")
CAPTION_FORMATS = (".vtt", ".srt")
# Commands whose module defines add_arguments(parser) and command(args, options: TranscribeOptions) -> int;
# the recognizer options (--model, --language, --no-cache) are added here so every command shares them.
_MODULE_COMMANDS = {
    "clip": (clip, "cut quotes or time ranges of the broadcast into audio clips with captions"),
    "check": (check, "check the published text against what was said: misquotes, unspoken text, unscripted speech"),
}


def _verbose_argument(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument("-v", "--verbose", action="store_true", default=default,
                        help="print debugging notes, and the full traceback of an error")


def _recognizer_arguments(parser: argparse.ArgumentParser) -> None:
    _verbose_argument(parser, argparse.SUPPRESS)  # after the command too; SUPPRESS keeps a -v given before it
    parser.add_argument("--model", default=EMBEDDED_MODEL,
                        help=f"Whisper model: {EMBEDDED_MODEL} (embedded, the default), a local CTranslate2 "
                             "folder, or a model name to download from a hub (only when asked for)")
    parser.add_argument("--language", default="en", help="language of the speech (default: en)")
    parser.add_argument("--no-cache", action="store_true",
                        help="transcribe again even if this audio was transcribed before "
                             "(the cache lives in ALIGNER_CACHE_DIR or ~/.cache/aligner)")
    parser.add_argument("--no-refine", action="store_true",
                        help="keep the recognizer's coarse word times (skip the phonetic re-timing of spoken words)")


def _caption_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-cps", type=float, default=17.0,
                        help="reading rate limit in characters per second where timing allows (default: 17)")
    parser.add_argument("--max-chars", type=int, default=42, help="characters per caption line (default: 42)")
    parser.add_argument("--no-unscripted", action="store_true",
                        help="leave speech that has no published text (intro, outro, ad-libs) out of the captions")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr, as every other bad input is (exit code 2)."""

    def error(self, message: str):
        self.exit(ExitCode.BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="aligner", description="Align a broadcast recording with the text published for it.",
        epilog="Outputs are replaced only when a command succeeds; a failed or interrupted command leaves "
               "them as they were. Exit codes: 0 done, 1 internal error (a bug), 2 bad input, "
               "3 `check --fail-on` found what it was asked to fail on.")
    parser.add_argument("--version", action="version", version=f"aligner {__version__}")
    _verbose_argument(parser, False)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="captions, alignment and accuracy report for an audio file and its text",
                              description="Write OUTDIR/captions.vtt, captions.srt, alignment.json, report.json and "
                                          "report.html. Without "
                                          f"AUDIO and TEXT, runs on the committed {DEFAULT_AUDIO} and {DEFAULT_TEXT}.")
    run.add_argument("audio", nargs="?", type=Path, help="the broadcast recording (any format PyAV decodes)")
    run.add_argument("text", nargs="?", type=Path, help="the published text (plain text or an HTML page, any encoding)")
    run.add_argument("-o", "--output", type=Path, default=Path("out"), help="output folder (default: ./out)")
    _recognizer_arguments(run)
    _caption_arguments(run)

    captions = commands.add_parser("captions", help="one caption file, WebVTT or SRT by its suffix")
    captions.add_argument("audio", type=Path, help="the broadcast recording (any format PyAV decodes)")
    captions.add_argument("text", type=Path, help="the published text (plain text or an HTML page, any encoding)")
    captions.add_argument("-o", "--output", type=Path, required=True, help="FILE.vtt or FILE.srt")
    _recognizer_arguments(captions)
    _caption_arguments(captions)

    for name, (module, summary) in _MODULE_COMMANDS.items():
        sub = commands.add_parser(name, help=summary, description=summary)
        module.add_arguments(sub)
        _recognizer_arguments(sub)

    batch_parser = commands.add_parser("batch", help="run many audio files with their texts; resumable, in parallel",
                                       description="Each manifest item gets a folder of the files aligner run "
                                                   "writes; summary.csv and summary.json list every item.")
    batch.add_arguments(batch_parser)
    _recognizer_arguments(batch_parser)
    _caption_arguments(batch_parser)

    transcribe = commands.add_parser("transcribe", help="print what the recognizer hears, with times")
    transcribe.add_argument("audio", type=Path, help="the recording (any format PyAV decodes)")
    transcribe.add_argument("--words", action="store_true", help="one line per word instead of per segment")
    transcribe.add_argument("--json", action="store_true", help="print the transcript as JSON")
    _recognizer_arguments(transcribe)
    return parser


def _options(args: argparse.Namespace) -> TranscribeOptions:
    return TranscribeOptions(model=args.model, language=args.language, refine=not args.no_refine)


def _caption_options(args: argparse.Namespace):
    from .captions import CaptionOptions

    if args.max_cps <= 0 or args.max_chars < 10:
        raise InputError("--max-cps must be positive and --max-chars at least 10")
    return CaptionOptions(max_chars_per_line=args.max_chars, max_cps=args.max_cps, unscripted=not args.no_unscripted)


def _cues(aligned, args):
    from .check import check
    from .run import spoken_captions

    return spoken_captions(aligned, check(aligned, transcribe_options=_options(args)), _caption_options(args))[1]


def _command_run(args: argparse.Namespace) -> int:
    from .run import run_job

    if (args.audio is None) != (args.text is None):
        raise InputError("give both AUDIO and TEXT, or neither to use the committed media")
    audio, text = (args.audio, args.text) if args.audio else (DEFAULT_AUDIO, DEFAULT_TEXT)
    if args.audio is None and not DEFAULT_AUDIO.is_file():
        raise InputError(f"no AUDIO and TEXT given and {DEFAULT_AUDIO} is not here; "
                         "run from the aligner checkout or name your files")
    out = args.output
    if out.exists() and not out.is_dir():
        raise OutputError(f"output folder {out} is a file")
    ensure_writable(out / "captions.vtt")  # before the long work, not after it
    result = run_job(audio, text, out, _options(args), _caption_options(args), use_cache=not args.no_cache)
    _print_summary(result.aligned, result.cues, out)
    report = result.report
    listen = len(report.quotes_to_hear)
    print(f"accuracy check: {len(report.misquotes)} of {len(report.quotes)} quotes not verbatim"
          + (f", {listen} uncertain (listen)" if listen else "")
          + f"; report in {out / 'report.json'}, review page {out / 'report.html'}")
    return 0


def _print_summary(aligned, n_cues: int, out: Path) -> None:
    words = aligned.alignment.words
    spoken = sum(w.spoken for w in words)
    interpolated = sum(w.status == "interpolated" for w in words)
    print(f"{aligned.audio_path}: {aligned.transcript.duration:.1f} s, {len(words)} published words")
    omitted = sum(w.status == "omitted" for w in words)
    print(f"  spoken: {spoken} ({interpolated} timed by interpolation), never spoken: {len(words) - spoken - omitted}"
          f", left out of spoken sentences: {omitted}; the text covers {aligned.alignment.coverage:.0%} of the speech")
    for item in aligned.alignment.unscripted:
        print(f"  unscripted speech {item.start:7.2f}-{item.end:7.2f} s: {excerpt(item.text, 100)}")
    print(f"wrote {n_cues} cues to {out / 'captions.vtt'} and {out / 'captions.srt'}, "
          f"words to {out / 'alignment.json'}")


def _command_captions(args: argparse.Namespace) -> int:
    from .captions import to_srt, to_webvtt
    from .pipeline import align_files

    suffix = args.output.suffix.lower()
    if suffix not in CAPTION_FORMATS:
        raise InputError(f"caption file must end in .vtt or .srt, not {args.output.name!r}")
    ensure_writable(args.output, inputs=[args.audio, args.text])
    aligned = align_files(args.audio, args.text, _options(args), use_cache=not args.no_cache)
    cues = _cues(aligned, args)
    write_atomic(args.output, to_webvtt(cues) if suffix == ".vtt" else to_srt(cues), inputs=[args.audio, args.text])
    print(f"wrote {len(cues)} cues to {args.output}")
    return 0


def _command_transcribe(args: argparse.Namespace) -> int:
    from .timefmt import clock, to_ms
    from .transcribe import transcribe

    transcript = transcribe(args.audio, _options(args), use_cache=not args.no_cache)
    if args.json:
        print(json.dumps(transcript.to_json(), indent=1, ensure_ascii=False))
    elif args.words:
        for w in transcript.words:
            print(f"{clock(to_ms(w.start))}  {clock(to_ms(w.end))}  {w.probability:.2f}  {w.text}")
    else:
        for s in transcript.segments:
            print(f"[{clock(to_ms(s.start))} -> {clock(to_ms(s.end))}] {s.text}")
    return 0


def _command_batch(args: argparse.Namespace) -> int:
    return batch.command(args, _options(args), _caption_options(args))


class _Notes(logging.Formatter):
    """Log records as the CLI's other lines: `aligner: note: ...`, `aligner: warning: ...`."""

    def format(self, record: logging.LogRecord) -> str:
        kind = "note" if record.levelno == logging.INFO else record.levelname.lower()
        return f"aligner: {kind}: {record.getMessage()}"


def _show_log(verbose: bool) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Notes())
    logger = logging.getLogger("aligner")
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.addHandler(handler)
    return handler


def _interrupt_on_termination():
    """A kill (SIGTERM) unwinds like Ctrl-C, so staged outputs are removed on the way out."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        return None


def _quiet_stdout() -> None:
    """After a closed pipe: send what is left in stdout's buffer nowhere, so exit is silent too."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout is not a real file (captured in tests)


def _internal_error(error: Exception, verbose: bool) -> int:
    """One line: a bug, not the user's fault, and where the traceback is; the traceback itself with -v."""
    report = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    if verbose:
        sys.stderr.write(report)
    try:
        handle, saved = tempfile.mkstemp(prefix="aligner-traceback-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write(f"aligner {__version__}, arguments {sys.argv[1:]}\n{report}")
        where = f"traceback saved in {saved}"
    except OSError:
        where = "traceback above" if verbose else "run again with --verbose to see the traceback"
    summary = " ".join(f"{type(error).__name__}: {error}".split())
    print(f"aligner: internal error (a bug in aligner, not a problem with your input): {summary[:300]}; {where}",
          file=sys.stderr)
    return ExitCode.INTERNAL_ERROR


def _dispatch(args: argparse.Namespace) -> int:
    if args.command in _MODULE_COMMANDS:
        return _MODULE_COMMANDS[args.command][0].command(args, _options(args))
    commands = {"run": _command_run, "captions": _command_captions, "transcribe": _command_transcribe,
                "batch": _command_batch}
    return commands[args.command](args)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            args = _parser().parse_args(argv)
        except SystemExit:  # --help, --version or a usage mistake: a closed pipe shows at this flush, not at exit
            sys.stdout.flush()
            raise
    except BrokenPipeError:  # --help or --version into a closed pipe
        _quiet_stdout()
        return ExitCode.CLOSED_PIPE
    handler = _show_log(args.verbose)
    previous = _interrupt_on_termination()
    try:
        code = _dispatch(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except AlignerError as error:
        if args.verbose:
            traceback.print_exc()
        print(f"aligner: error: {' '.join(str(error).splitlines())}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("aligner: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        _quiet_stdout()
        return ExitCode.CLOSED_PIPE
    except Exception as error:  # anything else is a bug, reported as one
        return _internal_error(error, args.verbose)
    finally:
        logging.getLogger("aligner").removeHandler(handler)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
