"""Markup helpers and the letter-template line format."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import jinja2
import pytest
from reportlab.platypus import Paragraph

from caseapp.docs import text
from caseapp.docs.templates import environment, render_text, story_from_text
from tests.docs import sample


def test_cjk_runs_switch_font_and_text_is_escaped() -> None:
    assert text.markup("Hospital 黄浦江 & <Co>") == (
        'Hospital <font name="CaseCJK">黄浦江</font> &amp; &lt;Co&gt;'
    )
    assert text.markup("line one\nline two") == "line one<br/>line two"
    assert text.has_cjk("上海") and not text.has_cjk("Shanghai")


def test_formats() -> None:
    assert text.fmt_date(date(2026, 3, 2)) == "2 Mar 2026"
    assert text.fmt_date(date(2026, 3, 2), long=True) == "2 March 2026"
    assert text.fmt_date(None) == "—"
    # 23:30 UTC is 07:30 the next morning in China
    assert text.fmt_datetime_china(datetime(2026, 3, 2, 23, 30, tzinfo=UTC)) == (
        "Tue 3 Mar 2026, 07:30"
    )
    assert text.fmt_money(Decimal("1234567.005"), "CNY") == "CNY 1,234,567.01"
    assert [text.fmt_day(d) for d in (-5, 0, 28)] == ["-5", "0", "+28"]


def test_line_format_builds_headings_bullets_checks_and_blocks() -> None:
    marker = Paragraph("block", text_style())
    story = story_from_text(
        "# Title\nFirst line\nsecond line\n\n- a bullet\n- [x] done\n- [ ] open\n[[table]]\n",
        {"table": marker},
    )
    kinds = [getattr(f, "style", None) and f.style.name for f in story]
    assert kinds == ["h1", "body", "bullet", "check", "check", "body"]
    assert story[1].text == "First line<br/>second line"
    assert "☑" in story[3].text and "☐" in story[4].text
    assert story[-1] is marker
    assert story[-2].getKeepWithNext()  # the line before a block stays with it


def text_style():  # type: ignore[no-untyped-def]
    from caseapp.docs.style import stylesheet

    return stylesheet()["body"]


def test_unknown_block_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"Unknown block \[\[nope\]\]"):
        story_from_text("[[nope]]", {})


def test_templates_autoescape_and_refuse_unknown_names() -> None:
    env = environment()
    assert env.from_string("{{ x }}").render(x="<b>&") == "&lt;b&gt;&amp;"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ case.no_such_field }}").render(case=sample.CASE)


@pytest.mark.parametrize(
    "template",
    [
        "visa-invitation-request.j2",
        "referral-cover.j2",
        "local-physician-handoff.j2",
        "pretravel-checklist.j2",
        "discharge-checklist.j2",
    ],
)
def test_every_template_renders_from_its_read_model(template: str) -> None:
    data = {
        "visa-invitation-request.j2": sample.visa_letter,
        "referral-cover.j2": sample.referral,
        "local-physician-handoff.j2": sample.handoff,
        "pretravel-checklist.j2": sample.pretravel,
        "discharge-checklist.j2": sample.discharge,
    }[template]()
    rendered = render_text(template, data)
    assert "2026" in rendered  # dates of this case, not placeholder text
    assert "{{" not in rendered and "{%" not in rendered
