"""The review page: one self-contained HTML file that plays the broadcast beside the published text.

The word being spoken is highlighted as the audio plays and clicking a word moves the playhead to it.
Unspoken text, unscripted speech and the two kinds of differences are marked in their own styles, with a
legend; the quotes are listed with their verdicts and play buttons. The audio is a relative link (the page
does not embed it), so the page works from the file system and over HTTP as long as it stays beside it.
"""
from __future__ import annotations

import bisect
import html

from .pipeline import Aligned
from .report import RECOGNITION, UNCERTAIN, WORDING, Difference, Report
from .timefmt import clock, to_ms

__all__ = ["review_page"]

_QUOTE_MARKS = "“”\"‘’«»"
_CSS = """
:root { --wording: #c62828; --recognition: #1565c0; --unscripted: #2e7d32; --unspoken: #9e9e9e;
        --uncertain: #ef6c00; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: #212121; }
header { position: sticky; top: 0; z-index: 2; background: #fafafa; border-bottom: 1px solid #ddd;
         padding: .6rem 1.2rem; display: flex; gap: 1.2rem; align-items: center; flex-wrap: wrap; }
header h1 { font-size: 1.05rem; margin: 0; }
header audio { flex: 1 1 22rem; min-width: 16rem; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(18rem, 2fr); gap: 2rem; padding: 1rem 1.2rem; }
@media (max-width: 60rem) { main { grid-template-columns: 1fr; } }
#text p { margin: 0 0 .9rem; }
.w { cursor: pointer; border-radius: 3px; }
.w:hover { background: #eceff1; }
.w.now { background: #ffeb3b; }
.unspoken { color: var(--unspoken); text-decoration: line-through; }
.unscripted { color: var(--unscripted); border: 1px dashed var(--unscripted); border-radius: 4px;
              padding: 0 .25rem; cursor: pointer; font-style: italic; }
.recognition { text-decoration: underline dotted var(--recognition) 2px; text-underline-offset: 3px; }
.wording { text-decoration: underline wavy var(--wording) 1.5px; text-underline-offset: 3px; }
.uncertain { text-decoration: underline double var(--uncertain) 2px; text-underline-offset: 3px; }
.evidence { color: #757575; font-size: .8em; }
button.more { border: none; background: none; color: var(--unscripted); cursor: pointer; padding: 0;
               font: inherit; font-style: normal; text-decoration: underline; }
.heard-only { color: var(--wording); font-size: .85em; cursor: pointer; }
.heard-only.recognition { color: var(--recognition); }
aside h2 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
aside table { border-collapse: collapse; }
aside td { padding: .1rem .6rem .1rem 0; vertical-align: top; }
.legend span { margin-right: .8rem; white-space: nowrap; }
ol.items { padding-left: 1.2rem; margin: 0; }
ol.items li { margin-bottom: .5rem; }
.verdict { font-weight: 600; }
.verdict.ok { color: var(--unscripted); }
.verdict.bad { color: var(--wording); }
.verdict.none { color: var(--unspoken); }
.verdict.unsure { color: var(--uncertain); }
.change { font-size: .9em; margin-left: .4rem; }
button.play { border: 1px solid #bbb; background: #fff; border-radius: 4px; cursor: pointer; padding: 0 .4rem;
              font-size: .8rem; margin-right: .3rem; }
button.play:hover { background: #e3f2fd; }
.time { color: #757575; font-variant-numeric: tabular-nums; font-size: .85em; }
"""

