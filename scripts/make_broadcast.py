"""Render the reference broadcast (media/broadcast.flac) and its ground truth (media/broadcast.truth.json).

Why this exists: the aligner is measured against a recording whose every sentence and word time is known.
No real broadcast comes with such timings, so we synthesize one from the published article
(media/article.txt): a narrator (hibari, neural) reads the body, the quoted passages are soundbites in a
second, clearly different voice (espeak-ng, male), an intro and an outro that are not in the article sit on a
quiet music bed, and light room noise covers everything. Page chrome, the title and the photo caption are in
the article text but never spoken. The same code renders a short clip for fast tests (tests/data/short.*).

Timing truth: every synthesized chunk is placed at a known sample; sentence start/end is the first/last frame
of sound in that chunk. Quote words start at espeak-ng's WORD events (C API, ms from the chunk start).
Narrator words come from hibari's own per-phoneme durations: the ONNX graph is loaded with the `onnx` package
(imported lazily; only this script needs it) and the rounded duration tensor is exposed as an extra output.
Word starts move to the first sound (a stop's closure is silent); word ends are the last sound before the next
word's start. A word is left out of the truth when its time, or the next word's, cannot be read off reliably.

Deterministic: hibari runs with fixed seeds, noise uses seeded generators, each espeak-ng chunk is rendered in
a fresh process (the library carries state from one message to the next), and FLAC has no timestamps.

    python scripts/make_broadcast.py                 # media/broadcast.* and tests/data/short.*
    python scripts/make_broadcast.py --only short    # just the test clip
"""
from __future__ import annotations

import argparse
import ctypes
import json
import multiprocessing
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

SR = 24000
FRAME = 120                                  # 5 ms level frames
ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 205.0
NARRATOR_SPEED = 0.90                        # hibari speed (0.9-1.1), tuned so the pauses stay natural
QUOTE_VOICE, QUOTE_RATE = "en-us+m6", 125    # espeak-ng voice+variant, words per minute
NARRATOR_LEAD = 0.040                        # hibari's sound leads its duration grid by ~40 ms (measured)
SPEECH_RMS_DB, MUSIC_BELOW_DB, NOISE_DB, PEAK_DB = -20.0, 20.0, -58.0, -1.0
PAUSES = {"sentence": 0.45, "paragraph": 0.90, "voice": 0.90, "segment": 1.50}   # before a chunk, seconds
RESPELL = {"HIMARS": "High-Mars"}            # fed to espeak-ng instead (it says "him-ers" otherwise)
INTRO = ["This is the world news roundup, coming to you from our newsroom in Washington.",
         "Here is our report on this week's NATO ministerial meeting."]
OUTRO = ["That report was prepared by our State Department correspondent.",
         "Stay with us for more news from around the world, right after the break."]
BODY_START = "Over the past year"
SHORT = ["NATO is developing new partnerships, including in the Indo-Pacific.",
         "We’re building on the Wales defense investment pledge to invest 2 percent of our GDP in defense.",
         "Secretary Blinken announced additional U.S. arms and equipment for Ukraine:"]
SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\. \.)[”\"]?\s+(?=[“\"]?[A-Z])")


# -- what is spoken ----------------------------------------------------------------------------------------
@dataclass
class Chunk:
    """One synthesized sentence: its text, where it sits in the published text, and (once rendered) audio."""
    text: str
    voice: str                               # narrator | quote
    source: str                              # article | intro | outro
    pause: str                               # kind of pause before it (key of PAUSES)
    char_start: int | None = None
    audio: np.ndarray | None = None          # float32, trimmed to sound +- margin
    onset: int = 0                           # first / last sound sample inside audio
    offset: int = 0
    speech_onset: int = 0                    # where the first word starts: the onset, or later after a lead-in
    words: list = field(default_factory=list)   # (text, start, end, char_start, char_end), samples in audio
    fed: str | None = None                   # text given to the synthesizer when it differs (respelled)
    at: int = 0                              # sample of the broadcast where audio[0] is placed


def word_spans(text, base):
    """Published words (whitespace tokens with a letter or digit) as (text, char_start, char_end)."""
    return [(m.group(), base + m.start(), base + m.end()) for m in re.finditer(r"\S+", text)
            if any(c.isalnum() for c in m.group())]


