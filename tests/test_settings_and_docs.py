"""Settings, the README's quick start and CI script."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parent.parent


def test_environment_wins_over_config_file(tmp_path):
    conf = tmp_path / "c.toml"
    conf.write_text('db = "/from/config.sqlite3"\nrounds = 2\nturn_limit = 900\n')
    s = Settings.load({"COUNTERPOINT_DB": "/from/env.sqlite3"}, config_file=conf)
    assert s.db_path == Path("/from/env.sqlite3")
    assert s.default_rounds == 2 and s.turn_limit == 900 and s.config_file == conf


def test_defaults_without_anything(tmp_path):
    s = Settings.load({"XDG_DATA_HOME": str(tmp_path)}, config_file=None)
    assert s.db_path.name == "counterpoint.sqlite3"
    assert (s.topics_dir / "great-purges.yaml").is_file()
    assert s.default_rounds is None and s.discord_token is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"COUNTERPOINT_ROUNDS": "0"}, "rounds must be between 1 and 10"),
        ({"COUNTERPOINT_TURN_LIMIT": "lots"}, "turn_limit must be a whole number"),
        ({"COUNTERPOINT_CONFIG": "/nonexistent/c.toml"}, "not found"),
    ],
)
def test_bad_settings(env, message):
    with pytest.raises(SettingsError, match=message):
        Settings.load(env)


def test_bad_config_file(tmp_path):
    conf = tmp_path / "c.toml"
    conf.write_text("db = \n")
    with pytest.raises(SettingsError, match=str(conf)):
        Settings.load({}, config_file=conf)


def test_token_never_in_repr():
    s = Settings.load({"DISCORD_TOKEN": "secret-token-123"})
    assert s.discord_token == "secret-token-123"
    assert "secret-token-123" not in repr(s) and "secret-token-123" not in str(s)


def test_readme_quick_start_is_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.+?)\n```", quick, re.S)
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    assert "counterpoint debate" in commands[0] and "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "test-command" in ci  # CI takes the command from the README
    extracted = subprocess.run(
        [
            "bash",
            "-c",
            "sed -n '/<!-- test-command -->/,/<!-- \\/test-command -->/p' README.md "
            "| grep -v -e '<!--' -e '^```' | head -n 1",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert extracted == commands[1]


def test_shard_settings(tmp_path):
    s = Settings.load({"COUNTERPOINT_SHARD_COUNT": "4", "COUNTERPOINT_SHARD_IDS": "2, 3"}, config_file=None)
    assert (s.shard_count, s.shard_ids) == (4, (2, 3))
    for bad in ({"COUNTERPOINT_SHARD_IDS": "1"}, {"COUNTERPOINT_SHARD_COUNT": "2", "COUNTERPOINT_SHARD_IDS": "2"},
                {"COUNTERPOINT_SHARD_COUNT": "2", "COUNTERPOINT_SHARD_IDS": "a,b"}):  # fmt: skip
        with pytest.raises(SettingsError):
            Settings.load(bad, config_file=None)


def _browser_tests_without_chromium(tmp_path, **env):
    """tests/test_web_browser.py in a child pytest, with Chromium pointed at a path that does not exist."""
    import os
    import sys

    child = {k: v for k, v in os.environ.items() if k != "CI"}
    child.update(COUNTERPOINT_CHROMIUM=str(tmp_path / "no-chromium"), **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_web_browser.py"],
        cwd=ROOT,
        env=child,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_browser_tests_skip_with_a_reason_without_chromium_outside_ci(tmp_path):
    res = _browser_tests_without_chromium(tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    summary = res.stdout.strip().splitlines()
    total = re.fullmatch(r"(\d+) skipped in [\d.]+s", summary[-1])
    assert total and int(total[1]) >= 5, summary[-1]  # every browser test, nothing run, nothing failed
    reasons = [line for line in summary if line.startswith("SKIPPED")]
    assert len(reasons) == 1 and reasons[0].startswith(f"SKIPPED [{total[1]}] "), reasons  # one line, counted
    assert "no-chromium not found" in reasons[0] and "apt-get install chromium" in reasons[0]


def test_browser_tests_fail_without_chromium_in_ci(tmp_path):
    res = _browser_tests_without_chromium(tmp_path, CI="1")
    assert res.returncode == 1, res.stdout + res.stderr
    assert "no-chromium not found" in res.stdout
    assert "skipped" not in res.stdout.strip().splitlines()[-1]
