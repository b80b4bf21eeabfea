"""Whether a station's year is locked by a confirmed grading (the data the score used cannot change)."""
import sqlalchemy as sa

from app.extensions import db

from .models import StationScore


class YearLocked(ValueError):
    """A change to data that a confirmed score used."""


def is_locked(station_id: int | None, year: int) -> bool:
    if station_id is None:
        return False
    return bool(db.session.scalar(sa.select(sa.literal(1)).where(
        StationScore.station_id == station_id, StationScore.year == year, StationScore.status == "confirmed")))


def ensure_unlocked(station_id: int | None, year: int) -> None:
    if is_locked(station_id, year):
        raise YearLocked(f"该工作站 {year} 年的考核已确认，相关数据已锁定；如需修改，请联系本会管理员解锁")