def split_sentences(text, start, end):
    """(start, end) spans of the sentences in text[start:end], whitespace trimmed."""
    cuts, pos = [], start
    for m in SENTENCE_END.finditer(text, start, end):
        cuts.append((pos, m.start() + len(m.group().rstrip())))
        pos = m.end()
    cuts.append((pos, end))
    return [(a + len(text[a:b]) - len(text[a:b].lstrip()), b - len(text[a:b]) + len(text[a:b].rstrip()))
            for a, b in cuts if text[a:b].strip()]


def plan_body(text, body_start):
    """Chunks for the spoken part of a published text: paragraphs from body_start on, quotes in the second voice."""
    chunks, last_voice = [], None
    for para in re.finditer(r"[^\n]+", text[body_start:]):
        p0, p1 = body_start + para.start(), body_start + para.end()
        runs, pos = [], p0
        for q in re.finditer(r"“[^”]*”", text[p0:p1]):
            runs += [("narrator", pos, p0 + q.start()), ("quote", p0 + q.start(), p0 + q.end())]
            pos = p0 + q.end()
        runs.append(("narrator", pos, p1))
        first_in_para = True
        for voice, a, b in runs:
            for s0, s1 in split_sentences(text, a, b):
                pause = ("voice" if last_voice and voice != last_voice else
                         "paragraph" if first_in_para else "sentence")
                chunks.append(Chunk(text[s0:s1], voice, "article", pause, s0))
                first_in_para, last_voice = False, voice
    return chunks


# -- levels --------------------------------------------------------------------------------------------------
def frame_db(x):
    n = len(x) // FRAME
    e = np.mean(x[: n * FRAME].astype(np.float64).reshape(n, FRAME) ** 2, axis=1)
    return 10 * np.log10(e + 1e-20)


def sound_frames(x, below_peak=40.0):
    """Boolean per 5 ms frame: louder than (loudest frame - below_peak dB)."""
    db = frame_db(x)
    return db > db.max() - below_peak


def first_sound_start(loud, start, limit):
    """Start sample of the first sounding frame in [start, limit), or start if none sounds."""
    f0, f1 = start // FRAME, min(len(loud), -(-limit // FRAME))
    hits = np.nonzero(loud[f0:f1])[0]
    return max(start, (f0 + hits[0]) * FRAME) if len(hits) else start


