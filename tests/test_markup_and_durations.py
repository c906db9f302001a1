"""The shared text helpers every adapter uses: the bot's markup (bot/domain/markup.py) and durations
(bot/domain/durations.py)."""

from __future__ import annotations

import pytest

from bot.domain.durations import duration, duration_words
from bot.domain.markup import BOLD, ITALIC, plain, spans, to_html


def test_spans_split_bold_and_italic_and_drop_the_markers():
    assert list(spans("**Point.** Then _this_ and more")) == [
        (BOLD, "Point."), (None, " Then "), (ITALIC, "this"), (None, " and more"),
    ]  # fmt: skip
    assert plain("**Point.** _Opening, round 1_") == "Point. Opening, round 1"


@pytest.mark.parametrize(
    "text",
    ["snake_case_names stay", "2 * 3 * 4", "a ** lone marker", "file_name.txt", "_unclosed", ""],
)
def test_text_that_is_not_markup_is_left_alone(text):
    assert plain(text) == text


def test_to_html_tags_runs_of_text_already_escaped():
    assert to_html("**a &lt;b&gt;** _c_") == "<strong>a &lt;b&gt;</strong> <em>c</em>"
    assert to_html("no markup") == "no markup"


@pytest.mark.parametrize(
    ("seconds", "short"), [(0, "0 s"), (45, "45 s"), (119.6, "2 min"), (119.4, "119 s"), (840, "14 min"), (-3, "0 s")]
)
def test_duration_short_form(seconds, short):
    assert duration(seconds) == short


@pytest.mark.parametrize(
    ("seconds", "words"), [(60, "1 minute"), (300, "5 minutes"), (90, "90 seconds"), (1, "1 second"), (0, "0 seconds")]
)
def test_duration_in_words(seconds, words):
    assert duration_words(seconds) == words
