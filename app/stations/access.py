"""Who may see and change what of the stations."""
from __future__ import annotations

from flask import abort, g
from flask_login import current_user

from app.auth import rules as account_rules
from app.extensions import db

from . import services
from .models import WorkStation

STATION_ACCOUNT_ROLES = {account_rules.CHIEF, account_rules.DEPUTY, account_rules.STAFF}


def require(condition: bool) -> None:
    if not condition:
        abort(403)


def my_station_ids() -> set[int]:
    """The stations the signed-in user works at (cached for the request)."""
    if "my_station_ids" not in g:
        works_here = current_user.is_authenticated and not current_user.is_acting  # an acting user's id is of another schema
        g.my_station_ids = services.station_ids_of_user(current_user.id) if works_here else set()
    return g.my_station_ids


def can_edit_station(station_id: int) -> bool:
    """Administrators edit every station; chiefs, deputies and staff only their own; viewers none."""
    if not current_user.is_authenticated:
        return False
    if current_user.is_admin:
        return True
    return current_user.role in STATION_ACCOUNT_ROLES and station_id in my_station_ids()


def station_or_404(station_id: int) -> WorkStation:
    return db.get_or_404(WorkStation, station_id)