def onset_after_pause(loud, prev_end, start, pause=0.06):
    """If the sound at start began right after a pause (>= `pause` s of quiet after prev_end), that onset."""
    f = j = min(start // FRAME, len(loud))
    while j > prev_end // FRAME and loud[j - 1]:
        j -= 1
    quiet = int(pause * SR) // FRAME
    if j < f and j - quiet >= prev_end // FRAME and not loud[j - quiet:j].any():
        return j * FRAME
    return start


def last_sound_end(loud, start, limit):
    """End sample of the last sounding frame that ends by limit (after start), or limit if none sounds."""
    f0, f1 = start // FRAME, min(len(loud), limit // FRAME)
    hits = np.nonzero(loud[f0:f1])[0]
    return min(limit, (f0 + hits[-1] + 1) * FRAME) if len(hits) else limit


def after_lead_in(loud, on, start, pause=0.03):
    """The first word's own start when a pause lies right before it and sound before that pause: espeak-ng says
    an opening quotation mark as a faint sound and a pause before the first word (about 90 ms of sound 30 dB
    under the speech, then 50 ms of quiet, with en-us+m2), which is no part of the word. Otherwise the onset."""
    if start is None or start - on < int(pause * SR) or loud[(start - int(pause * SR)) // FRAME:start // FRAME].any():
        return on
    return start


def finish_chunk(chunk, audio, starts, ends, margin=0.010):
    """Trim audio to its sound, turn word starts (+ end limits) into word times, store all in the chunk."""
    loud = sound_frames(audio)
    idx = np.nonzero(loud)[0]
    on, off = idx[0] * FRAME, (idx[-1] + 1) * FRAME
    cut = max(0, on - int(margin * SR))
    chunk.audio = audio[cut: off + int(margin * SR)].astype(np.float32)
    chunk.onset, chunk.offset = on - cut, off - cut
    order = [(s, i) for i, s in enumerate(starts) if s is not None]
    words = []
    for k, (s, i) in enumerate(order):
        s = after_lead_in(loud, on, s) if i == 0 else min(max(s, on, words[-1][2] + cut if words else on), off - FRAME)
        nxt = order[k + 1][0] if k + 1 < len(order) else off
        if i + 1 < len(starts) and starts[i + 1] is None:      # the next word has no time of its own
            if ends[i] is None:
                continue                                         # so where this one ends is unknown
            nxt = min(nxt, ends[i])
        limit = max(s + FRAME, min(nxt, off))
        s = first_sound_start(loud, s, limit)                   # a stop's closure is silence, not the start
        if words:
            s = onset_after_pause(loud, words[-1][2] + cut, s)
        words.append((i, s - cut, last_sound_end(loud, s, limit) - cut))
    chunk.words = words
    chunk.speech_onset = words[0][1] if words and words[0][0] == 0 else chunk.onset


# -- narrator: hibari, with its duration tensor exposed ---------------------------------------------------------
DURATION_TENSOR = "/Cast_32_output_0"        # int64 [n_ids]: rounded frames per phoneme id (1 unit = 600 samples)
PUNCT = set(';:,.!?—…"“”()')


class Narrator:
    def __init__(self, speed):
        try:  # onnx is needed only here, to add the durations as a graph output
            import onnx
        except ImportError:
            sys.exit("make_broadcast: pip install onnx (needed to read hibari's phoneme durations)")
        import onnxruntime as ort
        from hibari import Hibari, dsp
        from hibari.g2p.normalize import normalize
        self.tts, self.dsp, self.normalize, self.speed = Hibari(), dsp, normalize, speed
        model = onnx.load(self.tts.model_path)
        if not any(DURATION_TENSOR in n.output for n in model.graph.node):
            sys.exit(f"make_broadcast: {DURATION_TENSOR} not in {self.tts.model_path}; hibari's graph changed")
        model.graph.output.append(onnx.helper.make_tensor_value_info(DURATION_TENSOR, onnx.TensorProto.INT64, None))
        so = ort.SessionOptions()
        so.intra_op_num_threads = so.inter_op_num_threads = 1
        so.log_severity_level = 3
        self.sess = ort.InferenceSession(model.SerializeToString(), so, providers=["CPUExecutionProvider"])

    def layout(self, text):
        """hibari's phoneme string for text plus, per G2P token, (char span in text, phoneme span)."""
        norm = self.normalize(text)
        toks = self.tts.g2p.phonemize_tokens(self.tts.g2p.tokenize(norm))
        ps, spans, pos = "", [], 0
        for tk in toks:
            spans.append((pos, pos + len(tk.text), len(ps), len(ps) + len(tk.phonemes or "")))
            ps += (tk.phonemes or "") + (" " if tk.whitespace else "")
            pos += len(tk.text) + len(tk.whitespace)
        lead = len(ps) - len(ps.lstrip())
        ps = ps.strip()
        assert ps == self.tts.g2p(text), "token layout differs from hibari's phoneme string"
        if pos != len(norm) or len(norm) != len(text):        # offsets would not be text offsets
            print(f"make_broadcast: no narrator word times for {text[:40]!r}... (normalizing moved it)",
                  file=sys.stderr)
            spans = []
        return ps, [(a, b, p - lead, q - lead) for a, b, p, q in spans]

    def render(self, chunk, seed):
        ps, spans = self.layout(chunk.text)
        id_pos, ids = [], [0]
        for c in ps:                                             # hibari drops characters not in its vocab
            id_pos.append(len(ids) if c in self.tts.vocab else None)
            if c in self.tts.vocab:
                ids.append(self.tts.vocab[c])
        ids.append(0)
        assert ids == self.tts.ids(ps) and len(ids) <= 512
        out = self.sess.run(None, {"ids": np.asarray([ids], np.int64), "speed": np.asarray([self.speed], np.float32)})
        audio = self.dsp.synth(*(o[0] for o in out[:6]), np.random.default_rng(seed))
        edge = np.concatenate([[0], np.cumsum(out[6])]) * 600 - int(NARRATOR_LEAD * SR)
        words = word_spans(chunk.text, 0)
        starts, ends = [None] * len(words), [None] * len(words)
        for w, (_, c0, c1) in enumerate(words):
            inside = [s for s in spans if s[1] > c0 and s[0] < c1]
            if not inside or any(a < c0 or b > c1 for a, b, _, _ in inside):
                continue                                         # a G2P token straddles words: leave it out
            phon = [i for _, _, p, q in inside for i in range(p, q) if ps[i] not in PUNCT and id_pos[i]]
            if phon:
                starts[w], ends[w] = int(edge[id_pos[phon[0]]]), int(edge[id_pos[phon[-1]] + 1])
        finish_chunk(chunk, audio, starts, ends)
        chunk.words = [(words[i][0], s, e, *words[i][1:]) for i, s, e in chunk.words]


# -- quotes: espeak-ng through its C API -------------------------------------------------------------------------
class _Event(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("unique_identifier", ctypes.c_uint), ("text_position", ctypes.c_int),
                ("length", ctypes.c_int), ("audio_position", ctypes.c_int), ("sample", ctypes.c_int),
                ("user_data", ctypes.c_void_p), ("id", ctypes.c_void_p)]


def _espeak(text):
    """Runs in a fresh process: (int16 samples at espeak's rate, rate, [(char index, ms)] of WORD events)."""
    lib = ctypes.CDLL("libespeak-ng.so.1")
    rate = lib.espeak_Initialize(2, 0, None, 0)                  # AUDIO_OUTPUT_SYNCHRONOUS
    pcm, events = [], []

    def callback(wav, n, ev):
        if n > 0:
            pcm.append(np.ctypeslib.as_array(wav, (n,)).copy())
        i = 0
        while ev[i].type != 0:                                   # espeakEVENT_LIST_TERMINATED
            if ev[i].type == 1:                                  # espeakEVENT_WORD; text_position is 1-based
                events.append((ev[i].text_position - 1, ev[i].audio_position))
            i += 1
        return 0
    cb = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))(callback)
    lib.espeak_SetSynthCallback(cb)
    if lib.espeak_SetVoiceByName(QUOTE_VOICE.encode()) != 0:
        raise RuntimeError(f"espeak-ng has no voice {QUOTE_VOICE}")
    lib.espeak_SetParameter(1, QUOTE_RATE, 0)                    # espeakRATE
    for t in ("Ready.", text):                                   # the first message after init is paced differently
        pcm.clear(), events.clear()
        data = t.encode() + b"\0"
        lib.espeak_Synth(data, len(data), 0, 1, 0, 1, None, None)  # POS_CHARACTER, espeakCHARS_UTF8
    return np.concatenate(pcm), rate, events


