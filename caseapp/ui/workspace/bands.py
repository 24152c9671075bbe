"""Passport validity warning bands (pure, so tests need no widgets)."""

from __future__ import annotations

from datetime import date, timedelta

from caseapp.services.visa import PASSPORT_MARGIN_MONTHS, add_months


def passport_band(expiry: date, planned_return: date | None, today: date) -> tuple[str, str]:
    """('red'|'amber'|'ok', sentence): red within 30 days or under 6 months past the return."""
    if expiry <= today + timedelta(days=30):
        return "red", f"Expires {expiry.isoformat()}, within 30 days: renew it now."
    if planned_return is not None:
        needed = add_months(planned_return, PASSPORT_MARGIN_MONTHS)
        if expiry < needed:
            return (
                "red",
                f"Expires {expiry.isoformat()}; must be valid until {needed.isoformat()} "
                "(6 months after the planned return).",
            )
    if expiry < add_months(today, PASSPORT_MARGIN_MONTHS):
        return "amber", f"Expires {expiry.isoformat()}, within 6 months."
    return "ok", f"Valid until {expiry.isoformat()}."
