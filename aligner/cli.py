"""Command line: `aligner run | captions | transcribe`. Errors become one line on stderr and exit code 2."""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import check, clip
from .errors import AlignerError, InputError
from .files import write_atomic
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


def _recognizer_arguments(parser: argparse.ArgumentParser) -> None:
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aligner", description="Align a broadcast recording with the text published for it.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="captions, alignment and accuracy report for an audio file and its text",
                              description="Write OUTDIR/captions.vtt, captions.srt, alignment.json, report.json and "
                                          "report.html. Without "
                                          f"AUDIO and TEXT, runs on the committed {DEFAULT_AUDIO} and {DEFAULT_TEXT}.")
    run.add_argument("audio", nargs="?", type=Path, help="the broadcast recording (any format PyAV decodes)")
    run.add_argument("text", nargs="?", type=Path, help="the published text (plain UTF-8 or an HTML page)")
    run.add_argument("-o", "--output", type=Path, default=Path("out"), help="output folder (default: ./out)")
    _recognizer_arguments(run)
    _caption_arguments(run)

    captions = commands.add_parser("captions", help="one caption file, WebVTT or SRT by its suffix")
    captions.add_argument("audio", type=Path)
    captions.add_argument("text", type=Path)
    captions.add_argument("-o", "--output", type=Path, required=True, help="FILE.vtt or FILE.srt")
    _recognizer_arguments(captions)
    _caption_arguments(captions)

    for name, (module, summary) in _MODULE_COMMANDS.items():
        sub = commands.add_parser(name, help=summary, description=summary)
        module.add_arguments(sub)
        _recognizer_arguments(sub)

    transcribe = commands.add_parser("transcribe", help="print what the recognizer hears, with times")
    transcribe.add_argument("audio", type=Path)
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
    return CaptionOptions(max_chars_per_line=args.max_chars, max_cps=args.max_cps)


def _cues(aligned, args):
    from .captions import build_cues

    return build_cues(aligned.alignment.words, _caption_options(args), aligned.transcript.duration)


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
        raise InputError(f"output folder {out} is a file")
    result = run_job(audio, text, out, _options(args), _caption_options(args), use_cache=not args.no_cache)
    _print_summary(result.aligned, result.cues, out)
    report = result.report
    print(f"accuracy check: {len(report.misquotes)} of {len(report.quotes)} quotes not verbatim; "
          f"report in {out / 'report.json'}, review page {out / 'report.html'}")
    return 0


def _print_summary(aligned, n_cues: int, out: Path) -> None:
    words = aligned.alignment.words
    spoken = sum(w.spoken for w in words)
    interpolated = sum(w.status == "interpolated" for w in words)
    print(f"{aligned.audio_path}: {aligned.transcript.duration:.1f} s, {len(words)} published words")
    print(f"  spoken: {spoken} ({interpolated} timed by interpolation), never spoken: {len(words) - spoken}")
    for item in aligned.alignment.unscripted:
        print(f"  unscripted speech {item.start:7.2f}-{item.end:7.2f} s: {item.text}")
    print(f"wrote {n_cues} cues to {out / 'captions.vtt'} and {out / 'captions.srt'}, "
          f"words to {out / 'alignment.json'}")


def _command_captions(args: argparse.Namespace) -> int:
    from .captions import to_srt, to_webvtt
    from .pipeline import align_files

    suffix = args.output.suffix.lower()
    if suffix not in CAPTION_FORMATS:
        raise InputError(f"caption file must end in .vtt or .srt, not {args.output.name!r}")
    aligned = align_files(args.audio, args.text, _options(args), use_cache=not args.no_cache)
    cues = _cues(aligned, args)
    write_atomic(args.output, to_webvtt(cues) if suffix == ".vtt" else to_srt(cues))
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


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    commands = {"run": _command_run, "captions": _command_captions, "transcribe": _command_transcribe}
    try:
        if args.command in _MODULE_COMMANDS:
            return _MODULE_COMMANDS[args.command][0].command(args, _options(args))
        return commands[args.command](args)
    except AlignerError as error:
        print(f"aligner: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("aligner: interrupted", file=sys.stderr)
        return 130
    except OSError as error:  # e.g. an output folder that cannot be written
        print(f"aligner: error: {error.strerror or error}: {error.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