def respell(text):
    """Text for espeak-ng plus, per character of it, the index of the published character it stands for."""
    fed, where, pos = "", [], 0
    for m in re.finditer("|".join(map(re.escape, RESPELL)) or "$^", text):
        fed += text[pos:m.start()] + RESPELL[m.group()]
        where += list(range(pos, m.start())) + [m.start()] * len(RESPELL[m.group()])
        pos = m.end()
    return fed + text[pos:], where + list(range(pos, len(text)))


def render_quotes(chunks):
    from scipy.signal import resample_poly
    jobs = [respell(c.text) for c in chunks]
    with multiprocessing.get_context("fork").Pool(1, maxtasksperchild=1) as pool:
        results = pool.map(_espeak, [fed for fed, _ in jobs], chunksize=1)
    for chunk, (fed, where), (pcm, rate, events) in zip(chunks, jobs, results, strict=True):
        audio = resample_poly(pcm.astype(np.float64) / 32768.0, SR, rate)
        words = word_spans(chunk.text, 0)
        first_alnum = {c0 + next(i for i, ch in enumerate(w) if ch.isalnum()): k for k, (w, c0, _) in enumerate(words)}
        starts = [None] * len(words)
        last = -1
        for pos, ms in events:                     # events must land on a later word's first letter
            k = first_alnum.get(where[pos]) if 0 <= pos < len(where) else None
            if k is not None and k > last:
                starts[k], last = ms * SR // 1000, k
        finish_chunk(chunk, audio, starts, [None] * len(words))
        chunk.words = [(words[i][0], s, e, *words[i][1:]) for i, s, e in chunk.words]
        if fed != chunk.text:
            chunk.fed = fed


