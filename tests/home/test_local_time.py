"""Times are stored in UTC and read in the federation's zone (Beijing time unless it chose another)."""
import datetime as dt
import io

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from app import clock, excel
from app.audit.models import AuditEvent
from app.extensions import tenancy
from tenants import registry
from tests.conftest import in_tenant

# 17:05 UTC on 1 March is 01:05 on 2 March in Beijing and 23:05 on 1 March in Ürümqi.
STORED = dt.datetime(2026, 3, 1, 17, 5)


def test_a_stored_time_reads_in_china_standard_time_by_default():
    assert clock.format_local(STORED) == "2026-03-02 01:05"
    assert clock.format_local(STORED, "%H:%M") == "01:05"
    assert clock.format_local(None) == ""
    assert clock.day_start_utc(dt.date(2026, 3, 2)) == dt.datetime(2026, 3, 1, 16, 0)


def test_a_written_workbook_holds_the_local_time():
    book = Workbook()
    assert excel._put(book.active["A1"], STORED) == "yyyy-mm-dd hh:mm"
    out = io.BytesIO()
    book.save(out)
    assert load_workbook(io.BytesIO(out.getvalue())).active["A1"].value == dt.datetime(2026, 3, 2, 1, 5)


def _event_at(app, tenant, when, subject):
    with in_tenant(app, tenant) as session:
        session.add(AuditEvent(action="user.create", actor="admin", subject=subject, detail="{}", occurred_at=when))
        session.commit()


def test_the_audit_log_shows_beijing_time_and_filters_by_beijing_days(app, client, make_tenant, login_as):
    tenant = make_tenant("sanxing")
    _event_at(app, tenant, STORED, "marker-night")
    login_as(tenant)
    page = client.get("/t/sanxing/admin/audit").get_data(as_text=True)
    assert "2026-03-02 01:05:00" in page and "UTC" not in page
    same_day = client.get("/t/sanxing/admin/audit?from=2026-03-02&to=2026-03-02").get_data(as_text=True)
    day_before = client.get("/t/sanxing/admin/audit?from=2026-03-01&to=2026-03-01").get_data(as_text=True)
    assert "marker-night" in same_day and "marker-night" not in day_before


def test_a_federation_chooses_its_zone_and_only_its_own_pages_follow(app, client, make_tenant, login_as):
    west, east = make_tenant("west-town"), make_tenant("east-town")
    _event_at(app, west, STORED, "marker-w")
    _event_at(app, east, STORED, "marker-e")
    login_as(west)
    assert client.post("/t/west-town/settings", data={"default_station_budget": "30000", "time_zone": "Asia/Urumqi"}).status_code == 302
    assert '<option selected value="Asia/Urumqi">' in client.get("/t/west-town/settings").get_data(as_text=True)
    page = client.get("/t/west-town/admin/audit").get_data(as_text=True)
    assert "2026-03-01 23:05:00" in page
    assert "Asia/Shanghai" in page and "Asia/Urumqi" in page  # the change is in the trail
    with app.app_context(), tenancy.engines.shared.connect() as conn:
        assert registry.find_by_slug(conn, "west-town").time_zone == "Asia/Urumqi"
        assert registry.find_by_slug(conn, "east-town").time_zone is None
    client.post("/t/west-town/logout")
    login_as(east)
    assert "2026-03-02 01:05:00" in client.get("/t/east-town/admin/audit").get_data(as_text=True)


def test_an_unknown_zone_is_refused_with_a_message_and_nothing_changes(app, client, make_tenant, login_as):
    tenant = make_tenant("sanxing")
    login_as(tenant)
    refused = client.post("/t/sanxing/settings", data={"default_station_budget": "45000", "time_zone": "Mars/Olympus"})
    assert refused.status_code == 422 and "不是有效的选择" in refused.get_data(as_text=True)
    with app.app_context(), tenancy.engines.shared.connect() as conn:
        assert registry.find_by_slug(conn, "sanxing").time_zone is None
    with in_tenant(app, tenant) as session:
        assert session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "settings.update")) == 0


def test_business_dates_follow_the_bound_federations_zone(app, make_tenant):
    tenant = make_tenant("west-town")
    with app.app_context(), tenancy.engines.shared.connect() as conn, conn.begin():
        registry.set_time_zone(conn, tenant.id, "Asia/Urumqi")
    with app.test_request_context("/t/west-town/"):
        app.preprocess_request()
        assert clock.zone().key == "Asia/Urumqi"
    with app.test_request_context("/"):
        assert clock.zone().key == "Asia/Shanghai"
