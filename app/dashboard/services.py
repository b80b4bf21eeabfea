"""The dashboard's figures for a subtree, from the shared counts (never a loop over tenant schemas)."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

from app.checklist import rules as checklist_rules
from tenants import registry
from tenants.registry import TenantRef

from app.summaries import counts

DASHBOARD_KINDS = {"province", "city", "county"}


@dataclasses.dataclass
class Region:
    """One line of a panel: a child federation with its subtree, the root's own figures, or the total."""

    tenant: TenantRef | None
    label: str
    values: dict[str, Decimal]

    def pct(self, key: str, of: str = "enterprises") -> int:
        total = self.values.get(of, Decimal(0))
        return round(100 * self.values.get(key, Decimal(0)) / total) if total else 0

    @property
    def overall_pct(self) -> int:
        done = sum(self.values.get(f"done:{t}", Decimal(0)) for t in checklist_rules.TASKS)
        total = self.values.get("enterprises", Decimal(0)) * len(checklist_rules.TASKS)
        return round(100 * done / total) if total else 0


def regions(conn, root: TenantRef, year: int, area: str) -> tuple[list[Region], Region]:
    """The root's children (each with its whole subtree), the root's own line if it has data, and the total."""
    by_child = counts.totals_by_child(conn, root, year, area)
    lines = [Region(child, child.name, by_child.get(child.id, {})) for child in registry.children(conn, root)]
    if by_child.get(root.id):
        lines.insert(0, Region(root, f"{root.name}（本级）", by_child[root.id]))
    total: dict[str, Decimal] = {}
    for line in lines:
        for key, value in line.values.items():
            total[key] = total.get(key, Decimal(0)) + value
    return lines, Region(None, "合计", total)


def ancestry(conn, current: TenantRef, root: TenantRef) -> list[TenantRef]:
    """The drill path from the user's federation down to root (both included)."""
    ids = [int(i) for i in root.path.strip("/").split("/")]
    start = ids.index(current.id)
    return [registry.get_by_id(conn, i) for i in ids[start:]]
