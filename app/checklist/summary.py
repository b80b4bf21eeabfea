"""The checklist's yearly counts for upper federations (see app/summaries/counts.py)."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from app import clock
from app.summaries import counts
from app.extensions import db
from app.stations import rules as station_rules
from app.stations.models import EnterpriseStation, WorkStation

from . import rules
from .models import ChecklistItem


def years_with_data() -> set[int]:
    return set(db.session.scalars(sa.select(ChecklistItem.year).distinct())) | {clock.today().year}


@counts.area("checklist", years_with_data)
def recount(year: int) -> dict[str, Decimal]:
    """Enterprises covered on the year's reference day, how many did each task, N activities, and
    the active stations by mode. Each enterprise counts once, so no share passes 100%."""
    day = station_rules.reference_day(year, clock.today())
    covered = sa.select(EnterpriseStation.enterprise_id).where(
        EnterpriseStation.from_on <= day, sa.or_(EnterpriseStation.until_on.is_(None), EnterpriseStation.until_on > day))
    values: dict[str, Decimal] = {"enterprises": Decimal(db.session.scalar(
        sa.select(sa.func.count(sa.distinct(covered.subquery().c.enterprise_id)))))}
    in_year = (ChecklistItem.year == year, ChecklistItem.enterprise_id.in_(covered))
    for task, done in db.session.execute(
        sa.select(ChecklistItem.task, sa.func.count()).where(*in_year, ChecklistItem.status == "done",
                                                            ChecklistItem.task != rules.N_ACTIVITY).group_by(ChecklistItem.task)):
        values[f"done:{task}"] = Decimal(done)
    values["n_activities"] = Decimal(db.session.scalar(
        sa.select(sa.func.count()).select_from(ChecklistItem).where(*in_year, ChecklistItem.task == rules.N_ACTIVITY)))
    for mode, stations in db.session.execute(
            sa.select(WorkStation.mode, sa.func.count()).where(WorkStation.status == "active").group_by(WorkStation.mode)):
        values[f"stations:{mode}"] = Decimal(stations)
    return values
