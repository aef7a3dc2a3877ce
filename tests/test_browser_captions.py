"""The WebVTT file loads completely as a <track> in a real browser, with every cue at our times."""
from __future__ import annotations

import shutil

import pytest
import webvtt

from aligner.timefmt import parse_time, to_ms

from browser import browser_page, serve
from conftest import MEDIA

pytestmark = pytest.mark.slow  # every test here runs the recognizer (directly or through a fixture)

PAGE = """<!doctype html><meta charset="utf-8"><title>captions</title><link rel="icon" href="data:,">
<video id="v" preload="auto" src="audio.flac" muted>
  <track id="t" kind="captions" srclang="en" label="English" src="captions.vtt" default>
</video>"""

READ_CUES = """() => new Promise((resolve, reject) => {
  const track = document.getElementById('t');
  const collect = () => Array.from(track.track.cues).map(c => [c.startTime, c.endTime, c.text]);
  track.track.mode = 'hidden';
  if (track.readyState === 2) return resolve(collect());
  track.addEventListener('load', () => resolve(collect()));
  track.addEventListener('error', () => reject(new Error('track failed to load')));
  setTimeout(() => reject(new Error('track did not load in 20 s')), 20000);
})"""


def browser_cues(folder):
    with serve(folder) as url, browser_page() as page:
        page.goto(f"{url}/page.html")
        cues = page.evaluate(READ_CUES)
        assert page.console_errors == []
    return cues


@pytest.fixture(scope="module")
def caption_folder(tmp_path_factory, broadcast_run):
    """The committed broadcast's captions beside a page that plays the broadcast with them."""
    folder = tmp_path_factory.mktemp("browser")
    shutil.copy(broadcast_run / "captions.vtt", folder / "captions.vtt")
    shutil.copy(MEDIA / "broadcast.flac", folder / "audio.flac")
    (folder / "page.html").write_text(PAGE)
    return folder


def test_every_cue_arrives_with_our_times(caption_folder):
    ours = webvtt.read(str(caption_folder / "captions.vtt"))
    cues = browser_cues(caption_folder)
    assert len(cues) == len(ours) >= 30
    for (start, end, text), cue in zip(cues, ours, strict=True):
        assert round(start * 1000) == to_ms(parse_time(cue.start))
        assert round(end * 1000) == to_ms(parse_time(cue.end))
        assert text == cue.text