# -- music and noise ---------------------------------------------------------------------------------------------
def music_bed(n, seconds_per_chord=3.0):
    """Soft pad: C, Am, F, G triads (detuned sine pairs, few harmonics), raised-cosine crossfades."""
    chords = [(48, 52, 55, 60), (45, 52, 57, 60), (41, 48, 53, 57), (43, 50, 55, 59)]
    t = np.arange(n) / SR
    out = np.zeros(n)
    step = int(seconds_per_chord * SR)
    for k, start in enumerate(range(-step // 2, n, step)):
        a, b = max(0, start), min(n, start + 2 * step)
        env = np.sin(np.pi * (np.arange(a, b) - start) / (2 * step)) ** 2     # overlaps its neighbours by half
        tt = t[a:b]
        tone = np.zeros(b - a)
        for note in chords[k % len(chords)]:
            f = 440.0 * 2 ** ((note - 69) / 12)
            for h, amp in ((1, 1.0), (2, 0.25), (3, 0.08)):
                tone += amp * (np.sin(2 * np.pi * f * h * 0.9985 * tt) + np.sin(2 * np.pi * f * h * 1.0015 * tt + h))
        out[a:b] += env * tone * (1 + 0.1 * np.sin(2 * np.pi * 0.2 * tt))
    return out / np.sqrt(np.mean(out ** 2))


def fade(x, fade_in, fade_out):
    x = x.copy()
    a, b = int(fade_in * SR), int(fade_out * SR)
    x[:a] *= np.sin(np.linspace(0, np.pi / 2, a)) ** 2
    x[len(x) - b:] *= np.cos(np.linspace(0, np.pi / 2, b)) ** 2
    return x


def room_noise(n, seed):
    """Seeded noise, pink-ish (1/sqrt f from 80 Hz, rolled off above 6 kHz), unit RMS."""
    spec = np.fft.rfft(np.random.default_rng(seed).standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / SR)
    spec *= 1 / np.sqrt(np.maximum(f, 80.0)) / (1 + (f / 6000.0) ** 2)
    x = np.fft.irfft(spec, n)
    return x / np.sqrt(np.mean(x ** 2))


# -- assembly ------------------------------------------------------------------------------------------------------
def render_all(chunks, narrator, seed):
    for i, c in enumerate(chunks):
        if c.voice == "narrator":
            narrator.render(c, seed + i)
    render_quotes([c for c in chunks if c.voice == "quote"])
    for voice in ("narrator", "quote"):                         # both voices at the same speech level
        mine = [c for c in chunks if c.voice == voice]
        if mine:
            speech = np.concatenate([c.audio for c in mine])
            db = frame_db(speech)
            gain = 10 ** ((SPEECH_RMS_DB - 10 * np.log10(np.mean(10 ** (db[db > db.max() - 40] / 10)))) / 20)
            for c in mine:
                c.audio = c.audio * gain


def pause_lengths(chunks, lead, tail, total, seed, scale=1.0):
    """Samples of silence before each chunk (and after the last), scaled so the whole lasts `total` seconds."""
    jitter = 1 + 0.12 * np.random.default_rng(seed).uniform(-1, 1, len(chunks))
    base = np.array([PAUSES[c.pause] for c in chunks]) * jitter
    base[0] = 0
    sound = sum(c.offset - c.onset for c in chunks) / SR
    k = scale if total is None else (total - lead - tail - sound) / base.sum()
    if not 0.75 <= k <= 1.35:
        sys.exit(f"make_broadcast: {sound:.1f} s of speech; pauses would be scaled by {k:.2f}; "
                 "change NARRATOR_SPEED or QUOTE_RATE")
    gaps = np.round(base * k * SR).astype(int)
    gaps[0] = int(lead * SR)
    n = int(round(total * SR)) if total is not None else int(gaps.sum() + sound * SR + tail * SR)
    return gaps, n, k


def assemble(chunks, gaps, n):
    """Speech track of n samples; sets each chunk's `at` (sample of its audio's first sample)."""
    track, cursor = np.zeros(n), 0
    for c, gap in zip(chunks, gaps[: len(chunks)], strict=True):
        c.at = cursor + gap - c.onset
        track[c.at: c.at + len(c.audio)] += c.audio
        cursor = c.at + c.offset
    return track


def add_music(track, chunks):
    bed = music_bed(len(track)) * 10 ** ((SPEECH_RMS_DB - MUSIC_BELOW_DB) / 20)
    intro = [c for c in chunks if c.source == "intro"]
    outro = [c for c in chunks if c.source == "outro"]
    music = np.zeros(len(track))
    if intro:
        end = intro[-1].at + intro[-1].offset + int(1.0 * SR)
        music[:end] = fade(bed[:end], 1.5, 1.6)
    if outro:
        start = max(0, outro[0].at + outro[0].onset - int(2.0 * SR))
        music[start:] = fade(bed[start:], 1.5, 2.5)
    return track + music


def master(mix, seed):
    mix = mix * 10 ** (PEAK_DB / 20) / np.max(np.abs(mix))
    mix = mix + room_noise(len(mix), seed) * 10 ** (NOISE_DB / 20)
    return np.clip(np.round(mix * 32767), -32768, 32767).astype(np.int16)


def ms(samples):
    return round(samples / SR, 3)


def truth(chunks, audio_name, n):
    sentences, words = [], []
    for c in chunks:
        art = c.source == "article"
        s = {"text": c.text, "start": ms(c.at + c.speech_onset), "end": ms(c.at + c.offset), "voice": c.voice,
             "source": c.source, "char_start": c.char_start if art else None,
             "char_end": c.char_start + len(c.text) if art else None}
        if c.fed:
            s["synth_text"] = c.fed
        sentences.append(s)
        for text, a, b, c0, c1 in c.words:
            words.append({"text": text, "start": ms(c.at + a), "end": ms(c.at + b), "voice": c.voice,
                          "char_start": c.char_start + c0 if art else None,
                          "char_end": c.char_start + c1 if art else None})
    return {"audio": audio_name, "sample_rate": SR, "duration": ms(n), "sentences": sentences, "words": words}


def write(out_dir, stem, pcm, data):
    """The FLAC, and the truth as JSON with one sentence or word per line."""
    sf.write(out_dir / f"{stem}.flac", pcm, SR, format="FLAC", subtype="PCM_16")
    def line(v):
        return json.dumps(v, ensure_ascii=False)
    head = [f"{line(k)}: {line(v)}" for k, v in data.items() if not isinstance(v, list)]
    lists = [f"{line(k)}: [\n  " + ",\n  ".join(map(line, v)) + "\n ]" for k, v in data.items() if isinstance(v, list)]
    text = "{" + ", ".join(head) + ",\n " + ",\n ".join(lists) + "\n}\n"
    assert json.loads(text) == data
    (out_dir / f"{stem}.truth.json").write_text(text, encoding="utf-8")


# -- the two products ----------------------------------------------------------------------------------------------
def make_broadcast(narrator, article_path, out_dir, seed):
    article = article_path.read_text(encoding="utf-8")
    chunks = ([Chunk(t, "narrator", "intro", "sentence") for t in INTRO]
              + plan_body(article, article.index(BODY_START))
              + [Chunk(t, "narrator", "outro", "sentence") for t in OUTRO])
    chunks[len(INTRO)].pause = chunks[-len(OUTRO)].pause = "segment"
    render_all(chunks, narrator, seed)
    gaps, n, k = pause_lengths(chunks, lead=4.0, tail=4.5, total=TARGET_SECONDS, seed=seed)
    pcm = master(add_music(assemble(chunks, gaps, n), chunks), seed)
    write(out_dir, "broadcast", pcm, truth(chunks, "broadcast.flac", n))
    print(f"broadcast: {len(chunks)} sentences, {n / SR:.2f} s, pauses x{k:.2f}")


def make_short(narrator, article_path, out_dir, seed):
    article = article_path.read_text(encoding="utf-8")
    assert all(s in article for s in SHORT), "the short clip's sentences must come from the article"
    text = f"Breaking News\n\n{SHORT[0]}\n\n“{SHORT[1]}”\n\n{SHORT[2]}\n"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "short.txt").write_text(text, encoding="utf-8")
    chunks = plan_body(text, text.index(SHORT[0]))
    render_all(chunks, narrator, seed)
    gaps, n, _ = pause_lengths(chunks, lead=0.4, tail=0.5, total=None, seed=seed, scale=0.8)
    pcm = master(assemble(chunks, gaps, n), seed)
    write(out_dir, "short", pcm, truth(chunks, "short.flac", n))
    print(f"short: {len(chunks)} sentences, {n / SR:.2f} s")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--article", type=Path, default=ROOT / "media" / "article.txt")
    ap.add_argument("--media", type=Path, default=ROOT / "media", help="where broadcast.* go")
    ap.add_argument("--tests", type=Path, default=ROOT / "tests" / "data", help="where short.* go")
    ap.add_argument("--only", choices=("broadcast", "short"), help="render just one of the two")
    ap.add_argument("--seed", type=int, default=20230405)
    args = ap.parse_args(argv)
    narrator = Narrator(NARRATOR_SPEED)
    if args.only != "short":
        make_broadcast(narrator, args.article, args.media, args.seed)
    if args.only != "broadcast":
        make_short(narrator, args.article, args.tests, args.seed + 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
