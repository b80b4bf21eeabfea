"""上代下 end to end: the workflow, escalation to the parent, acting on behalf, dues, and refusals."""
import datetime as dt
import io
import re

import pytest
import sqlalchemy as sa

from app import clock
from app.audit.models import AuditEvent
from app.checklist.models import ChecklistItem
from app.summaries import counts
from app.delegation.models import CaseEscalation, CaseEvent, DelegationCase
from tests.conftest import PASSWORD, in_tenant
from tests.stations.factories import make_station  # noqa: F401

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def fixed_today(monkeypatch):
    """Thursday 12 February 2026, the eve of the Spring Festival arrangement."""
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 2, 12))


def login(client, slug, username="admin"):
    client.post(f"/t/{slug}/logout")
    assert client.post(f"/t/{slug}/login", data={"username": username, "password": PASSWORD}).status_code == 302


def open_case(client, slug, enterprise_ids, kind="rights", title="欠薪维权"):
    response = client.post(f"/t/{slug}/cases/new", data={"kind": kind, "source": "complaint", "title": title,
                                                         "description": "12 名职工反映被拖欠工资", "enterprise_ids": enterprise_ids})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_case_goes_from_request_to_confirmation_with_a_working_day_deadline(app, client, make_tenant, make_user, make_station, fixed_today):
    town = make_tenant("zhen")
    _s, (a, b) = make_station(town, chief="chief1", enterprises=2)
    login(client, "zhen", "chief1")
    case_id = open_case(client, "zhen", [a, b])
    login(client, "zhen")
    client.post(f"/t/zhen/cases/{case_id}/accept", data={})
    page = client.get(f"/t/zhen/cases/{case_id}").get_data(as_text=True)
    assert "2026-03-04" in page  # 10 working days over the Spring Festival and its make-up Saturdays
    client.post(f"/t/zhen/cases/{case_id}/note", data={"happened_on": "2026-02-12", "text": "约谈企业负责人",
                                                       "file": (io.BytesIO(PDF), "约谈记录.pdf")}, content_type="multipart/form-data")
    missing = client.post(f"/t/zhen/cases/{case_id}/close", data={"summary": "已追回"})
    assert missing.status_code == 422 and "请填写帮助职工（人）" in missing.get_data(as_text=True)
    client.post(f"/t/zhen/cases/{case_id}/close", data={"summary": "已足额追回", "amount_recovered": "86400", "workers_helped": "12"})
    own = client.post(f"/t/zhen/cases/{case_id}/confirm", data={"rating": "5"})
    assert own.status_code == 422 and "办理人不能确认自己办理的案件" in own.get_data(as_text=True)
    login(client, "zhen", "chief1")
    assert client.post(f"/t/zhen/cases/{case_id}/confirm", data={"rating": "4", "note": "满意"}).status_code == 302
    page = client.get(f"/t/zhen/cases/{case_id}").get_data(as_text=True)
    assert "已确认" in page and "★★★★" in page and "86400" in page and "约谈记录.pdf" in page
    with in_tenant(app, town) as session:
        stored = counts.stored(town.id)
        assert stored[(2026, "delegation", "kind:rights")] == 1 and stored[(2026, "delegation", "amount_recovered")] == 86400
        assert [e.action for e in session.scalars(sa.select(CaseEvent).order_by(CaseEvent.id))] == ["opened", "accept", "note", "close", "confirm"]


def test_illegal_steps_are_refused(client, make_tenant, make_user, make_station, fixed_today):
    town = make_tenant("zhen")
    _s, (a,) = make_station(town, enterprises=1)
    make_user(town, "reader", role="viewer")
    login(client, "zhen")
    case_id = open_case(client, "zhen", [a])
    for action, data in (("close", {"summary": "x", "workers_helped": "1"}), ("confirm", {"rating": "5"}), ("note", {"happened_on": "2026-02-12", "text": "x"})):
        response = client.post(f"/t/zhen/cases/{case_id}/{action}", data=data)
        assert response.status_code == 422 and "案件待受理，不能" in response.get_data(as_text=True), action
    no_enterprise = client.post("/t/zhen/cases/new", data={"kind": "rights", "source": "station", "title": "无企业"})
    assert no_enterprise.status_code == 422 and "请选择本会的企业" in no_enterprise.get_data(as_text=True)
    login(client, "zhen", "reader")
    assert client.post(f"/t/zhen/cases/{case_id}/accept").status_code == 403


