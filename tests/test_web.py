"""The transcript viewer over HTTP (aiohttp's test server): signed links, scopes, pages and downloads."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import signal
import subprocess
import time
import zipfile
from types import SimpleNamespace

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.service import DebateService
from bot.storage.sqlite import SQLiteStore
from bot.web.app import Access, make_app
from bot.web.links import LinkSigner

from .serve_process import start_serve

SECRET = "web-test-secret-0123456789abcdef"
TOPIC = "school-uniforms"
XSS = "<script>alert('pwned')</script>"
LONG_WORD = "Uniformsareexpensive" * 6  # one unbroken 120-character word (layout must still fit a phone)


async def populate(service: DebateService) -> dict[str, int]:
    """A class of two students (Alice and Bob), another class (Carol), Alice's DM debate and Dave's on
    another server. Alice's first turn carries a script tag; Bob's a very long word."""
    k = await service.create_class(
        guild_id="100", channel_id="200", name="Year 11 <b>History</b>", topic_id=TOPIC, teacher_id="900"
    )
    other = await service.create_class(
        guild_id="100", channel_id="201", name="Other class", topic_id=TOPIC, teacher_id="901"
    )

    async def debate(user_id, name, messages, *, side="con", guild="100", class_id=None, end=False, seed=1):
        out = await service.start(
            TOPIC, side, seed=seed, user_id=user_id, user_name=name, platform="discord", guild_id=guild,
            channel_id="200", class_id=class_id,
        )  # fmt: skip
        for text in messages:
            await service.say(out.debate.id, text, author=name, author_id=user_id)
        if end:
            await service.command(out.debate.id, "end", author=name)
        return out.debate.id

    ids = {"class": k.id, "other_class": other.id}
    ids["alice"] = await debate(
        "1",
        "Alice",
        [f"Uniforms are expensive, families cannot afford the blazer.\nSecond line {XSS}",
         "Clothes are how teenagers express their identity"],
        class_id=k.id,
    )  # fmt: skip
    ids["bob"] = await debate(
        "2", "Bob", [f"uniforms limit self expression and individuality {LONG_WORD}"], class_id=k.id, end=True
    )
    ids["carol"] = await debate("3", "Carol", ["uniforms cost too much money"], class_id=other.id)
    ids["alice_dm"] = await debate("1", "Alice", ["the blazer is too expensive"], guild=None, seed=2)
    ids["dave"] = await debate("4", "Dave", ["rich and poor wear the same clothes"], side="pro", guild="555", end=True)
    return ids


@pytest.fixture
async def web(tmp_path, mini_library):
    async with SQLiteStore(tmp_path / "web.sqlite3") as store:
        service = DebateService(mini_library, store)
        ids = await populate(service)
        signer = LinkSigner(SECRET, "http://viewer.test")
        async with TestClient(TestServer(make_app(service, signer))) as client:

            async def get(path: str, scope: str | None = None, *, token: str | None = None, **params):
                if token is None and scope is not None:
                    token = signer.sign(scope, 600)
                if token is not None:
                    params["t"] = token
                resp = await client.get(path, params=params, allow_redirects=False)
                body = await resp.read()
                return resp, body

            yield SimpleNamespace(get=get, ids=ids, signer=signer, service=service)


def text(body: bytes) -> str:
    return body.decode("utf-8")


def debate_ids(html: str) -> set[int]:
    """The debates an index page links to."""
    return {int(m) for m in re.findall(r'href="/debates/(\d+)\?', html)}


NAMES = ("Alice", "Bob", "Carol", "Dave", "Year 11", "School uniforms")


def assert_no_data(body: bytes) -> None:
    page = text(body)
    assert "Access denied" in page
    for name in NAMES:
        assert name not in page


# ------------------------------------------------------------------------------------------ refusals
@pytest.mark.parametrize(
    "path", ["/", "/debates/1", "/debates/1/map.png", "/debates/1.json", "/classes/1", "/classes/1.csv"]
)
async def test_unsigned_requests_get_403_without_data(web, path):
    resp, body = await web.get(path)
    assert resp.status == 403
    assert_no_data(body)
    resp, body = await web.get(path, token="")
    assert resp.status == 403


@pytest.mark.parametrize("how", ["other-secret", "swapped-scope", "tampered-mac", "garbage"])
async def test_forged_links_get_403(web, how):
    good = web.signer.sign(f"debate:{web.ids['alice']}", 600)
    if how == "other-secret":
        token = LinkSigner("some-other-secret-0123456789", "http://x").sign("all", 600)
    elif how == "swapped-scope":  # a payload granting everything, with the MAC of a narrower link
        token = LinkSigner("some-other-secret-0123456789", "http://x").sign("all", 600).split(".")[0]
        token += "." + good.split(".")[1]
    elif how == "tampered-mac":
        payload, mac = good.split(".")
        token = payload + "." + ("A" if mac[0] != "A" else "B") + mac[1:]
    else:
        token = "%%%.not-base64"
    for path in ("/", f"/debates/{web.ids['alice']}"):
        resp, body = await web.get(path, token=token)
        assert resp.status == 403, (how, path)
        assert_no_data(body)


async def test_expired_links_get_403(web):
    token = web.signer.sign("all", -1)
    resp, body = await web.get("/", token=token)
    assert resp.status == 403
    assert_no_data(body)
    assert (await web.get("/", token=web.signer.sign("all", 60)))[0].status == 200


async def test_unknown_scopes_get_403(web):
    for scope in ("teacher:900", "debate:abc", "student:100", "class:", "everything"):
        resp, body = await web.get("/", scope)
        assert resp.status == 403, scope
        assert_no_data(body)
    assert Access.parse("student:-:1", "t").guild_id is None


# ------------------------------------------------------------------------------------------ scopes
async def test_admin_link_sees_every_debate_and_class(web):
    resp, body = await web.get("/", "all")
    assert resp.status == 200
    page = text(body)
    assert debate_ids(page) == {web.ids[k] for k in ("alice", "bob", "carol", "alice_dm", "dave")}
    assert f'href="/classes/{web.ids["class"]}?' in page and f'href="/classes/{web.ids["other_class"]}?' in page
    rows = re.findall(r'href="/debates/(\d+)\?', page)
    assert [int(r) for r in rows] == sorted(map(int, rows), reverse=True)  # newest first
    assert (await web.get("/debates/999", "all"))[0].status == 404


async def test_a_student_link_sees_only_that_students_debates(web):
    ids = web.ids
    resp, body = await web.get("/", "student:100:1")
    assert resp.status == 200
    assert debate_ids(text(body)) == {ids["alice"]}  # not her DM debate (another "guild"), nor anyone else's
    assert (await web.get(f"/debates/{ids['alice']}", "student:100:1"))[0].status == 200
    assert (await web.get(f"/debates/{ids['alice']}.md", "student:100:1"))[0].status == 200
    for other in ("bob", "carol", "dave", "alice_dm"):
        resp, body = await web.get(f"/debates/{ids[other]}", "student:100:1")
        assert resp.status == 403, other
        assert_no_data(body)
        assert (await web.get(f"/debates/{ids[other]}/map.png", "student:100:1"))[0].status == 403
        assert (await web.get(f"/debates/{ids[other]}.json", "student:100:1"))[0].status == 403
    # "-": every guild (and DMs)
    resp, body = await web.get("/", "student:-:1")
    assert debate_ids(text(body)) == {ids["alice"], ids["alice_dm"]}
    # another server's link for the same user sees nothing of server 100
    resp, body = await web.get("/", "student:555:1")
    assert debate_ids(text(body)) == set()
    assert (await web.get(f"/debates/{ids['alice']}", "student:555:1"))[0].status == 403
    # no class pages for a student, and a missing debate is a 403 (no hint it does not exist)
    assert (await web.get(f"/classes/{ids['class']}", "student:100:1"))[0].status == 403
    assert (await web.get("/debates/999", "student:100:1"))[0].status == 403


async def test_a_team_member_sees_the_team_debate(web):
    ids = web.ids
    await web.service._store.add_participant(ids["bob"], "7", "Teammate", "con")
    resp, body = await web.get("/", "student:100:7")
    assert debate_ids(text(body)) == {ids["bob"]}
    assert (await web.get(f"/debates/{ids['bob']}", "student:100:7"))[0].status == 200


async def test_a_debate_link_opens_only_that_debate(web):
    ids = web.ids
    scope = f"debate:{ids['alice']}"
    resp, body = await web.get(f"/debates/{ids['alice']}", scope)
    assert resp.status == 200 and "Alice" in text(body)
    assert 'href="/?' not in text(body)  # no link to an index it cannot open
    resp, body = await web.get("/", scope)
    assert resp.status == 403
    assert_no_data(body)
    assert (await web.get("/", scope, student="Bob"))[0].status == 403
    assert (await web.get(f"/debates/{ids['bob']}", scope))[0].status == 403
    assert (await web.get(f"/classes/{ids['class']}", scope))[0].status == 403
    assert (await web.get(f"/classes/{ids['class']}.csv", scope))[0].status == 403


async def test_a_class_link_opens_its_report_csv_zip_and_debates(web):
    ids = web.ids
    scope = f"class:{ids['class']}"
    resp, body = await web.get(f"/classes/{ids['class']}", scope)
    assert resp.status == 200
    page = text(body)
    assert "Year 11 &lt;b&gt;History&lt;/b&gt;" in page  # the class name is escaped too
    assert "Alice" in page and "Bob" in page and "Carol" not in page
    assert "Uniforms are expensive for families" in page  # an argument raised, by title
    assert debate_ids(page) == {ids["alice"], ids["bob"]}

    resp, body = await web.get(f"/classes/{ids['class']}.csv", scope)
    assert resp.status == 200 and resp.content_type == "text/csv"
    assert f'filename="class-{ids["class"]}.csv"' in resp.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(text(body))))
    assert sorted(r["student"] for r in rows) == ["Alice", "Bob"]
    assert {r["finished"] for r in rows} == {"yes", "no"}

    resp, body = await web.get(f"/classes/{ids['class']}.zip", scope)
    assert resp.status == 200 and resp.content_type == "application/zip"
    names = set(zipfile.ZipFile(io.BytesIO(body)).namelist())
    prefix = f"class-{ids['class']}/"
    expected = {f"{prefix}class-{ids['class']}.csv"}
    expected |= {f"{prefix}debate-{ids[s]}.{fmt}" for s in ("alice", "bob") for fmt in ("md", "html", "json", "csv")}
    assert names == expected

    resp, body = await web.get("/", scope)
    assert resp.status == 200 and debate_ids(text(body)) == {ids["alice"], ids["bob"]}
    assert (await web.get(f"/debates/{ids['bob']}", scope))[0].status == 200
    for other in ("carol", "dave", "alice_dm"):
        assert (await web.get(f"/debates/{ids[other]}", scope))[0].status == 403, other
    assert (await web.get(f"/classes/{ids['other_class']}", scope))[0].status == 403
    assert (await web.get(f"/classes/{ids['other_class']}.zip", scope))[0].status == 403
    assert (await web.get("/classes/999", "all"))[0].status == 404


# ------------------------------------------------------------------------------------------ pages
async def test_the_transcript_page_escapes_user_text_and_shows_the_analysis(web):
    resp, body = await web.get(f"/debates/{web.ids['alice']}", "all")
    assert resp.status == 200 and resp.content_type == "text/html"
    page = text(body)
    assert "<script" not in page.lower()  # no script of ours, and the user's is escaped
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in page
    assert "the blazer.<br>\nSecond line" in page  # line breaks kept
    assert "Uniforms are expensive for families" in page and "(score " in page  # claims detected, with scores
    assert re.search(r'<span class="what">rebuttal</span> <code>cost\.r\d</code> answers', page)
    assert re.search(r'<span class="what">argument</span> <code>\w+\.a\d</code> for', page)
    assert (
        '<a href="https://example.org/smith" rel="noreferrer noopener">Smith, A. Uniforms and Schools. 2020.</a>'
        in page
    )
    assert "Scorecard" in page and "Claims made: " in page and "To cite, name an author" in page
    img = re.search(r'<img src="(/debates/\d+/map\.png\?t=[^"]+)" alt="([^"]+)"', page)
    assert img and "Argument map of debate" in img.group(2)
    for fmt in ("md", "html", "json", "csv"):
        assert f'href="/debates/{web.ids["alice"]}.{fmt}?t=' in page
    # the class name links to the report only for a link that may open it
    assert f'href="/classes/{web.ids["class"]}?' in page
    resp, body = await web.get(f"/debates/{web.ids['alice']}", "student:100:1")
    assert "/classes/" not in text(body)


async def test_every_link_on_a_page_keeps_the_token(web):
    token = web.signer.sign("all", 600)
    for path in ("/", f"/debates/{web.ids['alice']}", f"/classes/{web.ids['class']}"):
        page = text((await web.get(path, token=token))[1])
        internal = re.findall(r'(?:href|src)="(/[^"]*)"', page)
        assert internal, path
        for link in internal:
            assert f"t={token}" in link, link
        assert f'<input type="hidden" name="t" value="{token}">' in page or path != "/"


async def test_index_filters(web):
    ids = web.ids

    async def shown(**params):
        resp, body = await web.get("/", "all", **params)
        assert resp.status == 200
        return debate_ids(text(body))

    assert await shown(**{"class": str(ids["class"])}) == {ids["alice"], ids["bob"]}
    assert await shown(student="ali") == {ids["alice"], ids["alice_dm"]}
    assert await shown(student="4") == {ids["dave"]}  # a user id
    assert await shown(topic=TOPIC) == set(ids[k] for k in ("alice", "bob", "carol", "alice_dm", "dave"))
    assert await shown(topic="nope") == set()
    today = time.strftime("%Y-%m-%d", time.gmtime())
    assert len(await shown(**{"from": today, "to": today})) == 5
    assert await shown(to="2000-01-01") == set()
    resp, body = await web.get("/", "all", **{"from": "yesterday"})
    assert resp.status == 200 and "Ignored the from date" in text(body)
    # a class link cannot widen itself with the class filter
    resp, body = await web.get("/", f"class:{ids['class']}", **{"class": str(ids["other_class"])})
    assert debate_ids(text(body)) == set()


async def test_downloads(web):
    d = web.ids["alice"]
    expected = {"md": "text/markdown", "html": "text/html", "json": "application/json", "csv": "text/csv"}
    for fmt, ctype in expected.items():
        resp, body = await web.get(f"/debates/{d}.{fmt}", f"debate:{d}")
        assert resp.status == 200, fmt
        assert resp.content_type == ctype
        assert resp.headers["Content-Disposition"] == f'attachment; filename="debate-{d}.{fmt}"'
        _record, same = await web.service.transcript(d, fmt)
        assert text(body) == same
    data = json.loads(text((await web.get(f"/debates/{d}.json", "all"))[1]))
    assert data["debate"]["id"] == d and data["turns"][1]["text"].endswith(XSS)
    assert (await web.get(f"/debates/{d}.pdf", "all"))[0].status == 404


async def test_argument_map_png(web):
    resp, body = await web.get(f"/debates/{web.ids['alice']}/map.png", f"debate:{web.ids['alice']}")
    assert resp.status == 200 and resp.content_type == "image/png"
    assert body[:8] == b"\x89PNG\r\n\x1a\n" and len(body) > 1000


async def test_security_headers_and_read_only(web):
    resp, _ = await web.get("/", "all")
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script" not in csp  # no script source allowed at all
    assert resp.headers["Referrer-Policy"] == "no-referrer"  # the token never leaks to a source's site
    assert resp.headers["Cache-Control"] == "no-store"
    assert (await web.get("/", token=""))[0].headers["X-Frame-Options"] == "DENY"


# ------------------------------------------------------------------------------------------ the command


def test_serve_stops_on_ctrl_c(tmp_path):
    """`counterpoint serve` prints an admin link, keeps a generated secret beside the database, and Ctrl-C
    (SIGINT) ends it with exit code 0. The viewer opens an existing log read-only (it creates none)."""
    asyncio.run(SQLiteStore(tmp_path / "x.sqlite3").open_and_close())
    proc, port, link = start_serve(tmp_path / "x.sqlite3", tmp_path)
    try:
        assert link.startswith(f"http://127.0.0.1:{port}/?t="), (link, proc.stderr.read() if not link else "")
        secret = tmp_path / "x.sqlite3.websecret"  # generated, private, beside the database
        assert secret.stat().st_mode & 0o777 == 0o600
        assert LinkSigner(secret.read_bytes(), "http://x").verify(link.split("t=")[1]) == "all"
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise AssertionError(f"serve did not stop on SIGINT; stderr: {proc.communicate()[1]}") from None
        assert code == 0
        assert "Stopped." in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


async def test_each_citation_in_a_reply_links_to_its_entry_in_the_source_list(web):
    resp, body = await web.get(f"/debates/{web.ids['alice']}", "all")
    page = text(body)
    anchors = set(re.findall(r'<a class="cite" href="#(src-[\w.-]+)">[^<]+</a>', page))
    assert anchors, "no citation linked"
    for anchor in anchors:
        assert f'<li id="{anchor}">' in page  # the entry in the page's source list
    assert "(smith-2020" not in page and "smith-2020)" not in page


async def test_a_debate_on_an_uploaded_topic_shows_its_version(web):
    from bot.topic_files import starter_topic_text

    await web.service.upload_topic("g1", starter_topic_text(), "homework.yaml", "t1")
    d = (await web.service.start("homework-debate", "keep", seed=1, guild_id="g1", platform="discord")).debate
    resp, body = await web.get(f"/debates/{d.id}", "all")
    page = text(body)
    assert resp.status == 200 and "Homework should be abolished in secondary schools" in page
    assert "uploaded by a teacher: version 1, uploaded 20" in page
    _, index = await web.get("/", "all")
    assert "Homework should be abolished in secondary schools" in text(index)  # the motion, not the id
    _, shipped = await web.get(f"/debates/{web.ids['alice']}", "all")
    assert "school-uniforms</code>, built in" in text(shipped)
