"""Rows per table with ids assigned in Python: demo cases go in as bulk inserts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from caseapp import models as m


@dataclass
class Rows:
    """Rows per table with ids assigned here, inserted in foreign-key order."""

    next_id: dict[str, int] = field(default_factory=dict)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, table: str, **values: Any) -> int:
        ident = self.next_id.get(table, 1)
        self.next_id[table] = ident + 1
        self.tables[table].append({"id": ident, **values})
        return ident

    def flush(self, session: Session) -> None:
        for table in m.Base.metadata.sorted_tables:
            batch = self.tables.pop(table.name, None)
            if batch:
                session.execute(insert(table), batch)