def test_a_town_passes_a_case_up_and_the_county_handles_it_seeing_nothing_else(app, client, make_tenant, make_station, fixed_today):
    county = make_tenant("xian", kind="county", name="某县总工会")
    town = make_tenant("zhen", kind="town", name="某镇总工会", parent=county)
    other_county = make_tenant("xian2", kind="county", name="另一县总工会")
    _s, (a, b) = make_station(town, enterprises=2)
    login(client, "zhen")
    escalated = open_case(client, "zhen", [a], kind="wage_negotiation", title="小微企业代为工资集体协商")
    private = open_case(client, "zhen", [b], title="本镇自办案件")
    assert client.post(f"/t/zhen/cases/{escalated}/escalate", data={"reason": ""}).status_code == 422
    client.post(f"/t/zhen/cases/{escalated}/escalate", data={"reason": "本镇无专业谈判人员"})
    assert "已提交 某县总工会" in client.get("/t/zhen/cases").get_data(as_text=True)
    assert client.post(f"/t/zhen/cases/{escalated}/accept").status_code == 403  # the parent accepts now

    login(client, "xian")
    queue = client.get("/t/xian/cases").get_data(as_text=True)
    assert "小微企业代为工资集体协商" in queue and "本镇自办案件" not in queue
    escalation_id = int(re.search(r"/cases/escalated/(\d+)", queue).group(1))
    page = client.get(f"/t/xian/cases/escalated/{escalation_id}").get_data(as_text=True)
    assert "本镇无专业谈判人员" in page and "某镇总工会 提交本会办理" in page
    client.post(f"/t/xian/cases/escalated/{escalation_id}/accept", data={})
    client.post(f"/t/xian/cases/escalated/{escalation_id}/close", data={"summary": "签订区域工资协议", "agreement_title": "某镇机械行业工资专项集体合同", "workers_covered": "380"})
    # the town's own cases stay out of reach: by id under the county's prefix they are the county's (none)
    assert client.get(f"/t/xian/cases/{private}").status_code == 404
    assert client.get(f"/t/xian/cases/escalated/{escalation_id + 1}").status_code == 404

    login(client, "zhen")
    page = client.get(f"/t/zhen/cases/{escalated}").get_data(as_text=True)
    assert "某县总工会 admin" in page and "某镇机械行业工资专项集体合同" in page and "已办结" in page
    assert client.post(f"/t/zhen/cases/{escalated}/confirm", data={"rating": "5"}).status_code == 302
    with in_tenant(app, county) as session:
        assert session.scalar(sa.select(CaseEscalation.status)) == "confirmed"  # the mirror follows the case

    login(client, "xian2")
    assert client.get(f"/t/xian2/cases/escalated/{escalation_id}").status_code == 404
    assert "小微企业" not in client.get("/t/xian2/cases").get_data(as_text=True)


def test_an_upper_federation_acts_on_behalf_and_every_change_says_so(app, client, make_tenant, make_station):
    county = make_tenant("xian", kind="county", name="某县总工会")
    town = make_tenant("zhen", kind="town", name="某镇总工会", parent=county)
    stranger = make_tenant("xian2", kind="county", name="另一县总工会")
    _s, (a,) = make_station(town, enterprises=1)
    login(client, "xian2")
    assert client.post(f"/t/xian2/act/{town.id}").status_code == 404  # outside its subtree
    login(client, "xian")
    assert "某镇总工会" in client.get("/t/xian/act").get_data(as_text=True)
    started = client.post(f"/t/xian/act/{town.id}")
    assert started.status_code == 302 and started.headers["Location"].endswith("/t/zhen/")
    home = client.get("/t/zhen/").get_data(as_text=True)
    assert "代 某镇总工会 办理" in home
    saved = client.post(f"/t/zhen/checklist/{a}/2026/member_congress", data={"version": "0", "status": "done", "held_on": "2026-01-20"})
    assert saved.status_code == 302
    page = client.get(f"/t/zhen/checklist/{a}/2026/member_congress").get_data(as_text=True)
    assert "由 某县总工会 管理员 代办" in page  # the acting user's federation and name
    assert client.get("/t/zhen/admin/users").status_code == 403  # not the town's accounts
    with in_tenant(app, town) as session:
        item = session.scalar(sa.select(ChecklistItem))
        assert item.updated_on_behalf_by == "某县总工会 管理员"
        event = session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "checklist.create"))
        assert (event.actor, event.actor_federation) == ("admin", "某县总工会")
    client.post("/t/zhen/act/stop")
    assert client.get("/t/zhen/").status_code == 302  # anonymous in the town again
    assert client.get("/t/xian/").status_code == 200  # still signed in at home


