"""Wording from `resources/letters/*.j2`: Jinja2 renders the read model, then a small line
format turns the text into flowables, so an agency edits wording without touching code.

Line format of the rendered text:
    # Heading / ## Subheading        a heading line
    - text                           a bullet
    - [x] text / - [ ] text          a checklist line, ticked or open
    [[name]]                         a block the document builds in code (a table, signatures)
    other lines                      a paragraph; a single newline is a line break, a blank line
                                     ends the paragraph. ReportLab markup (<b>, <i>) may be used
                                     in the template text; values are XML-escaped (autoescape).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from reportlab.platypus import Flowable

from caseapp.docs import text
from caseapp.docs.flowables import check_item, rich
from caseapp.paths import resource_path

_BLOCK = re.compile(r"^\[\[([a-z][a-z0-9_-]*)\]\]$")
_CHECK = re.compile(r"^- \[([ xX])\] (.*)$")


@functools.cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(resource_path("letters"))),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        date=text.fmt_date,
        longdate=lambda d: text.fmt_date(d, long=True),
        china_time=text.fmt_datetime_china,
        money=text.fmt_money,
        day=text.fmt_day,
        sex=text.fmt_sex,
        pct=text.fmt_pct,
        join_and=text.join_and,
        person=text.person_of,
        sentence=text.sentence_case,
        plus_days=lambda d, n: d + timedelta(days=n) if d else None,
    )
    env.globals.update(place=text.place_line)
    return env


def render_text(template_name: str, data: object) -> str:
    """Render a template with the read model's fields as its variables (and nothing else)."""
    if not dataclasses.is_dataclass(data) or isinstance(data, type):
        raise TypeError(f"A letter template takes a read model, not {type(data).__name__}")
    fields: dict[str, Any] = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
    return environment().get_template(template_name).render(**fields)


def render_story(
    template_name: str,
    data: object,
    blocks: Mapping[str, Flowable | Sequence[Flowable]] | None = None,
) -> list[Flowable]:
    return story_from_text(render_text(template_name, data), blocks or {})


def story_from_text(
    rendered: str, blocks: Mapping[str, Flowable | Sequence[Flowable]]
) -> list[Flowable]:
    story: list[Flowable] = []
    lines: list[str] = []

    def flush() -> None:
        if lines:
            story.append(rich(text.cjk("<br/>".join(lines))))
            lines.clear()

    for raw in rendered.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif block := _BLOCK.match(line):
            flush()
            name = block.group(1)
            if name not in blocks:
                known = ", ".join(sorted(blocks)) or "none"
                raise ValueError(f"Unknown block [[{name}]] in letter template (known: {known}).")
            found = blocks[name]
            if story:
                story[-1].keepWithNext = 1  # the line before a block introduces it
            story.extend([found] if isinstance(found, Flowable) else found)
        elif line.startswith("## "):
            flush()
            story.append(rich(text.cjk(line[3:]), "h2"))
        elif line.startswith("# "):
            flush()
            story.append(rich(text.cjk(line[2:]), "h1"))
        elif check := _CHECK.match(line):
            flush()
            story.append(check_item(check.group(1) != " ", text.cjk(check.group(2))))
        elif line.startswith("- "):
            flush()
            story.append(rich(text.cjk(line[2:]), "bullet", bullet="•"))
        else:
            lines.append(line)
    flush()
    return story