_JS = """
(function () {
  'use strict';
  const audio = document.getElementById('audio');
  const words = Array.from(document.querySelectorAll('#text .w'));
  const starts = words.map(w => parseFloat(w.dataset.t));
  let current = null;
  let stopAt = null;

  function wordAt(t) {  // the last word that has started by time t
    let lo = 0, hi = starts.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid] <= t + 0.01) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found >= 0 ? words[found] : null;
  }

  function show() {
    const t = audio.currentTime;
    const word = wordAt(t);
    if (word !== current) {
      if (current) current.classList.remove('now');
      if (word) {
        word.classList.add('now');
        const box = word.getBoundingClientRect();
        if (!audio.paused && (box.top < 80 || box.bottom > window.innerHeight)) {
          word.scrollIntoView({block: 'center', behavior: 'smooth'});
        }
      }
      current = word;
    }
    if (stopAt !== null && t >= stopAt) { audio.pause(); stopAt = null; }
  }

  function loop() { show(); if (!audio.paused) requestAnimationFrame(loop); }

  // A server without range requests (python -m http.server) makes the audio unseekable: fetch it whole
  // once and play it from memory. From the file system the audio is always seekable.
  let wanted = null;
  function makeSeekable() {
    const s = audio.seekable;
    if ((s.length && s.end(s.length - 1) >= audio.duration - 0.5) || audio.dataset.fetched) return;
    if (!/^https?:$/.test(location.protocol)) return;
    audio.dataset.fetched = 'yes';
    fetch(audio.currentSrc).then(r => { if (!r.ok) throw new Error(r.statusText); return r.blob(); })
      .then(blob => {
        const at = wanted !== null ? wanted : audio.currentTime;
        const playing = !audio.paused;
        audio.addEventListener('loadedmetadata', () => {
          audio.currentTime = at;
          if (playing) audio.play().catch(() => {});
        }, {once: true});
        audio.src = URL.createObjectURL(blob);
      })
      .catch(() => {});  // playing still works; only seeking may not
  }
  audio.addEventListener('loadedmetadata', makeSeekable);
  if (audio.readyState >= 1) makeSeekable();

  audio.addEventListener('play', () => requestAnimationFrame(loop));
  audio.addEventListener('seeked', show);
  audio.addEventListener('timeupdate', show);

  document.addEventListener('click', event => {
    const more = event.target.closest('button.more');
    if (more) {  // a long unscripted passage, shown whole
      more.previousElementSibling.hidden = false;
      more.remove();
      return;
    }
    const target = event.target.closest('[data-t]');
    if (!target) return;
    wanted = parseFloat(target.dataset.t);
    audio.currentTime = wanted;
    if (target.tagName === 'BUTTON') {  // play buttons play the passage and stop at its end
      stopAt = target.dataset.e ? parseFloat(target.dataset.e) : null;
      audio.play().catch(() => {});
    } else {
      stopAt = null;
    }
    show();
  });
})();
"""


def _seconds(value: float) -> str:
    return f"{to_ms(value) / 1000:.3f}"


def _at(value: float | None) -> str:
    return "" if value is None else f'<span class="time">{clock(to_ms(value))}</span>'


def _play(start: float | None, end: float | None, label: str = "▶") -> str:
    if start is None:
        return ""
    stop = f' data-e="{_seconds(end)}"' if end is not None else ""
    return f'<button class="play" type="button" data-t="{_seconds(start)}"{stop} title="play">{label}</button>'


# Unscripted speech more than twice this many words long is shown by its start, the rest a click away: a story
# that quotes a few lines of a long programme would otherwise disappear between whole speeches. (A display
# choice, about 15 seconds of speech; a passage up to twice that is shown whole, as cutting it saves little.)
_SHOWN_WORDS = 40


def _passage(text: str) -> str:
    """The words of an unscripted passage as HTML, a long one cut with a button that shows the rest."""
    words = text.split()
    if len(words) <= 2 * _SHOWN_WORDS:
        return html.escape(text)
    rest = len(words) - _SHOWN_WORDS
    return (f'{html.escape(" ".join(words[:_SHOWN_WORDS]))}<span class="rest" hidden> '
            f'{html.escape(" ".join(words[_SHOWN_WORDS:]))}</span> <button class="more" type="button">… {rest} more '
            f'words</button>')


def _change(d: Difference) -> str:
    """published “…” → heard “…”, the published side in the style of its kind."""
    published = html.escape(d.published.strip(_QUOTE_MARKS) or "—")
    heard = html.escape(d.heard or "—")
    return (f'published “<span class="{d.kind}">{published}</span>” → heard “{heard}”'
            f'<span class="time" title="{html.escape(d.reason)}"> ({html.escape(d.reason.split(",")[0])})</span>'
            f'<span class="evidence"> {html.escape(_evidence(d))}</span>')


_KIND_NAMES = {RECOGNITION: "likely a recognition error", WORDING: "a difference in wording",
               UNCERTAIN: "uncertain: listen"}


