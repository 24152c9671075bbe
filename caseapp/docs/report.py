"""The management report: the pipeline report's figures as charts and tables on A4 pages.

It takes the report as plain data, the dict `services.report_export.report_to_json` returns (the
JSON export), so the PDF states exactly what the JSON and CSV state. Charts are drawn with
reportlab.graphics; tables and type come from the shared stylesheet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph

from caseapp.docs.data import DocumentSettings
from caseapp.docs.flowables import data_table, heading, para, title_block
from caseapp.docs.style import (
    ACCENT,
    BAD,
    BODY,
    GOOD,
    MUTED,
    RULE,
    WARN,
    PdfDocument,
    stylesheet,
)
from caseapp.docs.text import DASH, fmt_date

TITLE = "Pipeline report"
MAX_STALLED_ROWS = 40
MAX_DEADLINE_ROWS = 60
GROUP_COLOURS = {"open": ACCENT, "closed": GOOD, "exit": BAD}
MOVE_COLOURS = {
    "opened": colors.HexColor("#0b4f6c"),
    "advanced": colors.HexColor("#4f9bbd"),
    "closed": GOOD,
    "declined": BAD,
    "withdrawn": WARN,
}
ESTIMATED_COLOUR = colors.HexColor("#9fc3d4")
ACTUAL_COLOUR = ACCENT
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# ---- formatting ----------------------------------------------------------------------------


def _day(iso: str | None) -> str:
    return fmt_date(date.fromisoformat(iso)) if iso else DASH


def _month_short(label: str) -> str:
    year, month = label.split("-")
    return f"{_MONTH_ABBR[int(month) - 1]} {year[2:]}"


def _days(value: float | None) -> str:
    if value is None:
        return DASH
    return f"{value:g}"


def _cny(text: str) -> str:
    return f"{Decimal(text):,.0f}"


def _compact_money(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if abs(value) >= 1_000:
        return f"{value / 1_000:.0f}k"
    return f"{value:.0f}"


def _integer_axis(value: float) -> str:
    return f"{value:.0f}"


# ---- charts --------------------------------------------------------------------------------


def bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], colors.Color]],
    *,
    width: float,
    height: float,
    bar_colours: Sequence[colors.Color] | None = None,
    value_format: Callable[[float], str] = _integer_axis,
    labels_on_bars: bool = False,
    angle: int = 0,
) -> Drawing:
    """A vertical bar chart in the house type; several series are grouped, with a legend.

    `bar_colours` colours the bars of a single series one by one (open stages vs exits).
    """
    legend_h = 14 if len(series) > 1 else 0
    bottom = 30 if angle else 18
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 34, bottom
    chart.width, chart.height = width - 44, height - bottom - legend_h - 8
    chart.data = [list(values) for _, values, _ in series]
    chart.categoryAxis.categoryNames = list(categories)
    chart.categoryAxis.labels.fontName = BODY
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.fillColor = MUTED
    if angle:
        chart.categoryAxis.labels.angle = angle
        chart.categoryAxis.labels.boxAnchor = "ne"
        chart.categoryAxis.labels.dx = 4
        chart.categoryAxis.labels.dy = -2
    chart.categoryAxis.strokeColor = RULE
    chart.valueAxis.labels.fontName = BODY
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labels.fillColor = MUTED
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.gridStrokeWidth = 0.3
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = value_format
    top = max((v for _, values, _ in series for v in values), default=0)
    if top <= 4:
        chart.valueAxis.valueMax = 5
        chart.valueAxis.valueStep = 1
    chart.barSpacing = 1
    chart.groupSpacing = 6 if len(series) > 1 else 8
    for i, (_, _, colour) in enumerate(series):
        chart.bars[i].fillColor = colour
        chart.bars[i].strokeColor = None
    if bar_colours:
        for j, colour in enumerate(bar_colours):
            chart.bars[(0, j)].fillColor = colour
    if labels_on_bars:
        chart.barLabelFormat = "%d"
        chart.barLabels.fontName = BODY
        chart.barLabels.fontSize = 7
        chart.barLabels.fillColor = colors.black
        chart.barLabels.nudge = 6
    drawing.add(chart)
    if len(series) > 1:
        legend = Legend()
        legend.x, legend.y = chart.x, height - 6
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.deltax = 70
        legend.dx = legend.dy = 7
        legend.fontName = BODY
        legend.fontSize = 7.5
        legend.colorNamePairs = [(colour, name) for name, _, colour in series]
        legend.boxAnchor = "nw"
        legend.strokeWidth = 0
        legend.strokeColor = None
        drawing.add(legend)
    return drawing


def empty_chart(text: str, *, width: float, height: float = 30) -> Drawing:
    drawing = Drawing(width, height)
    drawing.add(String(0, height / 2, text, fontName=BODY, fontSize=8.5, fillColor=MUTED))
    return drawing


# ---- the story -----------------------------------------------------------------------------


def _filters_text(data: Mapping[str, Any]) -> str:
    f = data.get("filters", {})
    parts = []
    if f.get("program"):
        parts.append(f"program {f['program']}")
    if f.get("owner"):
        parts.append(f"owner {f['owner']}")
    if f.get("nationality"):
        parts.append(f"nationality {f['nationality']}")
    return ", ".join(parts) if parts else "all programs, owners and nationalities"


def _stages_section(data: Mapping[str, Any], width: float) -> list[Flowable]:
    rows = data["cases_per_stage"]
    total_open = sum(r["count"] for r in rows if r["group"] == "open")
    exits = {r["stage"]: r["count"] for r in rows if r["group"] != "open"}
    chart = bar_chart(
        [r["stage"] for r in rows],
        [("Cases", [r["count"] for r in rows], ACCENT)],
        width=width,
        height=55 * mm,
        bar_colours=[GROUP_COLOURS[r["group"]] for r in rows],
        labels_on_bars=True,
    )
    summary = (
        f"{total_open} open cases; {exits.get('closed', 0)} closed, "
        f"{exits.get('declined', 0)} declined and {exits.get('withdrawn', 0)} withdrawn. "
        "Blue bars are open stages, green completed cases, red the exits."
    )
    return [heading("Where cases stand"), para(summary), chart]


def _time_section(data: Mapping[str, Any], width: float) -> list[Flowable]:
    rows = [
        [
            r["stage"],
            str(r["stays"]),
            str(r["current"]),
            _days(r["median_days"]),
            _days(r["p90_days"]),
            str(r["threshold"]),
            str(r["stalled"]) if r["stalled"] else DASH,
        ]
        for r in data["time_in_stage"]
    ]
    return [
        heading("Time in stage"),
        para(
            "Days per stay, from the stage history; stays still running count up to today. "
            "A case is stalled when its current stay is longer than the stage's threshold."
        ),
        data_table(
            ["Stage", "Stays", "In stage now", "Median days", "90th pct days", "Threshold",
             "Stalled"],
            rows,
            [2.2, 1.2, 1.5, 1.5, 1.6, 1.4, 1.2],
            width=width,
            right=(1, 2, 3, 4, 5, 6),
        ),
    ]  # fmt: skip


def _stalled_section(data: Mapping[str, Any], width: float) -> list[Flowable]:
    cases = data["stalled_cases"]
    out: list[Flowable] = [heading(f"Stalled cases ({len(cases)})")]
    if not cases:
        return [*out, para("No case is over its stage's threshold.")]
    out.append(para("Oldest first."))
    rows = [
        [c["ref"], c["patient"], c["stage"], str(c["days"]), str(c["threshold"]), c["owner_name"]]
        for c in cases[:MAX_STALLED_ROWS]
    ]
    out.append(
        data_table(
            ["Case", "Patient", "Stage", "Days", "Threshold", "Owner"],
            rows,
            [1.7, 3.0, 1.6, 1.0, 1.3, 2.4],
            width=width,
            right=(3, 4),
        )
    )
    if len(cases) > MAX_STALLED_ROWS:
        out.append(
            para(
                f"… and {len(cases) - MAX_STALLED_ROWS} more; the CSV and JSON exports list "
                "every stalled case.",
                "small",
            )
        )
    return out


def _deadline_section(data: Mapping[str, Any], width: float) -> list[Flowable]:
    items = data["deadlines"]
    overdue = sum(1 for d in items if d["overdue"])
    out: list[Flowable] = [
        heading(f"Deadlines: next 14 days and overdue ({len(items)})"),
    ]
    if not items:
        return [*out, para("Nothing is due in the next 14 days and nothing is overdue.")]
    out.append(para(f"{overdue} overdue, marked in red; the rest fall due by the date shown."))
    style = stylesheet()["cell"]
    rows: list[list[str | Flowable]] = []
    for d in items[:MAX_DEADLINE_ROWS]:
        when = _day(d["date"])
        rows.append(
            [
                Paragraph(f'<font color="#b42318"><b>{when}</b></font>', style)
                if d["overdue"]
                else when,
                d["kind"],
                d["ref"],
                d["patient"],
                d["detail"],
            ]
        )
    out.append(
        data_table(
            ["Date", "Kind", "Case", "Patient", "What"],
            rows,
            [1.6, 1.4, 1.6, 2.4, 4.0],
            width=width,
        )
    )
    if len(items) > MAX_DEADLINE_ROWS:
        out.append(
            para(
                f"… and {len(items) - MAX_DEADLINE_ROWS} more in the CSV and JSON exports.",
                "small",
            )
        )
    return out


def _workload_section(data: Mapping[str, Any], width: float) -> list[Flowable]:
    stages = [r["stage"] for r in data["time_in_stage"]]
    rows: list[list[str | Flowable]] = [
        [w["owner_name"], *(str(w[s]) if w[s] else DASH for s in stages), str(w["total"])]
        for w in data["workload"]
    ]
    if rows:
        totals = [sum(w[s] for w in data["workload"]) for s in stages]
        rows.append(["All owners", *(str(t) for t in totals), str(sum(totals))])
    short = {"eligibility": "eligib.", "interpreters": "interp.", "treatment": "treatm.",
             "followup": "follow."}  # fmt: skip
    return [
        heading("Workload: open cases per owner"),
        data_table(
            ["Owner", *(short.get(s, s) for s in stages), "Total"],
            rows,
            [2.6] + [1.0] * len(stages) + [0.9],
            width=width,
            right=range(1, len(stages) + 2),
            footer_rows=1 if rows else 0,
        ),
    ]


def _throughput_section(data: Mapping[str, Any], width: float) -> list[Flowable]:
    months = data["throughput"]["months"]
    kinds = ("opened", "advanced", "closed", "declined", "withdrawn")
    chart = bar_chart(
        [_month_short(m["month"]) for m in months],
        [(k, [m[k] for m in months], MOVE_COLOURS[k]) for k in kinds],
        width=width,
        height=62 * mm,
        angle=30 if len(months) > 8 else 0,
    )
    rows = [[m["month"], *(str(m[k]) if m[k] else DASH for k in kinds)] for m in months]
    rows.append(["Total", *(str(sum(m[k] for m in months)) for k in kinds)])
    out: list[Flowable] = [
        KeepTogether(
            [
                heading("Throughput per month"),
                para(
                    "Cases opened, moved on to a next open stage (advanced), completed (closed), "
                    "declined and withdrawn, counted in the month it happened."
                ),
                chart,
            ]
        ),
        data_table(
            ["Month", *(k.capitalize() for k in kinds)],
            rows,
            [1.6, 1.2, 1.2, 1.2, 1.2, 1.2],
            width=width,
            right=(1, 2, 3, 4, 5),
            footer_rows=1,
        ),
    ]
    reasons = data["throughput"]["reasons"]
    out.append(heading("Decline and withdrawal reasons", 2))
    if not reasons:
        out.append(para("No case was declined or withdrawn in the period."))
    else:
        out.append(
            data_table(
                ["Exit", "Reason", "Cases"],
                [[r["exit"], r["reason"], str(r["count"])] for r in reasons],
                [1.4, 7.0, 1.0],
                width=width,
                right=(2,),
            )
        )
    return out


def _cost_section(data: Mapping[str, Any], width: float) -> list[Flowable]:
    costs = data["costs"]
    currency = costs["currency"]
    months = costs["by_month"]
    chart = bar_chart(
        [_month_short(m["month"]) for m in months],
        [
            ("Estimated", [float(m["estimated"]) for m in months], ESTIMATED_COLOUR),
            ("Actual", [float(m["actual"]) for m in months], ACTUAL_COLOUR),
        ],
        width=width,
        height=58 * mm,
        value_format=_compact_money,
        angle=30 if len(months) > 8 else 0,
    )

    def rows_of(items: Sequence[Mapping[str, Any]], key: str) -> list[list[str | Flowable]]:
        rows: list[list[str | Flowable]] = [
            [
                i[key],
                _cny(i["estimated"]),
                _cny(i["actual"]) if i["lines_with_actual"] else DASH,
                f"{i['lines_with_actual']} of {i['lines']}",
            ]
            for i in items
        ]
        rows.append(
            [
                "Total",
                _cny(str(sum(Decimal(i["estimated"]) for i in items))),
                _cny(str(sum(Decimal(i["actual"]) for i in items))),
                f"{sum(i['lines_with_actual'] for i in items)} of {sum(i['lines'] for i in items)}",
            ]
        )
        return rows

    header = ["", f"Estimated ({currency})", f"Actual ({currency})", "Lines with actual"]
    fractions = [2.4, 2.2, 2.2, 1.8]
    return [
        KeepTogether(
            [
                heading("Costs: estimated and actual"),
                para(
                    f"All amounts in {currency} (home-currency lines converted at each case's "
                    "rate). A line counts in the month it was incurred, else the month of the "
                    "planned arrival, else the month the case was opened."
                ),
                chart,
            ]
        ),
        heading("Per month", 2),
        data_table(
            ["Month", *header[1:]], rows_of(months, "month"), fractions, width=width,
            right=(1, 2, 3), footer_rows=1,
        ),
        heading("Per category", 2),
        data_table(
            ["Category", *header[1:]], rows_of(costs["by_category"], "category"), fractions,
            width=width, right=(1, 2, 3), footer_rows=1,
        ),
    ]  # fmt: skip


def render_pipeline_report(data: Mapping[str, Any], settings: DocumentSettings) -> bytes:
    """The management report PDF from the report's JSON data."""
    period = f"{_day(data['period']['from'])} to {_day(data['period']['to'])}"
    doc = PdfDocument(settings, title=TITLE, subject=period, case_ref=None, letterhead=False)
    width = doc.width
    generated = datetime.fromisoformat(data["generated_at"])
    story: list[Flowable] = [
        *title_block(
            TITLE,
            f"Period {period} · {_filters_text(data)} · as of {fmt_date(generated.date())}",
        ),
        *_stages_section(data, width),
        *_time_section(data, width),
        *_stalled_section(data, width),
        *_deadline_section(data, width),
        KeepTogether(_workload_section(data, width)),
        *_throughput_section(data, width),
        *_cost_section(data, width),
        para(
            "Figures are computed from the case database when the report was generated; the "
            "CSV and JSON exports of the same report carry every row.",
            "small",
        ),
    ]
    return doc.build(story)


__all__ = ["bar_chart", "render_pipeline_report"]
