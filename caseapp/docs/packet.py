"""The travel packet: one PDF the patient carries, bilingual where the reader is in China."""

from __future__ import annotations

from datetime import date, time

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Spacer,
    Table,
)

from caseapp.docs import blocks
from caseapp.docs.checklists import pretravel_story
from caseapp.docs.data import (
    DocumentSettings,
    LodgingBooking,
    PacketData,
    PreTravelChecklistData,
)
from caseapp.docs.flowables import boxed, data_table, facts_table, heading, para, rich, table_style
from caseapp.docs.style import ACCENT_LIGHT, BAD, PdfDocument
from caseapp.docs.text import (
    CHINA_TZ,
    cjk,
    fmt_date,
    fmt_datetime_china,
    fmt_day,
    fmt_money,
    fmt_time_china,
    markup,
    place_line,
)


def _cover(data: PacketData, width: float) -> list[Flowable]:
    case = data.case
    patient = case.patient
    program = case.program
    arrival, departure = blocks.planned_stay(case, "travel packet")
    travellers = [f"{patient.full_name} (patient)"]
    travellers += [f"{c.name} ({c.relation})" for c in patient.companions]
    rows: list[tuple[str, str | Flowable]] = [
        ("Travellers", "\n".join(travellers)),
        ("Hospital", rich(blocks.hospital_markup(case), "cell")),
        ("Address", rich(blocks.address_markup(program.address_en, program.address_zh), "cell")),
        ("Stay", f"{arrival} to {departure}"),
        ("Your facilitator", f"{case.owner.name} · {case.owner.phone} · {case.owner.email}"),
    ]
    if case.coordinator:
        c = case.coordinator
        rows.append(("Coordinator in China", f"{c.name} · {c.phone} · {c.email}"))
    return [
        Spacer(1, 14 * mm),
        para("Travel packet", "cover_title"),
        para(patient.full_name, "cover_name"),
        para(f"{program.name} · {program.hospital_en}, {program.city_en}", "subtitle"),
        para(program.hospital_zh, "zh_medium"),
        Spacer(1, 8 * mm),
        facts_table(rows, width=width, label_fraction=0.26),
        Spacer(1, 10 * mm),
        _emergency_strip(width),
        Spacer(1, 6 * mm),
        para(
            "Keep this packet with your passport. Times are China time (UTC+8). The last pages "
            "are a taxi card and your pre-travel checklist.",
            "small",
        ),
        para(f"Prepared {fmt_date(data.issued_on, long=True)} for case {case.ref}.", "small"),
    ]


def _emergency_strip(width: float) -> Table:
    numbers = [para(n, "emergency") for n, _, _ in blocks.CHINA_EMERGENCY]
    labels = [
        rich(f"{markup(en)} · {markup(zh)}", "emergency_label")
        for _, en, zh in blocks.CHINA_EMERGENCY
    ]
    table = Table([numbers, labels], colWidths=[width / 3] * 3)
    table.setStyle(
        table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), ACCENT_LIGHT),
                ("BOX", (0, 0), (-1, -1), 0.8, BAD),
                ("TOPPADDING", (0, 0), (-1, 0), 8),
                ("BOTTOMPADDING", (0, 1), (-1, 1), 8),
            ]
        )
    )
    return table


# Milestones the patient does not attend: the cells are made in the laboratory meanwhile.
NOT_A_VISIT = frozenset({"manufacturing"})


def _itinerary(data: PacketData, width: float) -> list[Flowable]:
    case = data.case
    events: list[tuple[date, time | None, str, str | Flowable]] = []
    if case.planned_arrival:
        events.append((case.planned_arrival, None, "Arrival in China", case.program.city_en))
    for b in data.lodging:
        events.append((b.check_in, None, "Check in", _place(b)))
        events.append((b.check_out, None, "Check out", _place(b)))
    booked: set[tuple[date, str]] = set()
    for a in data.appointments:
        local = a.starts_at.astimezone(CHINA_TZ)
        events.append((local.date(), local.time(), a.title, a.place))
        booked.add((local.date(), a.title.lower()))
    if data.treatment:
        for m in data.treatment.milestones:
            if not m.planned_on or m.kind in NOT_A_VISIT:
                continue
            if any(day == m.planned_on and m.kind in title for day, title in booked):
                continue  # the appointment of that day already says it, with its time and place
            day = f" (day {fmt_day(m.day)})" if m.day is not None else ""
            events.append(
                (m.planned_on, None, f"{m.kind.capitalize()}{day}", case.program.hospital_en)
            )
    if case.planned_departure:
        events.append((case.planned_departure, None, "Planned return home", ""))
    events.sort(key=lambda e: (e[0], e[1] or time(0)))
    rows: list[list[str | Flowable]] = [
        [fmt_date(d), t.strftime("%H:%M") if t else "", what, where] for d, t, what, where in events
    ]
    return [
        heading("Itinerary"),
        data_table(["Date", "Time", "What", "Where"], rows, [1.6, 0.9, 3.6, 3.9], width=width),
    ]


def _place(booking: LodgingBooking) -> Flowable:
    return rich(f"{markup(booking.property_en)}<br/>{markup(booking.property_zh)}", "cell")


