"""Render broadcasts with word-level timing truth for scripts/bench_timing.py (not committed: rendered on demand).

Why this exists: word timing must be measured on speech nobody tuned to, with the truth of every word's start.
The committed broadcast (media/) is one voice pair at one speed in light noise. These four vary what makes
timing hard: a brisk narrator and a fast second voice; music under all the speech; a speaker who skips a
paragraph, adds sentences and changes a quote; a change of voice right after a short pause in louder noise.
Voices, word truth and mastering come from scripts/make_broadcast.py (hibari narrator with its phoneme
durations, espeak-ng quotes with its word events); texts are parsed by scripts/make_test_broadcasts.py's
spec format ("-" skipped paragraph, "+" added one, "[[published|said]]" a wording change). Deterministic.

    python scripts/make_timing_broadcasts.py --out /tmp/timing    # NAME.flac, NAME.txt, NAME.truth.json
    python scripts/make_timing_broadcasts.py --calibration --out /tmp/calibration
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_broadcast as mb  # noqa: E402  (sibling scripts, not a package)
import make_test_broadcasts as mt  # noqa: E402

OUT_SR = 16000
PEAK_DB = -3.0


@dataclass(frozen=True)
class Style:
    narrator_speed: float  # hibari speed, 0.9-1.1
    quote_voice: str  # espeak-ng voice+variant
    quote_rate: int  # espeak-ng words per minute
    noise_db: float  # room noise, dBFS
    music_below_db: float | None = None  # a music bed under all the speech, this far below it
    voice_pause: float | None = None  # seconds before a change of voice (make_broadcast's default: 0.9)


BROADCASTS = {
    "brisk": (Style(1.1, "en-us+f3", 170, -60.0), mt.Spec(
        ("Business", "Port Expansion Wins Final Approval", "By Business Desk | 3 min read"),
        ("The harbor commission approved a 2.5 billion dollar expansion of the container port on Wednesday.",
         "The plan doubles the number of cranes and deepens the main channel to 55 feet.",
         "“This is the largest investment in the port since the 1970s, and it will pay for itself,” said "
         "commissioner Adaeze Okonkwo.",
         "Shipping companies have pushed for deeper berths as vessels grow larger every year.",
         "“We lose two or three calls a month to other ports because our channel is too shallow,” said "
         "logistics manager Piotr Wisniewski.",
         "Work is scheduled to begin in March and to finish by 2029."))),
    "music": (Style(1.0, "en-gb-x-rp+m3", 140, -62.0, music_below_db=16.0), mt.Spec(
        ("Arts", "Orchestra Returns to Restored Hall"),
        ("The city orchestra played its first concert in the restored music hall on Saturday night.",
         "The building had been closed for four years while workers repaired the roof and the old organ.",
         "“Hearing the strings fill this room again was worth every day of waiting,” said conductor "
         "Ingrid Sorensen.",
         "Tickets for the season sold out within an hour, and a second series of concerts was added.",
         "“Music belongs to everyone, so we will keep half of the seats at ten dollars,” the hall's director "
         "said."))),
    "edits": (Style(0.95, "en-us+m6", 125, -64.0), mt.Spec(
        ("Health", "Clinic Hours Extended Across County", "Updated 11:20 AM", "Share"),
        ("+Good morning, and thanks for joining us.",
         "The county will keep its three public clinics open until nine at night starting next month.",
         "“Working parents told us they could not come during the day,” said health director Marisol Aguirre.",
         "-The change will cost about 600,000 dollars a year, paid from the county's reserve fund.",
         "Nurses' unions welcomed the decision. [[|That is a big change for them. ]]“We asked for more staff, "
         "and we got it,” said union leader Tom Baxter.",
         "“Every patient will be seen [[within|inside]] an hour of arriving,” Aguirre said.",
         "+We will have more on this story later today."))),
    "handover": (Style(0.9, "en-us+m2", 150, -46.0, voice_pause=0.3), mt.Spec(
        ("Sports", "Underdogs Reach the Final"),
        ("The river city rovers beat the league champions three to one on Sunday to reach the cup final.",
         "“Nobody expected us to be here, but the players never stopped believing,” said coach Dmitri "
         "Volkov.",
         "The winning goal came in the eighty-ninth minute from a seventeen-year-old substitute.",
         "“I just closed my eyes and kicked it as hard as I could,” said striker Jamal Osei.",
         "The final will be played in two weeks at the national stadium.",
         "“We will enjoy tonight and then get back to work,” Volkov said."))),
}

# Rendered with --calibration: what aligner.refine's fitted constants were fitted on. Never benchmarked, never
# asserted by a test, so the benchmark above and the tests measure on speech the constants never saw.
CALIBRATION = {
    "calib_a": (Style(1.0, "en-us+m1", 135, -58.0), mt.Spec(
        ("Science", "Volunteers Count Record Number of Birds"),
        ("Volunteers counted more than forty thousand birds along the coast during the weekend survey.",
         "“We saw species that have not nested here in twenty years,” said biologist Helena Marsh.",
         "The count has been held every winter since 1987 and now draws about 300 people.",
         "Organizers said warmer water may explain why some birds stayed longer than usual.",
         "“Every pair of eyes helps, and no experience is needed,” Marsh said."))),
    "calib_b": (Style(0.92, "en-gb-x-rp+f2", 150, -54.0, music_below_db=22.0), mt.Spec(
        ("Education", "Library Opens Late-Night Study Rooms"),
        ("The central library will keep six study rooms open until midnight during exam season.",
         "Students asked for a quiet place to work after the reading room closes at eight.",
         "“Many of them share small apartments and cannot study at home,” said librarian Omar Haddad.",
         "The rooms can be booked online for up to three hours at a time.",
         "“If it works this spring, we will do it again in the autumn,” Haddad said."))),
}


def _truth(name: str, published: str, same: dict[int, int], chunks, n: int) -> dict:
    """Sentences and words with times; a word or sentence said as published carries its published offsets."""
    sentences, words = [], []
    for chunk in chunks:
        mapped = [same.get(chunk.char_start + k) for k in range(len(chunk.text))]
        inside = [m for m in mapped if m is not None]
        article = len(inside) >= len(mapped) / 2
        sentences.append({"text": chunk.text, "start": mb.ms(chunk.at + chunk.speech_onset),
                          "end": mb.ms(chunk.at + chunk.offset), "voice": chunk.voice,
                          "source": "article" if article else "adlib",
                          "char_start": min(inside) if article else None,
                          "char_end": max(inside) + 1 if article else None})
        for text, a, b, w0, w1 in chunk.words:
            offsets = mapped[w0:w1]
            exact = None not in offsets and published[offsets[0]:offsets[-1] + 1] == text
            words.append({"text": text, "start": mb.ms(chunk.at + a), "end": mb.ms(chunk.at + b),
                          "voice": chunk.voice, "char_start": offsets[0] if exact else None,
                          "char_end": offsets[-1] + 1 if exact else None})
    return {"audio": f"{name}.flac", "text": f"{name}.txt", "sample_rate": mb.SR, "duration": mb.ms(n),
            "sentences": sentences, "words": words}


def render(narrator, name: str, style: Style, spec: mt.Spec, seed: int, out_dir: Path) -> None:
    from scipy.signal import resample_poly

    mb.QUOTE_VOICE, mb.QUOTE_RATE = style.quote_voice, style.quote_rate  # read by the forked espeak-ng workers
    mb.PAUSES["voice"] = style.voice_pause or 0.90
    published, spoken, _, _, same = mt.compile_spec(spec)
    chunks = mb.plan_body(spoken, 0)
    for chunk in chunks:  # spoken sentences said as published, and ad-libs
        chunk.source = "article"
    narrator.speed = style.narrator_speed
    mb.render_all(chunks, narrator, seed)
    gaps, n, _ = mb.pause_lengths(chunks, lead=0.8, tail=0.8, total=None, seed=seed, scale=0.8)
    track = mb.assemble(chunks, gaps, n)
    if style.music_below_db is not None:
        track = track + mb.music_bed(n) * 10 ** ((mb.SPEECH_RMS_DB - style.music_below_db) / 20)
    track = track * 10 ** (PEAK_DB / 20) / np.max(np.abs(track))
    track = resample_poly(track, OUT_SR, mb.SR)
    track = track + mb.room_noise(len(track), seed) * 10 ** (style.noise_db / 20)
    pcm = np.clip(np.round(track * 32767), -32768, 32767).astype(np.int16)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.txt").write_text(published, encoding="utf-8")
    sf.write(out_dir / f"{name}.flac", pcm, OUT_SR, format="FLAC", subtype="PCM_16")
    data = _truth(name, published, same, chunks, n)
    (out_dir / f"{name}.truth.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", "utf-8")
    timed = sum(w["char_start"] is not None for w in data["words"])
    print(f"{name}: {len(chunks)} sentences, {n / mb.SR:.1f} s, {timed} words with true times")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--only", choices=sorted(BROADCASTS | CALIBRATION), help="render just one")
    parser.add_argument("--calibration", action="store_true",
                        help="render the calibration broadcasts (aligner.refine's constants were fitted on them)")
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args(argv)
    narrator = mb.Narrator(mb.NARRATOR_SPEED)
    chosen = CALIBRATION if args.calibration else BROADCASTS
    for k, (name, (style, spec)) in enumerate(chosen.items()):
        if args.only in (None, name):
            render(narrator, name, style, spec, args.seed + 100 * k + (1000 if args.calibration else 0), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
