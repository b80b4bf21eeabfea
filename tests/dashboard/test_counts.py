"""The shared yearly counts stay equal to a recount from the tenant data, whatever is edited."""
import datetime as dt
import random
from decimal import Decimal

import sqlalchemy as sa

from app.summaries import counts
from app.extensions import db
from app.stations import services as station_services
from app.stations.models import WorkStation
from app.stations.uscc import example_uscc
from tests.conftest import in_tenant
from tests.stations.factories import fixed_today, make_station  # noqa: F401

TASKS = ("member_congress", "workers_congress", "wage_negotiation", "labour_competition", "cultural_activity")


def recounted(app, tenant):
    """Rebuild from scratch in a transaction that is rolled back; return what it computed."""
    with in_tenant(app, tenant) as session:
        counts.rebuild()
        fresh = counts.stored(tenant.id)
        session.rollback()
    return fresh


def stored(app, tenant):
    with in_tenant(app, tenant):
        return counts.stored(tenant.id)


def test_after_random_edits_the_counts_equal_a_recount(app, client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    one, first_ids = make_station(tenant, "一站", chief="chief1", enterprises=4)
    two, second_ids = make_station(tenant, "二站", enterprises=3)
    login_as(tenant)
    rng = random.Random(7)
    enterprises = first_ids + second_ids
    for step in range(40):
        enterprise_id, task = rng.choice(enterprises), rng.choice(TASKS)
        action = rng.random()
        if action < 0.6:
            url = f"/t/sanxing/checklist/{enterprise_id}/2026/{task}"
            version = client.get(url).get_data(as_text=True).split('name="version" type="hidden" value="')[1].split('"')[0]
            status = rng.choice(["done", "planned", "not_started"])
            data = {"version": version, "status": status, "held_on": "2026-03-01" if status == "done" else "",
                    "planned_on": "2026-09-01" if status == "planned" else ""}
            client.post(url, data=data)
        elif action < 0.75:
            client.post(f"/t/sanxing/enterprises/{enterprise_id}/checklist/2026",
                        data={"version": "0", "title": f"活动{step}", "status": "done", "held_on": "2026-04-01"})
        elif action < 0.9:
            target = rng.choice([one, two])
            client.post(f"/t/sanxing/enterprises/{enterprise_id}/move", data={"station_id": target, "moved_on": f"2026-0{rng.randint(2, 6)}-01"})
        else:
            client.post(f"/t/sanxing/stations/{one}", data={"name": "一站", "mode": rng.choice(["industry", "region", "group"]),
                                                           "coverage": "", "host_enterprise": "", "status": rng.choice(["active", "suspended"])})
    after_edits = stored(app, tenant)
    assert after_edits == recounted(app, tenant)
    assert after_edits[(2026, "checklist", "enterprises")] == Decimal(7)
    assert sum(v for (y, a, k), v in after_edits.items() if k.startswith("done:")) > 0


def test_counts_follow_the_hand_computed_numbers(app, client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    station_id, (a, b, c) = make_station(tenant, enterprises=3)
    login_as(tenant)
    for enterprise_id in (a, b):
        client.post(f"/t/sanxing/checklist/{enterprise_id}/2026/member_congress", data={"version": "0", "status": "done", "held_on": "2026-03-01"})
    client.post(f"/t/sanxing/checklist/{c}/2026/member_congress", data={"version": "0", "status": "planned", "planned_on": "2026-09-01"})
    # a leaves every station: neither it nor its congress counts any more
    client.post(f"/t/sanxing/enterprises/{a}/move", data={"station_id": 0, "moved_on": "2026-05-01"})
    values = {k: v for (y, area, k), v in stored(app, tenant).items() if y == 2026 and area == "checklist"}
    assert values == {"enterprises": 2, "done:member_congress": 1, "stations:industry": 1}


def test_counts_are_written_in_the_same_transaction_as_the_data(app, make_tenant, make_station):
    tenant = make_tenant("sanxing")
    station_id, _ = make_station(tenant, enterprises=0)
    before = stored(app, tenant)
    with in_tenant(app, tenant) as session:
        station = session.get(WorkStation, station_id)
        station_services.add_enterprise(station, {"name": "新企业", "uscc": example_uscc(999), "industry": "", "workers": 3,
                                                  "members": None, "union_chair": "", "contact_phone": ""}, "t", on=dt.date(2026, 1, 1))
        assert counts.stored(tenant.id)[(2026, "checklist", "enterprises")] == 1
        session.rollback()
    assert stored(app, tenant) == before


def test_the_rebuild_command_restores_lost_counts(app, client, make_tenant, login_as, make_station):
    tenant = make_tenant("sanxing")
    other = make_tenant("changle")
    station_id, (a, _b) = make_station(tenant, enterprises=2)
    login_as(tenant)
    client.post(f"/t/sanxing/checklist/{a}/2026/member_congress", data={"version": "0", "status": "done", "held_on": "2026-03-01"})
    before = stored(app, tenant)
    with in_tenant(app, tenant) as session:
        session.execute(sa.delete(counts.FederationCount))  # lose everyone's counts
        session.commit()
    assert stored(app, tenant) == {}
    result = app.test_cli_runner().invoke(args=["summary", "rebuild", "--tenant", "sanxing"])
    assert result.exit_code == 0 and "已重算 1 个工会" in result.output
    assert stored(app, tenant) == before
    assert app.test_cli_runner().invoke(args=["summary", "rebuild"]).exit_code == 0
    assert stored(app, other) == recounted(app, other)
    assert app.test_cli_runner().invoke(args=["summary", "rebuild", "--tenant", "nosuch"]).exit_code == 1
