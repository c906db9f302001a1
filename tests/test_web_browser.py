"""The transcript viewer in a real browser: Playwright (from the test extra) driving Debian's Chromium
against ``python -m bot serve`` started as a subprocess on a prepared database.

Chromium is not downloaded: the tests use /usr/bin/chromium (Debian's ``chromium`` package). When it is
missing they are skipped with a one-line reason, and fail instead when ``CI`` is set (as the PostgreSQL
tests do). Set COUNTERPOINT_SHOTS_DIR to keep the screenshots.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from bot.service import DebateService
from bot.storage.sqlite import SQLiteStore
from bot.topic_files import TopicLibrary
from bot.web.links import LinkSigner

from .conftest import MINI
from .serve_process import start_serve
from .test_web import SECRET, XSS, populate

CHROMIUM = Path(os.environ.get("COUNTERPOINT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = [(390, 844), (1280, 800)]


@pytest.fixture(scope="module")
def viewer(tmp_path_factory):
    """``counterpoint serve`` on a database with a class, its debates and others; yields (base URL, ids)."""
    root = tmp_path_factory.mktemp("viewer")
    db = root / "viewer.sqlite3"

    async def prepare():
        async with SQLiteStore(db) as store:
            return await populate(DebateService(TopicLibrary.load(MINI.parent), store))

    ids = asyncio.run(prepare())
    proc, port, line = start_serve(db, root, COUNTERPOINT_WEB_SECRET=SECRET)
    try:
        if not line.startswith("http"):
            proc.kill()
            pytest.fail(f"`counterpoint serve` did not print its admin link: {line!r} {proc.stderr.read()}")
        base = f"http://127.0.0.1:{port}"
        assert line.startswith(f"{base}/?t=")
        yield base, line, ids
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, proc.stderr.read()  # SIGTERM stops it cleanly


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing = (
            f"{CHROMIUM} not found: the browser tests drive Debian's Chromium (`sudo apt-get install chromium`, "
            "or point COUNTERPOINT_CHROMIUM at a Chromium binary)"
        )
        if os.environ.get("CI"):  # CI must run them (.ci/run installs Chromium)
            pytest.fail(missing, pytrace=False)
        pytest.skip(missing)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        pytest.fail("playwright is missing: install the test extra, `pip install -e '.[test]'`", pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()


def _signer(base: str) -> LinkSigner:
    return LinkSigner(SECRET, base)


def test_admin_link_index_then_transcript_with_its_map(viewer, page):
    base, admin, ids = viewer
    response = page.goto(admin)
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Debates"
    assert page.locator("table a", has_text=f"#{ids['alice']}").count() == 1

    page.locator("table a", has_text=f"#{ids['alice']}").click()
    page.wait_for_url(f"{base}/debates/{ids['alice']}?t=*")
    assert page.locator("h1").inner_text() == "School uniforms should be compulsory"
    # the user's script tag is shown as text, never run
    assert XSS in page.locator("article.turn.user").first.inner_text()
    assert page.evaluate("document.scripts.length") == 0
    img = page.locator("figure.map img")
    assert "Argument map of debate" in img.get_attribute("alt")
    page.wait_for_function("document.querySelector('figure.map img').complete")
    assert page.evaluate("document.querySelector('figure.map img').naturalWidth") > 0

    # the navigation keeps the token: back to the index through the header link
    page.locator("header.site nav a", has_text="Debates").click()
    page.wait_for_url(f"{base}/?t=*")
    assert page.locator("h1").inner_text() == "Debates"


def test_filter_form_works_without_javascript(viewer, browser):
    base, admin, ids = viewer
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(admin)
        page.fill("input[name=student]", "bob")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**student=bob**")
        links = page.locator("table a[href^='/debates/']").all_inner_texts()
        assert links == [f"#{ids['bob']}"]
    finally:
        context.close()


def test_a_forged_link_shows_403(viewer, page):
    base, admin, ids = viewer
    payload, mac = admin.split("t=")[1].split(".")
    forged = _signer("http://x").sign("student:100:2", 600).split(".")[0] + "." + mac
    for url in (f"{base}/?t={forged}", f"{base}/debates/{ids['alice']}?t={payload}.{mac[::-1]}", f"{base}/"):
        response = page.goto(url)
        assert response.status == 403, url
        assert page.locator("h1").inner_text() == "Access denied"
        assert "Alice" not in page.content()


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=["phone", "desktop"])
def test_report_and_transcript_fit_phone_and_desktop(viewer, browser, tmp_path, width, height):
    base, _admin, ids = viewer
    signer = _signer(base)
    pages = {
        "class-report": signer.url(f"class:{ids['class']}", 600),
        "transcript": signer.url(f"debate:{ids['alice']}", 600),
        "long-word-transcript": signer.url(f"debate:{ids['bob']}", 600),
        "index": signer.url("all", 600),
    }
    keep = os.environ.get("COUNTERPOINT_SHOTS_DIR")
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        for name, url in pages.items():
            response = page.goto(url)
            assert response.status == 200, name
            if name == "transcript":
                page.wait_for_function("document.querySelector('figure.map img').complete")
                assert page.evaluate("document.querySelector('figure.map img').naturalWidth") > 0
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= width, f"{name} overflows horizontally at {width}px: {scroll_width}px"
            shot = tmp_path / f"{name}-{width}x{height}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 5000
            with Image.open(shot) as im:
                assert im.width == width and im.height >= height
                # not a blank page: the screenshot has many colours
                assert len(im.convert("RGB").getcolors(maxcolors=1 << 16) or range(1 << 16)) > 20
            if keep:
                Path(keep).mkdir(parents=True, exist_ok=True)
                shutil.copy(shot, Path(keep) / shot.name)
        if width < 600:  # on a phone the report's table turns into one card per student
            page.goto(pages["class-report"])
            assert page.locator("table.table thead").bounding_box()["width"] <= 1
            assert page.locator("table.table td[data-label=Student]").first.bounding_box()["width"] > width / 2
    finally:
        context.close()
