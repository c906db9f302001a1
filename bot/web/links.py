"""Signed links to the web viewer: HMAC-SHA256 over a scope and an expiry, no server-side sessions.

Scopes: ``all`` (everything; made by the CLI), ``debate:<id>`` (one transcript), ``student:<guild or ->:<user>``
(that student's debates), ``class:<id>`` (a class report and its debates).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import time
from pathlib import Path

from ..domain.errors import CounterpointError


class InvalidLink(CounterpointError):
    """A forged, malformed or expired link."""


_TOKEN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class LinkSigner:
    def __init__(self, secret: bytes | str, base_url: str):
        self._secret = secret.encode("utf-8") if isinstance(secret, str) else secret
        if len(self._secret) < MIN_SECRET:
            raise ValueError(f"the link secret must be at least {MIN_SECRET} bytes")
        self.base_url = base_url.rstrip("/")

    def __repr__(self) -> str:
        return f"LinkSigner(base_url={self.base_url!r})"  # never the secret

    def sign(self, scope: str, ttl: int) -> str:
        payload = _b64(json.dumps({"s": scope, "e": int(time.time()) + int(ttl)}, separators=(",", ":")).encode())
        mac = hmac.new(self._secret, payload.encode("ascii"), hashlib.sha256).digest()
        return f"{payload}.{_b64(mac)}"

    def verify(self, token: str, now: float | None = None) -> str:
        """The scope of a genuine, unexpired token. A token has one spelling: unpadded URL-safe base64 in
        its canonical form (no ``=``, no spare bits set in the last character)."""
        try:
            if not _TOKEN.fullmatch(token):
                raise InvalidLink("this link is not valid")
            payload, mac = token.split(".", 1)
            if _b64(_unb64(payload)) != payload or _b64(_unb64(mac)) != mac:
                raise InvalidLink("this link is not valid")
            expected = hmac.new(self._secret, payload.encode("ascii"), hashlib.sha256).digest()
            if not hmac.compare_digest(expected, _unb64(mac)):
                raise InvalidLink("this link is not valid")
            data = json.loads(_unb64(payload))
            scope, expiry = data["s"], int(data["e"])
        except InvalidLink:
            raise
        except (ValueError, KeyError, TypeError, UnicodeError) as exc:
            raise InvalidLink("this link is not valid") from exc
        if (time.time() if now is None else now) > expiry:
            raise InvalidLink("this link has expired")
        if not isinstance(scope, str):
            raise InvalidLink("this link is not valid")
        return scope

    def url(self, scope: str, ttl: int) -> str:
        token = self.sign(scope, ttl)
        kind, _, rest = scope.partition(":")
        if kind == "debate":
            return f"{self.base_url}/debates/{rest}?t={token}"
        if kind == "class":
            return f"{self.base_url}/classes/{rest}?t={token}"
        return f"{self.base_url}/?t={token}"


MIN_SECRET = 16


def load_secret(settings) -> bytes:
    """settings.web_secret, else a random secret kept (mode 0600) beside the database and reused.

    The file appears complete or not at all (written to a temporary file, then linked into place), so a
    process starting at the same moment never reads it half-written; every error about it names the file.
    """
    if settings.web_secret:
        secret = settings.web_secret.encode("utf-8")
        if len(secret) < MIN_SECRET:
            raise ValueError(f"COUNTERPOINT_WEB_SECRET must be at least {MIN_SECRET} bytes")
        return secret
    path = Path(f"{settings.db_path}.websecret")
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_urlsafe(32).encode("ascii"))
                fh.flush()
                os.fsync(fh.fileno())
            with contextlib.suppress(FileExistsError):  # another process (the bot, the viewer) made it first
                os.link(tmp, path)  # atomic, and never replaces a secret already there
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        raise ValueError(f"cannot create the link secret file {path}: {exc.strerror or exc}") from None
    return _read_secret(path)


def _read_secret(path: Path) -> bytes:
    try:
        secret = path.read_bytes().strip()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ValueError(f"cannot read the link secret file {path}: {exc.strerror or exc}") from None
    if len(secret) < MIN_SECRET:
        raise ValueError(
            f"the link secret file {path} holds {len(secret)} bytes, fewer than {MIN_SECRET}: delete it (a new "
            "secret is made; links given out before stop working) or set COUNTERPOINT_WEB_SECRET"
        )
    return secret
