"""Factories for stations, their people and enterprises (used by the station and checklist tests)."""
import datetime as dt

import pytest

from app import clock
from app.extensions import db
from app.stations import services
from app.stations.models import WorkStation
from app.stations.uscc import example_uscc
from tests.conftest import in_tenant

TODAY = dt.date(2026, 6, 15)
_serial = iter(range(1, 100_000))


@pytest.fixture
def fixed_today(monkeypatch):
    """Mid-June 2026 everywhere the app asks for today."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


def enterprise_values(name=None, **overrides):
    n = next(_serial)
    values = {"name": name or f"测试企业{n}有限公司", "uscc": example_uscc(n), "industry": "机械制造", "workers": 50,
              "members": 40, "union_chair": "张三", "contact_phone": "13912345678"}
    values.update(overrides)
    return values


@pytest.fixture
def make_station(app, make_user, fixed_today):
    """make_station(tenant, name, enterprises=3, chief=None|username, deputy=None) -> (station_id, [enterprise ids])."""

    def factory(tenant, name="三星镇机械行业工会工作站", *, enterprises=3, chief=None, deputy=None, since=dt.date(2025, 1, 1)):
        users = {role: make_user(tenant, username, role=role) for role, username in (("chief", chief), ("deputy", deputy)) if username}
        with in_tenant(app, tenant):
            station = services.create_station({"name": name, "mode": "industry", "coverage": "机械制造",
                                               "host_enterprise": "", "status": "active"}, actor="test")
            for role, user_id in users.items():
                services.add_person(station, {"name": f"{role}人", "phone": "", "source": "backbone_chair", "user_id": user_id},
                                    role, since, actor="test")
            ids = [services.add_enterprise(station, enterprise_values(), "test", on=since).id for _ in range(enterprises)]
            db.session.commit()
            return station.id, ids

    return factory


def station_named(app, tenant, name):
    with in_tenant(app, tenant) as session:
        return session.scalar(db.select(WorkStation).where(WorkStation.name == name))