def _evidence(d: Difference) -> str:
    """Each witness's distance from its decision line (positive: the published words were said)."""
    parts = []
    if d.distance is not None:
        parts.append(f"model {d.distance:+.1f} from its line")
    if d.acoustic_distance is not None:
        parts.append(f"phonetic aligner {d.acoustic_distance:+.1f} from its line")
    return "; ".join(parts) or "not scored"


def _difference_title(d: Difference) -> str:
    return (f"published: {d.published or '—'}\nheard: {d.heard or '—'}\n{_KIND_NAMES[d.kind]}: {d.reason}\n"
            f"evidence: {_evidence(d)}")


def _text_html(aligned: Aligned, report: Report) -> str:
    """The published text, paragraph by paragraph, every word marked; unscripted speech where it was said."""
    words = aligned.alignment.words
    ends = [w.char_end for w in words]  # increasing, like the starts
    marks: dict[int, Difference] = {}
    inserted: dict[int, list[Difference]] = {}  # after published word k (-1: before the first)
    for d in report.differences:
        first = bisect.bisect_right(ends, d.char_start)  # the first word ending after the difference starts
        last = first
        while last < len(words) and words[last].char_start < d.char_end:
            marks[last] = d
            last += 1
        if last == first:
            inserted.setdefault(first - 1, []).append(d)
    spoken = [k for k, w in enumerate(words) if w.start is not None]
    spoken_starts = [words[k].start for k in spoken]
    said_before: dict[int, list] = {}  # unscripted speech before published word k
    said_after: dict[int, list] = {}  # ... and after it
    for u in report.unscripted:  # beside the spoken word nearest in time, not across never-spoken text
        at = bisect.bisect_left(spoken_starts, u.start)
        after = words[spoken[at - 1]] if at else None
        before = words[spoken[at]] if at < len(spoken) else None
        if before is None or (after is not None and u.start - after.end < before.start - u.end):
            said_after.setdefault(spoken[at - 1] if at else len(words), []).append(u)
        else:
            said_before.setdefault(spoken[at], []).append(u)

    def unscripted(passages: list) -> list[str]:
        return [f'<span class="unscripted" data-t="{_seconds(u.start)}" data-e="{_seconds(u.end)}" '
                f'title="said, not published ({clock(to_ms(u.start))})">{_passage(u.text)}</span>'
                for u in passages]

    def heard_only(k: int) -> list[str]:
        return [f'<span class="heard-only {d.kind}" data-t="{_seconds(d.start)}" '
                f'title="{html.escape(_difference_title(d))}">+{html.escape(d.heard)}</span>'
                for d in inserted.get(k, [])]

    paragraphs: list[list[str]] = []
    paragraph = None
    for k, w in enumerate(words):
        if w.paragraph != paragraph:
            paragraphs.append([])
            paragraph = w.paragraph
        parts = paragraphs[-1]
        parts += unscripted(said_before.get(k, []))
        if k == 0:
            parts += heard_only(-1)
        text = html.escape(w.text)
        classes, title = [], ""
        if k in marks:
            classes.append(marks[k].kind)
            title = f' title="{html.escape(_difference_title(marks[k]))}"'
        if w.start is None:
            parts.append(f'<span class="{" ".join(["unspoken", *classes])}" data-c="{w.char_start}"{title}>'
                         f'{text}</span>')
        else:
            parts.append(f'<span class="{" ".join(["w", *classes])}" data-t="{_seconds(w.start)}" '
                         f'data-e="{_seconds(w.end)}" data-c="{w.char_start}"{title}>{text}</span>')
        parts += heard_only(k) + unscripted(said_after.get(k, []))
    if said_after.get(len(words)):  # no published word was spoken
        paragraphs.append(unscripted(said_after[len(words)]))
    return "\n".join(f"<p>{' '.join(parts)}</p>" for parts in paragraphs)


