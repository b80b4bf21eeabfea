"""Chief periods never overlap on a station, whatever order the dates are entered in; adjacent ones are fine."""
import datetime as dt

import pytest
import sqlalchemy as sa

from app.stations import rules, services
from app.stations.models import Person, StationRole, WorkStation
from tests.conftest import in_tenant
from tests.stations.factories import fixed_today, make_station  # noqa: F401

D = dt.date


@pytest.mark.parametrize("a, b, overlap", [
    ((D(2026, 1, 1), D(2026, 7, 1)), (D(2026, 7, 1), None), False),            # adjacent
    ((D(2026, 7, 1), None), (D(2026, 1, 1), D(2026, 7, 1)), False),            # adjacent, other order
    ((D(2026, 1, 1), D(2026, 7, 1)), (D(2026, 6, 30), None), True),
    ((D(2026, 6, 30), None), (D(2026, 1, 1), D(2026, 7, 1)), True),
    ((D(2026, 1, 1), None), (D(2025, 1, 1), None), True),
    ((D(2026, 3, 1), D(2026, 4, 1)), (D(2026, 1, 1), D(2026, 12, 1)), True),   # inside
    ((D(2026, 1, 1), D(2026, 12, 1)), (D(2026, 3, 1), D(2026, 4, 1)), True),
])
def test_periods_overlap(a, b, overlap):
    assert rules.periods_overlap(*a, *b) is overlap


def test_end_a_chiefs_term_then_a_chief_backdated_to_1_january_is_refused(app, client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, _ = make_station(tenant, chief="oldchief")  # chief since 2025-01-01
    login_as(tenant)
    with in_tenant(app, tenant) as session:
        role_id = session.scalar(sa.select(StationRole.id).where(StationRole.station_id == station_id))
    assert client.post(f"/t/sanxing/stations/{station_id}/roles/{role_id}/end", data={"ended_on": "2026-06-30"}).status_code == 302
    refused = client.post(f"/t/sanxing/stations/{station_id}/people", data={
        "name": "李四", "role": "chief", "source": "backbone_chair", "started_on": "2026-01-01"}, follow_redirects=True)
    assert "站长任期不能重叠" in refused.get_data(as_text=True)
    with in_tenant(app, tenant) as session:
        assert session.scalar(sa.select(sa.func.count(StationRole.id)).where(StationRole.role == "chief")) == 1
        assert session.scalar(sa.select(sa.func.count(Person.id)).where(Person.name == "李四")) == 0
    # Starting the day the old term ended is fine.
    assert client.post(f"/t/sanxing/stations/{station_id}/people", data={
        "name": "李四", "role": "chief", "source": "backbone_chair", "started_on": "2026-06-30"}).status_code == 302
    with in_tenant(app, tenant) as session:
        assert session.scalar(sa.select(sa.func.count(StationRole.id)).where(StationRole.role == "chief")) == 2


def test_overlaps_are_refused_in_every_order_through_the_service(app, make_tenant, make_station):
    tenant = make_tenant("sanxing")
    station_id, _ = make_station(tenant)
    with in_tenant(app, tenant) as session:
        station = session.get(WorkStation, station_id)
        a, b, c = (Person(name=n, source="backbone_chair") for n in ("甲", "乙", "丙"))
        session.add_all([a, b, c])
        session.flush()
        # A later chief first, then an earlier one: the earlier one must end before the later starts.
        later = services.assign_role(station, a, "chief", D(2026, 7, 1), "t")
        with pytest.raises(services.StationError, match="新站长的任职日期不能早于现任站长"):
            services.assign_role(station, b, "chief", D(2026, 1, 1), "t")
        assert later.ended_on is None
        services.end_role(later, D(2026, 9, 1), "t")
        current = services.assign_role(station, c, "chief", D(2026, 9, 1), "t")
        services.end_role(current, D(2026, 10, 1), "t")
        # With no chief in office, a chief backdated into a past term is refused, before or after it in entry order.
        for start in (D(2026, 8, 1), D(2026, 6, 1), D(2026, 9, 30)):
            with pytest.raises(services.StationError, match="站长任期不能重叠"):
                services.assign_role(station, b, "chief", start, "t")
        services.assign_role(station, b, "chief", D(2026, 10, 1), "t")  # adjacent: fine
        # Deputies may serve side by side.
        services.assign_role(station, a, "deputy", D(2026, 1, 1), "t")
        services.assign_role(station, b, "deputy", D(2026, 1, 1), "t")
        chiefs = session.execute(sa.select(StationRole.started_on, StationRole.ended_on).where(StationRole.role == "chief")
                                 .order_by(StationRole.started_on)).all()
        assert chiefs == [(D(2026, 7, 1), D(2026, 9, 1)), (D(2026, 9, 1), D(2026, 10, 1)), (D(2026, 10, 1), None)]
        session.rollback()
