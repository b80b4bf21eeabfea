"""Every write is in the audit trail, and administrators browse and filter it."""
from tests.conftest import PASSWORD
from tests.stations.factories import fixed_today, make_station  # noqa: F401


def test_administrators_browse_and_filter_the_audit_trail(client, make_tenant, make_user, make_station):
    tenant = make_tenant("zhen")
    station_id, (a,) = make_station(tenant, chief="chief1", enterprises=1)
    client.post("/t/zhen/login", data={"username": "chief1", "password": PASSWORD})
    client.post(f"/t/zhen/checklist/{a}/2026/member_congress", data={"version": "0", "status": "done", "held_on": "2026-03-01"})
    assert client.get("/t/zhen/admin/audit").status_code == 403  # chiefs do not browse the trail
    client.post("/t/zhen/logout")
    client.post("/t/zhen/login", data={"username": "admin", "password": PASSWORD})
    client.post("/t/zhen/cases/new", data={"kind": "rights", "source": "station", "title": "欠薪", "enterprise_ids": [a]})
    client.post("/t/zhen/cases/1/accept", data={})

    everything = client.get("/t/zhen/admin/audit").get_data(as_text=True)
    for action in ("station.create", "enterprise.create", "checklist.create", "case.open", "case.accept", "login"):
        assert action in everything, action
    checklist = client.get("/t/zhen/admin/audit?area=checklist", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert checklist.startswith('<div id="audit-table">') and "checklist.create" in checklist and "case.open" not in checklist
    assert "— → done" in checklist or "— → 2026-03-01" in checklist  # before and after
    by_actor = client.get("/t/zhen/admin/audit?actor=chief1").get_data(as_text=True)
    assert "checklist.create" in by_actor and "case.accept" not in by_actor
    accepted = client.get("/t/zhen/admin/audit?area=case").get_data(as_text=True)
    assert "requested → accepted" in accepted
    nothing = client.get("/t/zhen/admin/audit?from=2999-01-01").get_data(as_text=True)
    assert "没有符合条件的记录" in nothing
    assert client.get("/t/zhen/admin/audit?from=not-a-date&page=-3").status_code == 200
    assert client.get(f"/t/zhen/admin/audit?from=0001-01-01&to=9999-12-31&page={10**30}").status_code == 200
    assert "checklist.create" in client.get("/t/zhen/admin/audit?to=9999-12-31").get_data(as_text=True)