def _side_html(report: Report) -> str:
    m = report.measures
    recognition = sum(d.kind == RECOGNITION for d in report.differences)
    spoken_quotes = [q for q in report.quotes if q.spoken]
    uncertain = len(report.quotes_to_hear)
    rows = [("Word error rate", f"{m.wer:.1%} ({m.substitutions} substituted, {m.deletions} deleted, "
                                f"{m.insertions} inserted, of {m.reference_words} words)"),
            ("Character error rate", f"{m.cer:.1%}"),
            ("Quotes verbatim", f"{sum(q.verbatim for q in spoken_quotes)} of {len(spoken_quotes)}"
                                + (f" ({uncertain} uncertain)" if uncertain else "")),
            ("Differences", f"{sum(d.kind == WORDING for d in report.differences)} in wording, {recognition} likely "
                            f"recognition error{'' if recognition == 1 else 's'}, "
                            f"{sum(d.kind == UNCERTAIN for d in report.differences)} uncertain"),
            ("Coverage", f"the text covers {report.coverage:.0%} of the recognized speech"),
            ("Never spoken", f"{len(report.unspoken)} passage{'' if len(report.unspoken) == 1 else 's'}"),
            ("Unscripted", f"{len(report.unscripted)} passage{'' if len(report.unscripted) == 1 else 's'}")]
    out = ['<h2>Summary</h2><table id="summary">']
    out += [f"<tr><td>{label}</td><td>{html.escape(value)}</td></tr>" for label, value in rows]
    out.append("</table>")
    out.append('<h2>Legend</h2><p class="legend"><span><span class="w now">spoken now</span></span>'
               '<span class="unspoken">never spoken</span> <span class="unscripted">said, not published</span> '
               '<span class="wording">different wording</span> <span class="uncertain">uncertain: listen</span> '
               '<span class="recognition">likely misheard by the recognizer</span></p>')
    out.append('<h2>Quotes</h2><ol class="items" id="quotes">')
    for q in report.quotes:
        if not q.spoken:
            verdict = '<span class="verdict none">not spoken</span>'
        elif q.verbatim:
            verdict = '<span class="verdict ok">✓ verbatim</span>'
        elif q.uncertain:
            verdict = '<span class="verdict unsure">? uncertain — listen</span>'
        else:
            verdict = '<span class="verdict bad">✗ not verbatim</span>'
        changes = "".join(f'<div class="change">{_change(d)}</div>' for d in q.differences if d.kind != RECOGNITION)
        out.append(f'<li data-verbatim="{str(q.verbatim).lower()}" data-verdict="{q.verdict}">'
                   f'{_play(q.start, q.end)}{verdict} {_at(q.start)} '
                   f'“{html.escape(q.text)}”{changes}</li>')
    out.append("</ol>")
    sections = [
        ("Differences in wording", "wording", [f"{_play(d.start, d.end)}{_at(d.start)} {_change(d)}"
                                               for d in report.differences if d.kind == WORDING]),
        ("Uncertain: listen", "uncertain", [f"{_play(d.start, d.end)}{_at(d.start)} {_change(d)}"
                                            for d in report.differences if d.kind == UNCERTAIN]),
        ("Said, not published", "unscripted", [f"{_play(u.start, u.end)}{_at(u.start)} {_passage(u.text)}"
                                               for u in report.unscripted]),
        ("Published, never spoken", "unspoken", [f'<span class="unspoken">{html.escape(u.text)}</span>'
                                                 for u in report.unspoken]),
        ("Likely recognition errors", "recognition", [f"{_play(d.start, d.end)}{_at(d.start)} {_change(d)}"
                                                      for d in report.differences if d.kind == RECOGNITION]),
    ]
    for title, key, items in sections:
        out.append(f'<h2>{title} ({len(items)})</h2><ol class="items" id="{key}">')
        out += [f"<li>{item}</li>" for item in items]
        out.append("</ol>")
    return "\n".join(out)


def review_page(aligned: Aligned, report: Report, audio_href: str) -> str:
    """The page as one string; `audio_href` is the audio's address relative to where the page is written."""
    title = f"Accuracy check: {aligned.audio_path.name}"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><link rel="icon" href="data:,">
<style>{_CSS}</style></head>
<body>
<header><h1>{html.escape(title)}</h1>
<audio id="audio" controls preload="auto" src="{html.escape(audio_href)}"></audio></header>
<main><section id="text" lang="en">
{_text_html(aligned, report)}
</section>
<aside>
{_side_html(report)}
</aside></main>
<script>{_JS}</script>
</body></html>
"""