def test_the_dues_ledger_keeps_each_enterprises_account(client, make_tenant, make_station, fixed_today):
    town = make_tenant("zhen")
    _s, (a, b) = make_station(town, enterprises=2)
    login(client, "zhen")
    for kind, amount in (("collected", "1200"), ("returned", "96"), ("spent", "300")):
        assert client.post(f"/t/zhen/enterprises/{a}/dues", data={"entry_on": "2026-02-01", "kind": kind, "amount": amount}).status_code == 302
    client.post(f"/t/zhen/enterprises/{b}/dues", data={"entry_on": "2026-02-01", "kind": "collected", "amount": "500"})
    assert "本户余额 804.00 元" in client.get(f"/t/zhen/enterprises/{a}/dues").get_data(as_text=True)
    assert "本户余额 500.00 元" in client.get(f"/t/zhen/enterprises/{b}/dues").get_data(as_text=True)
    bad = client.post(f"/t/zhen/enterprises/{a}/dues", data={"entry_on": "2026-02-01", "kind": "collected", "amount": "-5"})
    assert bad.status_code == 422


def test_outcomes_and_dues_the_columns_cannot_hold_are_refused(app, client, make_tenant, make_station, fixed_today):
    town = make_tenant("zhen")
    _s, (a,) = make_station(town, enterprises=1)
    login(client, "zhen")
    client.post("/t/zhen/cases/new", data={"kind": "rights", "source": "station", "title": "欠薪", "enterprise_ids": [a]})
    client.post("/t/zhen/cases/1/accept", data={})
    for data, message in (({"workers_helped": "2147483648"}, "数值过大，不能超过 1000 万"),
                          ({"amount_recovered": "1e30"}, "数值超出范围，应在 ±9,999,999,999.99 之内"),
                          ({"amount_recovered": "NaN"}, "请填写有效的数字")):
        refused = client.post("/t/zhen/cases/1/close", data={"summary": "已追回", "workers_helped": "3", **data})
        assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    for amount in ("sNaN", "Infinity", "1E+999999999"):
        assert client.post(f"/t/zhen/enterprises/{a}/dues", data={"entry_on": "2026-02-01", "kind": "collected", "amount": amount}).status_code == 422
    with in_tenant(app, town) as session:
        assert session.scalar(sa.select(DelegationCase.status)) == "accepted"
    assert "本户余额 0.00 元" in client.get(f"/t/zhen/enterprises/{a}/dues").get_data(as_text=True)


def test_a_case_for_an_enterprise_id_the_database_cannot_hold_is_refused(app, client, make_tenant, make_station, fixed_today):
    town = make_tenant("zhen")
    make_station(town, enterprises=1)
    login(client, "zhen")
    for ids in (["9" * 60], [str(2**63)], ["-1"], ["abc"]):
        refused = client.post("/t/zhen/cases/new", data={"kind": "rights", "source": "station", "title": "欠薪", "enterprise_ids": ids})
        assert refused.status_code == 422 and "请选择本会的企业（可多选）" in refused.get_data(as_text=True)
    with in_tenant(app, town) as session:
        assert session.scalar(sa.select(sa.func.count(DelegationCase.id))) == 0


