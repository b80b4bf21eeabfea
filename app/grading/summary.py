"""Grading's yearly counts for upper federations: confirmed stations by tier and stipends paid."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from app.summaries import counts
from app.extensions import db

from .models import StationScore, StipendAward


def years_with_data() -> set[int]:
    return set(db.session.scalars(sa.select(StationScore.year).distinct()))


@counts.area("grading", years_with_data)
def recount(year: int) -> dict[str, Decimal]:
    confirmed = (StationScore.year == year, StationScore.status == "confirmed")
    values = {f"tier:{tier}": Decimal(n) for tier, n in db.session.execute(
        sa.select(StationScore.tier, sa.func.count()).where(*confirmed).group_by(StationScore.tier))}
    values["confirmed"] = sum(values.values(), Decimal(0))
    values["stipends"] = Decimal(db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(StipendAward.amount), 0)).join(StationScore, StationScore.id == StipendAward.score_id)
        .where(*confirmed)))
    return values
