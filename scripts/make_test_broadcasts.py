"""Render the test broadcasts for the accuracy check (tests/data/check/*) with the truth of how each was edited.

Why this exists: `aligner check` must tell real differences between the published text and the broadcast
from the recognizer's mistakes. No real broadcast comes with a list of the speaker's departures from the
text, so we make some: short published articles (page lines, narrator paragraphs, quotations) and a
broadcast that departs from each on purpose. The speaker skips one paragraph, adds one sentence, and changes
the wording inside one quotation; everything else is read as written, so every other difference the check
finds is the recognizer's. Voices, pauses and mastering are those of scripts/make_broadcast.py (hibari
narrator, espeak-ng for the quotations); its helpers are imported, not copied. Room noise is quieter and the
files are 16 kHz so that the committed audio stays small (about 1.5 MB in all).

Spec format, one string per paragraph: "-…" is published but skipped, "+…" is spoken but never published,
and "[[published|said]]" inside a paragraph is a wording change ("[[a|]]" a deletion, "[[|b]]" an addition).

    python scripts/make_test_broadcasts.py           # tests/data/check/check_{a,b,c}.{flac,txt,truth.json}
    python scripts/make_test_broadcasts.py --held-out --out /tmp/held_out   # check_{d,e,f}, not committed
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_broadcast as mb  # noqa: E402  (a sibling script, not a package)

OUT_SR = 16000
NOISE_DB = -66.0  # quieter than the reference broadcast's -58 dBFS: noise is what FLAC cannot compress
PEAK_DB = -4.0  # 3 dB below the reference broadcast: one bit less per sample to store
OUT = mb.ROOT / "tests" / "data" / "check"
_EDIT = re.compile(r"\[\[([^|\]]*)\|([^\]]*)\]\]")


@dataclass(frozen=True)
class Spec:
    chrome: tuple[str, ...]  # page lines above the story, never spoken
    paragraphs: tuple[str, ...]


BROADCASTS = {
    "check_a": Spec(
        ("City Desk", "Council Approves Transit Budget", "By Staff Reporter | 4 min read"),
        ("The city council approved a new transit budget on Tuesday after a long debate.",
         "+The final vote was seven to four.",
         "“This budget puts riders first and keeps fares where they are,” said council president Maria Lopez.",
         "-The plan adds forty electric buses over the next three years and extends night service on six routes.",
         "Opponents wanted road repairs instead. “We are [[not|never]] going to fix "
         "potholes with bus schedules,” said council member Daniel Reed.",
         "“Our drivers are ready, and the new buses will be on the street by September,” said transit director "
         "Alan Price.")),
    "check_b": Spec(
        ("Local News", "Harbor District Housing Plan Unveiled", "Published 9:14 AM", "Listen to this article"),
        ("The mayor unveiled a plan on Monday to build new homes in the old harbor district.",
         "“We will build [[fifteen|fifty]] thousand homes in the next decade,” the mayor said.",
         "-Construction is expected to begin next summer, once the final environmental review is complete.",
         "Residents worried about traffic. [[|I spoke to several of them "
         "this morning. ]]“We need more buses, not more parking garages,” said neighborhood organizer Grace Kim.",
         "“Families who grew up here deserve to stay here,” said the mayor.")),
    "check_c": Spec(
        ("Weather", "Floodwaters Close River Bridge", "Updated 6:05 PM", "Advertisement"),
        ("+Good evening. Here is the latest on the storm.",
         "Heavy rain closed the River Street bridge on Friday as floodwaters rose.",
         "“The water came up faster than anyone expected,” said fire chief Robert Hayes.",
         "Engineers found damage to two support columns.",
         "“We will [[repair|replace]] the bridge [[quickly and |]]safely, and we will keep residents informed,” "
         "said public works director Linda Park.",
         "-Drivers should use the Main Street crossing until further notice, the county said.",
         "“Please stay away from the river until the water goes down,” Hayes said.")),
}

# Rendered only on request (--held-out) and never committed: broadcasts that the check's thresholds were
# not tuned on, for an honest measure with scripts/bench_check.py --data DIR.
HELD_OUT = {
    "check_d": Spec(
        ("Business", "Factory to Add Jobs", "By Business Desk", "Share"),
        ("A battery maker said on Wednesday it will expand its factory outside Dayton.",
         "“We expect to hire three hundred workers by the end of next year,” said chief executive Priya Raman.",
         "-The company did not say how much the expansion would cost or where the money would come from.",
         "State officials praised the decision. [[|It is the biggest investment in the region in a decade. ]]"
         "“This is exactly the kind of growth we hoped for,” said Governor Mike DeWine.",
         "“We will [[announce|share]] the details [[within weeks|in a few days]],” Raman added.")),
    "check_e": Spec(
        ("Sports", "City Wins Championship", "Photo: Stadium crowd", "Comments (12)"),
        ("+Now to sports.",
         "The city football club won its first championship in forty years on Saturday night.",
         "“I have never been prouder of a group of players,” said coach Tomás Herrera.",
         "-Fans filled the streets around the stadium until well after midnight.",
         "The captain scored twice in the second half. “We played for this city, and we [[deserved|earned]] "
         "every minute of it,” she said.",
         "“The whole team believed from the first day,” said club president Alan Wright.")),
    "check_f": Spec(
        ("Health", "Clinic Hours Extended", "5 min read", "Advertisement"),
        ("The county health department will keep its downtown clinic open on weekends starting in March.",
         "“Families told us that weekday hours simply do not work for them,” said director Nadia Okafor.",
         "-The clinic will offer vaccinations, checkups and dental care on Saturdays and Sundays.",
         "“We hired twelve new nurses[[ to make this possible|]], and we are still hiring,” Okafor said.",
         "+Applications are open online.")),
    # rendered after the classification was frozen, never used to tune it
    "check_g": Spec(
        ("Education", "University Freezes Tuition", "Sign in to comment"),
        ("The state university announced on Thursday that students will pay the same tuition as last year.",
         "“We will not raise tuition [[this|next]] year, and we will protect financial aid,” said president "
         "Elena Vasquez.",
         "-The board of trustees approved the budget in a unanimous vote after a brief discussion.",
         "Student leaders were cautiously optimistic. [[|Some of them told me they were relieved. ]]“It is a "
         "start, but housing costs are still too high,” said student body president Marcus Lee.",
         "“Every student deserves a fair chance,” Vasquez said.")),
    "check_h": Spec(
        ("Politics", "Senate Passes Child Care Bill", "Listen", "Related stories"),
        ("+From the statehouse, here is our report.",
         "The state senate passed a child care bill late on Tuesday by a wide margin.",
         "“This bill protects every [[|working ]]family in our state,” said Senator Joan Whitaker.",
         "-The measure now goes to the house, where leaders have promised a vote before the summer recess.",
         "Business groups had opposed an earlier version. “The final text is something we can live with,” said "
         "chamber director Paul Brennan.",
         "“We listened to parents at every step,” Whitaker said.")),
    "check_i": Spec(
        ("Science", "Glacier Retreat Speeds Up", "Photo: Mountain glacier", "Newsletter"),
        ("Scientists say a glacier in the northern mountains is shrinking faster than they predicted.",
         "“The ice has lost [[two|three]] meters of thickness in a single summer,” said researcher Anna Lindqvist.",
         "+That is a remarkable change.",
         "Her team measured the glacier with drones and satellite images.",
         "“We have never seen a retreat this fast in our records,” Lindqvist said.",
         "-The findings will be published next month in a peer reviewed journal.")),
    # rendered after the misheard-attribution repair, never used to tune anything
    "check_j": Spec(
        ("Transport", "New Tram Line Opens", "Share this story"),
        ("The city opened its new tram line on Sunday, linking the airport with the central station.",
         "“Trams will run every [[ten|few]] minutes from early morning until midnight,” said transport "
         "commissioner Olivia Grant.",
         "-Tickets cost the same as on buses, and children under twelve ride for free.",
         "Some shop owners along the route complained about months of construction. [[|Many of them are still "
         "waiting for compensation. ]]“We lost half our customers last winter,” said baker Stefan Novak.",
         "“The line will pay for itself within a generation,” Grant said.")),
    "check_k": Spec(
        ("Culture", "Museum Reopens After Renovation", "Tickets", "More from Culture"),
        ("+Good morning, and welcome to the arts report.",
         "The national history museum reopened on Friday after three years of renovation.",
         "“This museum [[|truly ]]belongs to everyone who lives in this country,” said director Hannah Osei.",
         "-The renovation added two new galleries and a rooftop garden open to the public.",
         "Visitors lined up before dawn. “I have been waiting for this day since I was a child,” said one "
         "visitor, Maria Santos.",
         "“We want people to come back again and again,” Osei said.")),
    "check_l": Spec(
        ("Courts", "Judge Dismisses Fraud Case", "By Legal Affairs Desk", "Print"),
        ("A federal judge on Wednesday dismissed a fraud case against a former city official.",
         "“The evidence [[|simply ]]does not support [[the|these]] charges,” Judge Robert Klein wrote in his "
         "ruling.",
         "+The decision surprised many observers.",
         "Prosecutors said they were disappointed. “We will review the ruling and consider an appeal,” said "
         "district attorney Karen Moss.",
         "-The former official declined to comment through her lawyer.")),
}


@dataclass(frozen=True)
class Edit:
    """One departure from the text: published[p0:p1] was said as spoken[s0:s1]."""

    p0: int
    p1: int
    s0: int
    s1: int
    kind: str  # skipped | added | wording


def compile_spec(spec: Spec) -> tuple[str, str, int, list[Edit], dict[int, int]]:
    """The published text, the spoken script (a paragraph per line), where the story starts, the edits, and
    for each spoken character said as published its offset in the published text."""
    published = "\n\n".join(spec.chrome) + "\n\n"
    body_start = len(published)
    spoken, edits, same = "", [], {}

    def copy(text: str) -> None:
        nonlocal published, spoken
        same.update({len(spoken) + k: len(published) + k for k in range(len(text))})
        published += text
        spoken += text

    for paragraph in spec.paragraphs:
        mark, text = (paragraph[0], paragraph[1:]) if paragraph[0] in "+-" else ("", paragraph)
        if mark == "-":
            edits.append(Edit(len(published), len(published) + len(text), len(spoken), len(spoken), "skipped"))
            published += text + "\n\n"
        elif mark == "+":
            edits.append(Edit(len(published), len(published), len(spoken), len(spoken) + len(text), "added"))
            spoken += text + "\n"
        else:
            pos = 0
            for match in _EDIT.finditer(text):
                copy(text[pos:match.start()])
                written, said = match.group(1), match.group(2)
                kind = "wording" if _inside_quote(text, match.start()) else "added"
                edits.append(Edit(len(published), len(published) + len(written), len(spoken),
                                  len(spoken) + len(said), kind))
                published += written
                spoken += said
                pos = match.end()
            copy(text[pos:])
            published += "\n\n"
            spoken += "\n"
    return published.rstrip("\n") + "\n", spoken, body_start, edits, same


def _inside_quote(text: str, pos: int) -> bool:
    return text[:pos].count("“") > text[:pos].count("”")


def _time_of(chunks, s0: int, s1: int) -> tuple[float, float]:
    """Start and end (s) of the spoken script's characters [s0, s1): from word times, else the sentences'."""
    times = []
    for chunk in chunks:
        c0 = chunk.char_start
        if c0 + len(chunk.text) <= s0 or c0 >= max(s1, s0 + 1):
            continue
        words = [(a, b) for _, a, b, w0, w1 in chunk.words if c0 + w1 > s0 and c0 + w0 < max(s1, s0 + 1)]
        a, b = (words[0][0], words[-1][1]) if words else (chunk.onset, chunk.offset)
        times += [mb.ms(chunk.at + a), mb.ms(chunk.at + b)]
    if not times:
        raise ValueError(f"no chunk holds spoken characters {s0}-{s1}")
    return min(times), max(times)


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    """[a, b) without the whitespace at either end; an empty span moves back to the end of the word before."""
    if not text[a:b].strip():
        while a > 0 and text[a - 1].isspace():
            a -= 1
        return a, a
    return a + len(text[a:b]) - len(text[a:b].lstrip()), b - len(text[a:b]) + len(text[a:b].rstrip())


def truth(name: str, published: str, spoken: str, body_start: int, edits: list[Edit], same: dict[int, int],
          chunks, n: int) -> dict:
    chrome = [m for m in re.finditer(r"[^\n]+", published[:body_start])]
    unspoken = [{"text": m.group(), "char_start": m.start(), "char_end": m.end()} for m in chrome]
    unspoken += [{"text": published[e.p0:e.p1], "char_start": e.p0, "char_end": e.p1}
                 for e in edits if e.kind == "skipped"]  # words left out of a quote are a wording edit
    unscripted = []
    for e in edits:
        if e.kind == "added":
            text = spoken[e.s0:e.s1].strip()
            start, end = _time_of(chunks, e.s0 + len(spoken[e.s0:e.s1]) - len(spoken[e.s0:e.s1].lstrip()),
                                  e.s0 + len(spoken[e.s0:e.s1].rstrip()))
            unscripted.append({"text": text, "start": start, "end": end})
    quotes = {}
    for chunk in chunks:
        if chunk.voice != "quote":
            continue
        first = min(same[k] for k in range(chunk.char_start, chunk.char_start + len(chunk.text)) if k in same)
        q0 = published.rindex("“", 0, first + 1) + 1  # a quote of several sentences is several chunks
        q1 = published.index("”", q0)
        q0, q1 = q0 + len(published[q0:q1]) - len(published[q0:q1].lstrip()), q0 + len(published[q0:q1].rstrip())
        if q0 in quotes:
            quotes[q0]["end"] = mb.ms(chunk.at + chunk.offset)
            continue
        changes = [e for e in edits if e.kind == "wording" and q0 <= e.p0 <= q1]
        entry = {"text": published[q0:q1], "char_start": q0, "char_end": q1,
                 "start": mb.ms(chunk.at + chunk.onset), "end": mb.ms(chunk.at + chunk.offset),
                 "verbatim": not changes, "edits": []}
        for e in changes:
            start, end = _time_of(chunks, *_trim(spoken, e.s0, e.s1))
            p0, p1 = _trim(published, e.p0, e.p1)
            entry["edits"].append({"published": published[p0:p1], "said": spoken[e.s0:e.s1].strip(),
                                   "char_start": p0, "char_end": p1, "start": start, "end": end})
        quotes[q0] = entry
    sentences = [{"text": c.text, "start": mb.ms(c.at + c.onset), "end": mb.ms(c.at + c.offset), "voice": c.voice}
                 for c in chunks]
    return {"audio": f"{name}.flac", "text": f"{name}.txt", "sample_rate": OUT_SR, "duration": mb.ms(n),
            "unspoken": unspoken, "unscripted": unscripted, "quotes": list(quotes.values()), "sentences": sentences}


def render(narrator, name: str, spec: Spec, seed: int, out_dir: Path) -> None:
    from scipy.signal import resample_poly

    published, spoken, body_start, edits, same = compile_spec(spec)
    chunks = mb.plan_body(spoken, 0)
    mb.render_all(chunks, narrator, seed)
    gaps, n, _ = mb.pause_lengths(chunks, lead=0.5, tail=0.6, total=None, seed=seed, scale=0.75)
    track = mb.assemble(chunks, gaps, n)
    track = track * 10 ** (PEAK_DB / 20) / np.max(np.abs(track))
    track = resample_poly(track, OUT_SR, mb.SR)
    track = track + mb.room_noise(len(track), seed) * 10 ** (NOISE_DB / 20)
    pcm = np.clip(np.round(track * 32767), -32768, 32767).astype(np.int16)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.txt").write_text(published, encoding="utf-8")
    sf.write(out_dir / f"{name}.flac", pcm, OUT_SR, format="FLAC", subtype="PCM_16", compression_level=1.0)
    data = truth(name, published, spoken, body_start, edits, same, chunks, n)
    (out_dir / f"{name}.truth.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n",
                                                encoding="utf-8")
    size = (out_dir / f"{name}.flac").stat().st_size
    print(f"{name}: {len(chunks)} sentences, {n / mb.SR:.1f} s, {size // 1024} KB")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default: {OUT})")
    parser.add_argument("--only", choices=sorted(BROADCASTS | HELD_OUT), help="render just one")
    parser.add_argument("--held-out", action="store_true",
                        help="render the held-out broadcasts instead (needs --out; they are not committed)")
    parser.add_argument("--seed", type=int, default=20240611)
    args = parser.parse_args(argv)
    if args.held_out and args.out == OUT:
        parser.error("--held-out needs --out DIR outside tests/data/check")
    narrator = mb.Narrator(mb.NARRATOR_SPEED)
    for k, (name, spec) in enumerate((HELD_OUT if args.held_out else BROADCASTS).items()):
        if args.only in (None, name):
            render(narrator, name, spec, args.seed + 100 * k + (1000 if args.held_out else 0), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
