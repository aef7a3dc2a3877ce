"""aligner: captions worded as published and timed to the broadcast, quote clips, and a faithfulness check.

The pipeline is three small steps, each with its own module: `text` reads the published words,
`transcribe` recognizes the speech (cached), `align` pairs the two. Everything else is made from the
resulting `Alignment`. (The `transcribe` function stays in its module, `aligner.transcribe`, so the
module's name is not shadowed.)
"""
from .align import AlignedWord, Alignment, Unscripted, align
from .errors import AlignerError, ExitCode, InputError, MismatchError, NoSpeechError, OutputError
from .pipeline import Aligned, align_files
from .text import Document, Word, read_text
from .transcribe import HeardWord, TranscribeOptions, Transcript

__version__ = "0.1.0"
__all__ = ["AlignedWord", "Alignment", "Unscripted", "align", "AlignerError", "InputError", "MismatchError",
           "NoSpeechError", "OutputError", "ExitCode",
           "Aligned", "align_files", "Document", "Word", "read_text", "HeardWord", "TranscribeOptions",
           "Transcript", "__version__"]