def test_overdue_cases_stand_out_in_the_queue_and_the_filter(client, make_tenant, make_station, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 6, 1))
    town = make_tenant("zhen")
    _s, (a,) = make_station(town, enterprises=1)
    login(client, "zhen")
    late = open_case(client, "zhen", [a], kind="legal_aid", title="迟办案件")
    open_case(client, "zhen", [a], title="新案件")
    client.post(f"/t/zhen/cases/{late}/accept", data={"due_on": "2026-06-03"})
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 6, 10))
    queue = client.get("/t/zhen/cases").get_data(as_text=True)
    assert "已逾期" in queue
    only_overdue = client.get("/t/zhen/cases?overdue=1", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert only_overdue.startswith('<div id="case-queue">') and "迟办案件" in only_overdue and "新案件" not in only_overdue


def test_no_case_route_reaches_another_federation(client, make_tenant, make_station, fixed_today):
    a, b = make_tenant("town-a"), make_tenant("town-b")
    _s, (enterprise_b,) = make_station(b, enterprises=1)
    login(client, "town-b")
    case_b = open_case(client, "town-b", [enterprise_b], title="乙镇案件")
    login(client, "town-a")
    for path in (f"/cases/{case_b}", f"/enterprises/{enterprise_b}/cases", f"/enterprises/{enterprise_b}/dues", "/cases/escalated/1"):
        response = client.get(f"/t/town-a{path}")
        assert response.status_code == 404 and "乙镇案件" not in response.get_data(as_text=True), path
        assert client.get(f"/t/town-b{path}").status_code == 302
    assert "乙镇案件" not in client.get("/t/town-a/cases").get_data(as_text=True)


def test_upper_dashboards_count_cases_with_outcomes_and_current_overdue(client, make_tenant, make_station, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 6, 1))
    county = make_tenant("xian", kind="county", name="某县总工会")
    town = make_tenant("zhen", kind="town", name="某镇总工会", parent=county)
    _s, (a,) = make_station(town, enterprises=1)
    login(client, "zhen")
    done = open_case(client, "zhen", [a], title="已办")
    late = open_case(client, "zhen", [a], kind="legal_aid", title="将逾期")
    client.post(f"/t/zhen/cases/{done}/accept", data={})
    client.post(f"/t/zhen/cases/{done}/close", data={"summary": "追回", "amount_recovered": "5000", "workers_helped": "3"})
    client.post(f"/t/zhen/cases/{late}/accept", data={"due_on": "2026-06-05"})
    login(client, "xian")
    url = f"/t/xian/dashboard/federations/{county.id}/panels/cases?year=2026"
    before = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 6, 8))  # no write since: still counted as overdue now
    after = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    row = lambda html: re.search(r"某镇总工会</a></td>(.*?)</tr>", html, re.S).group(1)  # noqa: E731
    cells = lambda html: [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row(html), re.S)]  # noqa: E731
    assert cells(before)[0] == "1" and cells(before)[4] == "1"  # one rights case, one legal aid
    assert cells(before)[6:9] == ["1", "1", "0"] and cells(after)[8] == "1"
    assert cells(after)[9:11] == ["5,000.00", "3"]


def test_a_restored_federation_passes_its_escalated_cases_to_its_new_parent(app, client, make_tenant, make_station, tmp_path):
    county = make_tenant("xian", kind="county", name="某县总工会")
    other_county = make_tenant("xian2", kind="county", name="另一县总工会")
    town = make_tenant("zhen", kind="town", name="某镇总工会", parent=county)
    _s, (a,) = make_station(town, enterprises=1)
    login(client, "zhen")
    escalated = open_case(client, "zhen", [a], kind="wage_negotiation", title="小微企业代为工资集体协商")
    client.post(f"/t/zhen/cases/{escalated}/escalate", data={"reason": "本镇无专业谈判人员"})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["tenants", "export", "zhen", str(tmp_path / "zhen.zip")]).exit_code == 0
    result = runner.invoke(args=["tenants", "import", str(tmp_path / "zhen.zip"), "zhen-copy", "--parent", "xian2"])
    assert result.exit_code == 0, result.output
    copy = registry_tenant(app, "zhen-copy")
    at_the_top = runner.invoke(args=["tenants", "import", str(tmp_path / "zhen.zip"), "zhen-top"])  # no parent: no one's
    assert at_the_top.exit_code == 0, at_the_top.output
    with in_tenant(app, copy) as session:
        case = session.get(DelegationCase, escalated)
        assert (case.escalated_to, case.escalated_to_name) == (other_county.id, "另一县总工会")
    with in_tenant(app, county) as session:  # the original's case only, not the copy's
        assert session.scalars(sa.select(CaseEscalation.origin_tenant_id).where(CaseEscalation.handler_tenant_id == county.id)).all() == [town.id]
        assert session.scalars(sa.select(CaseEscalation.origin_tenant_id).where(CaseEscalation.handler_tenant_id == other_county.id)).all() == [copy.id]
    login(client, "xian2")
    assert "小微企业代为工资集体协商" in client.get("/t/xian2/cases").get_data(as_text=True)


def registry_tenant(app, slug):
    from app.extensions import tenancy
    from tenants import registry

    with app.app_context(), tenancy.engines.shared.connect() as conn:
        return registry.find_by_slug(conn, slug)


