"""Every download holding a federation's data is sent with Cache-Control: no-store (send_file's no-cache
still lets a shared or browser cache keep a copy of an evidence file or an .xlsx export)."""
from tests.conftest import PASSWORD
from tests.hardening.test_backup import PDF, _fill
from tests.stations.factories import fixed_today, make_station  # noqa: F401


def test_every_download_is_sent_no_store(client, make_tenant, make_station):
    county = make_tenant("xian", kind="county", name="某县总工会")
    town = make_tenant("zhen", name="某镇总工会", parent=county)
    _fill(client, town, make_station)
    downloads = ["/t/zhen/checklist/evidence/1",  # an evidence file (receipts and case files use the same sender)
                 "/t/zhen/stations/1/checklist.xlsx?year=2026",
                 "/t/zhen/stations/1/enterprises.xlsx",
                 "/t/zhen/enterprises/template.xlsx",
                 "/t/zhen/grading/stipends.xlsx?year=2026"]
    for url in downloads:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Disposition"].startswith("attachment"), url
        assert response.headers["Cache-Control"] == "no-store", url
    assert client.get(downloads[0]).data == PDF
    client.post("/t/zhen/logout")
    client.post("/t/xian/login", data={"username": "admin", "password": PASSWORD})
    export = client.get(f"/t/xian/dashboard/federations/{town.id}/panels/checklist.xlsx?year=2026")
    assert export.status_code == 200 and export.headers["Cache-Control"] == "no-store"
    page = client.get("/t/xian/dashboard?year=2026")
    assert page.headers["Cache-Control"] == "no-store"  # pages as before
