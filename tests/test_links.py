"""Signed links: what a link grants is in its scope; a forged, altered or expired link is refused."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.web.links import InvalidLink, LinkSigner, load_secret

SIGNER = LinkSigner("a-test-secret-of-enough-length", "http://127.0.0.1:8080/")


def test_sign_and_verify_round_trip():
    assert SIGNER.verify(SIGNER.sign("student:1:42", 60)) == "student:1:42"
    assert SIGNER.url("debate:7", 60).startswith("http://127.0.0.1:8080/debates/7?t=")
    assert SIGNER.url("class:3", 60).startswith("http://127.0.0.1:8080/classes/3?t=")


@pytest.mark.parametrize("mangle", ["other-secret", "swap-scope", "garbage", "empty"])
def test_forged_links_are_refused(mangle):
    token = SIGNER.sign("debate:1", 60)
    if mangle == "other-secret":
        token = LinkSigner("another-secret-of-enough-length", "http://x").sign("all", 60)
    elif mangle == "swap-scope":
        token = (
            LinkSigner("another-secret-of-enough-length", "http://x").sign("all", 60).split(".")[0]
            + "."
            + token.split(".")[1]
        )
    elif mangle == "garbage":
        token = "not.a-token"
    else:
        token = ""
    with pytest.raises(InvalidLink):
        SIGNER.verify(token)


def test_expired_links_are_refused():
    token = SIGNER.sign("all", 60)
    with pytest.raises(InvalidLink, match="expired"):
        SIGNER.verify(token, now=time.time() + 61)


def test_secret_is_generated_once_private_and_never_in_a_repr(tmp_path):
    settings = Settings(db_path=tmp_path / "c.sqlite3", topics_dir=Path("."))
    first = load_secret(settings)
    assert load_secret(settings) == first and len(first) >= 32
    mode = stat.S_IMODE((tmp_path / "c.sqlite3.websecret").stat().st_mode)
    assert mode == 0o600
    assert first.decode() not in repr(LinkSigner(first, "http://x"))
    assert "zzz-secret" not in repr(Settings(db_path=Path("x"), topics_dir=Path("."), web_secret="zzz-secret"))