def test_no_case_action_reaches_another_federation_and_nothing_is_stored(app, client, make_tenant, make_station, fixed_today):
    county = make_tenant("xian", kind="county", name="某县总工会")
    make_tenant("xian2", kind="county", name="另一县总工会")
    town = make_tenant("zhen", kind="town", name="某镇总工会", parent=county)
    _s, (a,) = make_station(town, enterprises=1)
    login(client, "zhen")
    case_id = open_case(client, "zhen", [a], kind="wage_negotiation", title="小微企业代为工资集体协商")
    client.post(f"/t/zhen/cases/{case_id}/escalate", data={"reason": "本镇无专业谈判人员"})
    with in_tenant(app, county) as session:
        escalation_id = session.scalar(sa.select(CaseEscalation.id))

    def stored():
        with in_tenant(app, town) as session:
            return (session.scalar(sa.select(DelegationCase.status)), session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)))

    before = stored()
    login(client, "xian2")  # not the handler: the escalation is not its to see or act on
    assert client.get(f"/t/xian2/cases/escalated/{escalation_id}").status_code == 404
    for action, data in (("accept", {}), ("note", {"text": "越权"}), ("close", {"summary": "越权"})):
        assert client.post(f"/t/xian2/cases/escalated/{escalation_id}/{action}", data=data).status_code == 404, action
    # signed in elsewhere, the town's own routes send to the town's sign-in, whatever is posted
    for path, data in ((f"/cases/{case_id}/note", {"text": "越权"}), (f"/cases/{case_id}/reopen", {"reason": "越权"}),
                       (f"/enterprises/{a}/dues", {"kind": "paid", "amount": "10", "entered_on": "2026-06-01"})):
        response = client.post(f"/t/zhen{path}", data=data)
        assert response.status_code == 302 and "/t/zhen/login" in response.headers["Location"], path
    assert stored() == before


def test_a_reason_longer_than_the_form_allows_is_refused_and_nothing_is_stored(app, client, make_tenant, make_station, fixed_today):
    county = make_tenant("xian", kind="county")
    town = make_tenant("zhen", parent=county)
    _s, (a,) = make_station(town, enterprises=1)
    login(client, "zhen")
    case_id = open_case(client, "zhen", [a])
    response = client.post(f"/t/zhen/cases/{case_id}/escalate", data={"reason": "长" * 2001})
    assert response.status_code == 422
    with in_tenant(app, town) as session:
        assert session.get(DelegationCase, case_id).escalated_to is None


def test_a_new_case_number_follows_the_highest_not_the_count(app, client, make_tenant, make_station, fixed_today):
    town = make_tenant("zhen")
    _s, (a,) = make_station(town, enterprises=1)
    login(client, "zhen")
    first = open_case(client, "zhen", [a])
    with in_tenant(app, town) as session:
        session.get(DelegationCase, first).number = "2026-0002"  # a gap: one case, numbered 2
        session.commit()
    second = open_case(client, "zhen", [a])
    with in_tenant(app, town) as session:
        assert session.get(DelegationCase, second).number == "2026-0003"


def test_two_cases_opened_at_the_same_instant_get_different_numbers(app, make_tenant, make_station, fixed_today):
    import threading

    from app.delegation import services
    town = make_tenant("zhen")
    _s, (a,) = make_station(town, enterprises=1)
    with in_tenant(app, town) as session:
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("SQLite serialises writers itself; the lock is PostgreSQL's")
    barrier, numbers, errors = threading.Barrier(2), [], []

    def open_one():
        try:
            with in_tenant(app, town) as session, app.test_request_context():
                barrier.wait(timeout=10)
                case = services.open_case({"kind": "rights", "source": "complaint", "title": "欠薪", "description": ""},
                                          [a], "admin")
                numbers.append(case.number)
                session.commit()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == [] and sorted(numbers) == ["2026-0001", "2026-0002"]


def test_the_queue_of_cases_passed_up_names_each_sender_and_numbers_are_unique_in_it(app, client, make_tenant, make_station, fixed_today):
    county = make_tenant("xian", kind="county", name="某县总工会")
    for slug, name in (("zhen", "甲镇总工会"), ("zhen2", "乙镇总工会")):
        town = make_tenant(slug, kind="town", name=name, parent=county)
        _s, (a,) = make_station(town, enterprises=1)
        login(client, slug)
        case_id = open_case(client, slug, [a], title=f"{name}的案件")
        client.post(f"/t/{slug}/cases/{case_id}/escalate", data={"reason": "本镇无专业人员"})
    login(client, "xian")
    queue = client.get("/t/xian/cases").get_data(as_text=True)
    passed_up = queue.split("下级提交本会办理的案件", 1)[1]
    rows = re.findall(r"<tr[^>]*><td>([^<]+)</td><td>([^<]+)</td>", passed_up)
    assert sorted(rows) == [("zhen/2026-0001", "甲镇总工会"), ("zhen2/2026-0001", "乙镇总工会")]
    assert "提交单位" in passed_up


