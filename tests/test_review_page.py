"""The review page in headless Chromium: it loads without errors over HTTP and from the file system, plays the
broadcast through its relative link, seeks when a word is clicked, and shows every flagged item."""
from __future__ import annotations

import json
import shutil

import pytest

from browser import browser_page, require_chromium, serve
from conftest import DATA, run_cli

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHECK = DATA / "check"

SEEKABLE = """() => { const a = document.getElementById('audio');
  return a.readyState >= 1 && a.seekable.length > 0 && a.seekable.end(a.seekable.length - 1) >= a.duration - 0.5; }"""


def ready(page) -> float:
    """Wait until the page's audio can be sought anywhere; its duration."""
    page.wait_for_function(SEEKABLE, timeout=20000)
    return page.evaluate("document.getElementById('audio').duration")


@pytest.fixture(scope="module")
def page_folder(tmp_path_factory):
    """report.html and report.json written by `aligner check` beside a copy of the audio and text."""
    require_chromium()
    folder = tmp_path_factory.mktemp("review")
    for suffix in (".flac", ".txt"):
        shutil.copy(CHECK / f"check_b{suffix}", folder / f"check_b{suffix}")
    result = run_cli("check", folder / "check_b.flac", folder / "check_b.txt", "--html", folder / "report.html",
                     "--json", folder / "report.json")
    assert result.returncode == 0, result.stderr
    return folder


def test_page_is_self_contained(page_folder):
    page = (page_folder / "report.html").read_text("utf-8")
    assert 'src="check_b.flac"' in page
    assert "http://" not in page and "https://" not in page and "<link rel=\"stylesheet\"" not in page


def test_clicking_a_word_moves_the_playhead_and_flags_are_shown(page_folder):
    report = json.loads((page_folder / "report.json").read_text("utf-8"))
    with serve(page_folder) as url, browser_page() as page:
        page.goto(f"{url}/report.html")
        assert ready(page) == pytest.approx(report["duration"], abs=0.1)

        word = page.locator("#text .w").nth(30)
        start = float(word.get_attribute("data-t"))
        word.click()
        assert page.evaluate("document.getElementById('audio').currentTime") == pytest.approx(start, abs=0.01)
        assert "now" in word.get_attribute("class")  # the clicked word is the one highlighted

        later = page.locator("#text .w").nth(45)
        page.evaluate(f"document.getElementById('audio').currentTime = {later.get_attribute('data-t')}")
        page.wait_for_function("document.querySelectorAll('#text .w.now').length === 1 && "
                               "document.querySelector('#text .w.now') === document.querySelectorAll('#text .w')[45]")

        # every flagged item of the report is on the page, in its own style
        assert page.locator("#text .unspoken").count() == sum(len(u["text"].split()) for u in report["unspoken"])
        assert page.locator("#text .unscripted").all_inner_texts() == [u["text"] for u in report["unscripted"]]
        wording = [d for d in report["differences"] if d["kind"] == "wording"]
        assert page.locator("#text .wording").count() == sum(len(d["published"].split()) for d in wording) > 0
        assert page.locator("#text .recognition").count() >= 1
        verdicts = page.locator("#quotes li").evaluate_all("items => items.map(li => li.dataset.verbatim)")
        assert verdicts == [str(q["verbatim"]).lower() for q in report["quotes"]] == ["false", "true", "true"]
        assert page.locator("#quotes li").nth(0).locator(".change").inner_text().startswith(
            "published “fifteen thousand” → heard “50,000”")
        assert page.locator(".legend").is_visible()
        assert page.console_errors == []


def test_quote_play_button_plays_the_quote_and_stops(page_folder):
    report = json.loads((page_folder / "report.json").read_text("utf-8"))
    quote = report["quotes"][2]
    with serve(page_folder) as url, browser_page() as page:
        page.goto(f"{url}/report.html")
        ready(page)
        page.locator("#quotes li").nth(2).locator("button.play").click()
        page.wait_for_function("!document.getElementById('audio').paused", timeout=10000)
        page.wait_for_function("document.getElementById('audio').paused", timeout=20000)
        stopped = page.evaluate("document.getElementById('audio').currentTime")
        assert quote["end"] <= stopped < quote["end"] + 1.0
        assert page.console_errors == []


def test_page_works_from_the_file_system(page_folder):
    with browser_page() as page:
        page.goto((page_folder / "report.html").as_uri())
        ready(page)
        word = page.locator("#text .w").nth(10)
        word.click()
        start = float(word.get_attribute("data-t"))
        assert page.evaluate("document.getElementById('audio').currentTime") == pytest.approx(start, abs=0.01)
        assert page.console_errors == []


def test_a_long_unscripted_passage_is_cut_and_shown_whole_on_request(page_folder):
    """A story quoting a few lines of a long programme: whole speeches around it are cut to their start, and
    the button shows the rest without moving the playhead."""
    from aligner.review import _SHOWN_WORDS, _passage

    speech = " ".join(f"word{k}" for k in range(3 * _SHOWN_WORDS))
    with browser_page() as page:
        page.goto((page_folder / "report.html").as_uri())
        ready(page)
        passage = page.locator("#text .unscripted").first
        passage.evaluate("(span, inner) => { span.innerHTML = inner; }", _passage(speech))
        assert passage.inner_text().split()[_SHOWN_WORDS - 1:] == [f"word{_SHOWN_WORDS - 1}", "…", str(
            2 * _SHOWN_WORDS), "more", "words"]
        at = page.evaluate("document.getElementById('audio').currentTime")
        passage.locator("button.more").click()
        assert passage.inner_text().split() == speech.split()
        assert page.evaluate("document.getElementById('audio').currentTime") == at
        assert page.console_errors == []