def _lodging(data: PacketData, width: float) -> list[Flowable]:
    story: list[Flowable] = [heading("Lodging")]
    for b in data.lodging:
        nights = (b.check_out - b.check_in).days
        rows: list[tuple[str, str | Flowable]] = [
            ("Address", b.address_en),
            ("地址 (Chinese)", rich(markup(b.address_zh), "cell")),
            ("Phone", b.phone),
            ("Dates", f"{fmt_date(b.check_in)} to {fmt_date(b.check_out)} ({nights} nights)"),
            ("Guests", ", ".join(b.occupants)),
            ("Cost per night", fmt_money(b.nightly_cost, b.currency)),
        ]
        story.append(
            KeepTogether(
                [
                    rich(f"{markup(b.property_en)}  {markup(b.property_zh)}", "h2"),
                    facts_table(rows, width=width, label_fraction=0.22),
                ]
            )
        )
    return story


def _appointments(data: PacketData, width: float) -> list[Flowable]:
    if not data.appointments:
        return [heading("Appointments"), para("No appointments are booked yet.")]
    rows: list[list[str | Flowable]] = []
    for a in sorted(data.appointments, key=lambda a: a.starts_at):
        when = fmt_datetime_china(a.starts_at)
        if a.ends_at:
            when += f"–{fmt_time_china(a.ends_at)}"
        interpreter = a.interpreter
        who = "No interpreter booked"
        if interpreter:
            who = interpreter.name + (f" {interpreter.name_zh}" if interpreter.name_zh else "")
            who += f"\n{interpreter.phone}" if interpreter.phone else ""
        rows.append([when, a.title, a.place, who])
    return [
        heading("Appointments"),
        para(
            "Times are China time (UTC+8). Your interpreter meets you at the place given.", "small"
        ),
        data_table(
            ["When", "Appointment", "Place", "Interpreter"], rows, [2.5, 2.5, 2.5, 2.5], width=width
        ),
    ]


def _contacts(data: PacketData, width: float) -> list[Flowable]:
    extra = list(data.extra_contacts)
    if data.embassy:
        extra.insert(0, data.embassy)
    rows = blocks.china_contacts(data.case, blocks.interpreters_of(data.appointments), extra)
    emergency: list[list[str | Flowable]] = [
        [rich(f"<b>{number}</b>", "cell"), rich(f"{markup(en)} {markup(zh)}", "cell")]
        for number, en, zh in blocks.CHINA_EMERGENCY
    ]
    story: list[Flowable] = [
        heading("Contacts"),
        blocks.contacts_table(rows, width=width),
        heading("Emergency numbers in China", 2),
        data_table(["Number", "Service"], emergency, [1, 4], width=width * 0.6),
    ]
    if not data.embassy:
        story.append(para("Your embassy's number is not recorded: ask your facilitator.", "small"))
    return story


def _taxi_card(data: PacketData, width: float) -> list[Flowable]:
    program = data.case.program
    cards = [
        boxed(
            [
                para("请带我去：", "zh_medium"),
                para(program.hospital_zh, "zh_xl"),
                para(program.address_zh, "zh_large"),
                para(
                    f"{program.hospital_en}, {place_line(program.address_en, program.city_en)}",
                    "small",
                ),
            ],
            width=width,
        ),
    ]
    seen: set[str] = set()
    for b in data.lodging:
        if b.address_zh in seen:
            continue
        seen.add(b.address_zh)
        cards.append(
            boxed(
                [
                    para("请带我去：", "zh_medium"),
                    para(b.property_zh, "zh_xl"),
                    para(b.address_zh, "zh_large"),
                    para(
                        f"{b.property_en}, {b.address_en}" + (f" · {b.phone}" if b.phone else ""),
                        "small",
                    ),
                ],
                width=width,
            )
        )
    story: list[Flowable] = [
        rich(f"Taxi card  {cjk('出租车卡')}", "h1"),
        para("Show this page to the driver. 请把这张卡给司机看。谢谢！", "body"),
    ]
    for card in cards:
        story += [card, Spacer(1, 5 * mm)]
    return story


def render_packet(data: PacketData, settings: DocumentSettings) -> bytes:
    case = data.case
    blocks.require_lodging(data.lodging, case, "travel packet")
    blocks.planned_stay(case, "travel packet")
    doc = PdfDocument(
        settings,
        title="Travel packet",
        subject=f"Travel packet for {case.patient.full_name}",
        case_ref=case.ref,
    )
    width = doc.width
    pretravel = PreTravelChecklistData(
        case=case,
        visa=data.visa,
        lodging=data.lodging,
        appointments=data.appointments,
        issued_on=data.issued_on,
        estimated_total_cny=data.estimated_total_cny,
    )
    story: list[Flowable] = [
        *_cover(data, width),
        PageBreak(),
        *_itinerary(data, width),
        CondPageBreak(60 * mm),
        *_lodging(data, width),
        CondPageBreak(60 * mm),
        *_appointments(data, width),
        CondPageBreak(80 * mm),
        *_contacts(data, width),
        PageBreak(),
        *_taxi_card(data, width),
        PageBreak(),
        para("Pre-travel checklist", "title"),
        *pretravel_story(pretravel, width),
    ]
    return doc.build(story)
