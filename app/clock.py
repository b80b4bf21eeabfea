"""Time where the users are: stored times are UTC, shown and dated in the federation's zone.

Every datetime column holds naive UTC. A federation may choose its zone (a setting kept in the
tenant registry); the default is China Standard Time (`JICENG_TIME_ZONE`, Asia/Shanghai).
Business dates ("today", a plan's due date, a log-in day) are dates in that zone. One place
for tests to move time.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, g, has_app_context
from flask_babel import lazy_gettext as _l

DEFAULT_ZONE = "Asia/Shanghai"
CHINA = ZoneInfo(DEFAULT_ZONE)

# The zones a federation may choose, with the names a cadre knows them by.
ZONES = {
    "Asia/Shanghai": _l("北京时间（东八区）"),
    "Asia/Urumqi": _l("乌鲁木齐时间（东六区）"),
    "Asia/Hong_Kong": _l("香港时间（东八区）"),
    "Asia/Macau": _l("澳门时间（东八区）"),
    "Asia/Taipei": _l("台北时间（东八区）"),
}


def utcnow() -> dt.datetime:
    """Now, as stored: naive UTC."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def zone() -> ZoneInfo:
    """The zone of the bound federation, else the application's default, else China Standard Time."""
    if not has_app_context():
        return CHINA
    tenant = g.get("tenant")
    name = getattr(tenant, "time_zone", None) or current_app.config.get("JICENG_TIME_ZONE")
    return _zone(name) if name else CHINA


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return CHINA


def now() -> dt.datetime:
    """Now in the federation's zone (aware)."""
    return dt.datetime.now(zone())


def today() -> dt.date:
    return now().date()


def local(when: dt.datetime | None) -> dt.datetime | None:
    """A stored (naive UTC) time in the federation's zone, naive, for display and export."""
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(zone()).replace(tzinfo=None)


def day_start_utc(day: dt.date) -> dt.datetime:
    """The stored (naive UTC) instant at which a local day begins: for filtering stored times by date."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=zone())
    return start.astimezone(dt.timezone.utc).replace(tzinfo=None)


def format_local(when: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """The Jinja filter `localtime`: a stored time as the federation reads it."""
    shown = local(when)
    return shown.strftime(fmt) if shown else ""
