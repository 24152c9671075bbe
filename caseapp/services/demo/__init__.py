"""Deterministic, realistic demo data: staff, programs, interpreters and cases in every stage.

Cases are written with bulk inserts (ids assigned here) so 5,000 of them take seconds; the data
is shaped by the same rules the gates use, so a case's stage matches what its data allows.
The inserts go through the tables' column types, so encrypted columns are encrypted here too;
only the passport search index, which the ORM sets on its own, is computed explicitly.

Package layout: build (the entry point and login hint), generator (one case at a time, built from
the patients, travel and treatment mixins over the shared state), rows (the bulk-insert buffer).
"""

from caseapp.services.demo.build import DEMO_PASSWORD, DemoSummary, build_demo, demo_login_hint
from caseapp.services.demo.rows import Rows
from caseapp.services.demo.travel import china

__all__ = ["DEMO_PASSWORD", "DemoSummary", "Rows", "build_demo", "china", "demo_login_hint"]