def test_a_queue_number_is_qualified_by_its_sender():
    from app.delegation import rules
    assert rules.queue_number("zhen", "2026-0001") != rules.queue_number("zhen2", "2026-0001")


def test_the_cases_panel_and_its_export_show_the_same_figures_under_the_same_labels(client, make_tenant, make_station, monkeypatch):
    from openpyxl import load_workbook
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 6, 1))
    county = make_tenant("xian", kind="county", name="某县总工会")
    town = make_tenant("zhen", kind="town", name="某镇总工会", parent=county)
    _s, (a,) = make_station(town, enterprises=1)
    login(client, "zhen")
    done, pending, _waiting = (open_case(client, "zhen", [a], title=t) for t in ("已办", "办理中", "待受理"))
    for case_id in (done, pending):
        client.post(f"/t/zhen/cases/{case_id}/accept", data={})
    client.post(f"/t/zhen/cases/{done}/close", data={"summary": "追回", "amount_recovered": "5000", "workers_helped": "3"})
    login(client, "xian")
    base = f"/t/xian/dashboard/federations/{county.id}/panels/cases"
    html = client.get(base + "?year=2026", headers={"HX-Request": "true"}).get_data(as_text=True)
    header = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<th[^>]*>(.*?)</th>", html, re.S)]
    table = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html.split("<tbody>", 1)[1], re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        table[cells[0]] = cells[1:]
    book = load_workbook(io.BytesIO(client.get(base + ".xlsx?year=2026").data)).active
    sheet = [[cell.value for cell in row] for row in book.iter_rows()]
    assert sheet[0] == header
    exported = {str(row[0]): [f"{v:,.2f}" if isinstance(v, float) or (header[i + 1] == "追回金额（元）") else str(v)
                              for i, v in enumerate(row[1:])] for row in sheet[1:]}
    assert exported == table
    open_column, done_column = header.index("办理中") - 1, header.index("已办结") - 1
    assert (table["某镇总工会"][open_column], table["某镇总工会"][done_column]) == ("2", "1")


def test_a_payout_beyond_the_balance_is_refused_and_the_exact_balance_is_not(app, client, make_tenant, make_station, fixed_today):
    town = make_tenant("zhen")
    _s, (a,) = make_station(town, enterprises=1)
    login(client, "zhen")
    post = lambda day, kind, amount: client.post(f"/t/zhen/enterprises/{a}/dues", data={"entry_on": day, "kind": kind, "amount": amount})
    refused = post("2026-02-01", "spent", "5000")  # nothing collected
    assert refused.status_code == 422 and "余额不足" in refused.get_data(as_text=True)
    assert post("2026-02-01", "collected", "1000").status_code == 302
    refused = post("2026-02-02", "returned", "1000.01")  # one cent over
    assert refused.status_code == 422 and "本户可用余额 1,000.00 元" in refused.get_data(as_text=True)
    assert post("2026-02-02", "spent", "600").status_code == 302
    assert post("2026-02-03", "returned", "400").status_code == 302  # exactly the balance
    assert "本户余额 0.00 元" in client.get(f"/t/zhen/enterprises/{a}/dues").get_data(as_text=True)
    # A backdated payout cannot overdraw the account on its own date, though later collections would cover it.
    assert post("2026-03-01", "collected", "500").status_code == 302
    assert post("2026-01-15", "spent", "1").status_code == 422
    with in_tenant(app, town) as session:
        from app.delegation.models import DuesEntry
        assert session.scalar(sa.select(sa.func.count()).select_from(DuesEntry)) == 4


def test_first_overdraft_rule_at_its_boundaries():
    from decimal import Decimal as D
    from app.delegation.rules import first_overdraft
    assert first_overdraft([("collected", D("10")), ("spent", D("10"))]) is None
    assert first_overdraft([("collected", D("10")), ("spent", D("10.01"))]) == D("-0.01")
    assert first_overdraft([("spent", D("1")), ("collected", D("10"))]) == D("-1")
