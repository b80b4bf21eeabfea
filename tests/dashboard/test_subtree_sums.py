"""Each federation's subtree sums (shared.subtree_counts, what dashboards read) stay equal to the sum of
the counts of every federation below it, whatever is written, rolled back, dropped or rebuilt."""
import datetime as dt
import random
import threading
from collections import defaultdict
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import tenancy
from app.stations import services as station_services
from app.stations.models import WorkStation
from app.summaries import counts
from tenants import registry
from tests.conftest import PASSWORD, in_tenant
from tests.stations.factories import enterprise_values, fixed_today, make_station  # noqa: F401 (fixtures)

TASKS = ("member_congress", "workers_congress", "wage_negotiation", "labour_competition", "cultural_activity")


def recounted_sums(app) -> dict[tuple[int, int, str, str], Decimal]:
    """(ancestor, year, area, key) → value, summed here from every federation's counts and the registry."""
    with app.app_context(), tenancy.engines.shared.connect() as conn:
        tenants = registry.all_tenants(conn)
        rows = conn.execute(sa.select(counts.FederationCount.tenant_id, counts.FederationCount.year,
                                      counts.FederationCount.area, counts.FederationCount.key, counts.FederationCount.value)).all()
    paths = {t.id: t.path for t in tenants}
    sums: dict = defaultdict(Decimal)
    for tenant_id, year, area, key, value in rows:
        for ancestor in tenants:
            if paths[tenant_id].startswith(ancestor.path):
                sums[(ancestor.id, year, area, key)] += Decimal(value)
    return {k: v for k, v in sums.items() if v}


def stored_sums(app) -> dict[tuple[int, int, str, str], Decimal]:
    with app.app_context(), tenancy.engines.shared.connect() as conn:
        rows = conn.execute(sa.select(counts.SubtreeCount.ancestor_id, counts.SubtreeCount.year, counts.SubtreeCount.area,
                                      counts.SubtreeCount.key, counts.SubtreeCount.value)).all()
    return {(a, y, ar, k): Decimal(v) for a, y, ar, k, v in rows if v}


def login(client, slug):
    client.post(f"/t/{slug}/logout")
    assert client.post(f"/t/{slug}/login", data={"username": "admin", "password": PASSWORD}).status_code == 302


def tree(make_tenant, make_station):
    """A city → two counties → three towns, each town with a station; the city has a station of its own."""
    city = make_tenant("shi", kind="city", name="某市总工会")
    county1 = make_tenant("xian1", kind="county", name="甲县总工会", parent=city)
    county2 = make_tenant("xian2", kind="county", name="乙县总工会", parent=city)
    towns = [make_tenant("zhen1", parent=county1), make_tenant("zhen2", parent=county1), make_tenant("zhen3", parent=county2)]
    enterprises = {t.slug: make_station(t, f"{t.slug}一站", enterprises=3) for t in towns}
    enterprises["shi"] = make_station(city, "市直一站", enterprises=2)
    return city, county1, county2, towns, enterprises


def random_edits(client, enterprises, steps, seed):
    rng = random.Random(seed)
    for step in range(steps):
        slug = rng.choice(sorted(enterprises))
        station_id, ids = enterprises[slug]
        login(client, slug)
        enterprise_id, action = rng.choice(ids), rng.random()
        if action < 0.5:
            url = f"/t/{slug}/checklist/{enterprise_id}/2026/{rng.choice(TASKS)}"
            version = client.get(url).get_data(as_text=True).split('name="version" type="hidden" value="')[1].split('"')[0]
            status = rng.choice(["done", "planned", "not_started"])
            saved = client.post(url, data={"version": version, "status": status, "held_on": "2026-03-01" if status == "done" else "",
                                           "planned_on": "2026-09-01" if status == "planned" else ""})
        elif action < 0.65:
            saved = client.post(f"/t/{slug}/enterprises/{enterprise_id}/move",
                                data={"station_id": rng.choice([0, station_id]), "moved_on": f"2026-0{rng.randint(2, 6)}-01"})
        elif action < 0.85:
            response = client.post(f"/t/{slug}/cases/new", data={"kind": "rights", "source": "complaint", "title": f"案件{step}",
                                                                   "description": "", "enterprise_ids": [enterprise_id]})
            case_id = int(response.headers["Location"].rsplit("/", 1)[1])
            saved = client.post(f"/t/{slug}/cases/{case_id}/accept", data={"due_on": f"2026-{rng.randint(6, 7):02d}-{rng.randint(16, 28):02d}"})
        else:
            saved = client.post(f"/t/{slug}/stations/{station_id}", data={"name": f"{slug}一站", "mode": rng.choice(["industry", "region"]),
                                                                          "coverage": "", "host_enterprise": "", "status": "active"})
        assert saved.status_code == 302, (step, saved.get_data(as_text=True)[:300])  # a refused write would prove nothing


def test_after_random_edits_across_the_tree_every_subtree_sum_equals_a_recount(app, client, make_tenant, make_station):
    city, county1, county2, towns, enterprises = tree(make_tenant, make_station)
    random_edits(client, enterprises, 40, seed=11)
    sums = stored_sums(app)
    assert sums == recounted_sums(app)
    # by hand: the city's subtree holds every enterprise still in a station; county 1 holds zhen1 and zhen2's
    with app.app_context(), tenancy.engines.shared.connect() as conn:
        city_total = counts.subtree_totals(conn, city, 2026, "checklist")["enterprises"]
        by_child = counts.totals_by_child(conn, city, 2026, "checklist")
    own = {slug: counts_of(app, t) for slug, t in [("zhen1", towns[0]), ("zhen2", towns[1]), ("zhen3", towns[2])]}
    assert by_child[county1.id]["enterprises"] == own["zhen1"] + own["zhen2"]
    assert by_child[county2.id]["enterprises"] == own["zhen3"]
    assert city_total == own["zhen1"] + own["zhen2"] + own["zhen3"] + by_child[city.id]["enterprises"]
    assert any(area == "deadlines" for (_a, _y, area, _k) in sums)


def counts_of(app, tenant):
    with in_tenant(app, tenant):
        return counts.stored(tenant.id).get((2026, "checklist", "enterprises"), Decimal(0))


def test_a_rolled_back_write_leaves_the_sums_as_they_were(app, make_tenant, make_station):
    county = make_tenant("xian", kind="county")
    town = make_tenant("zhen", parent=county)
    station_id, _ = make_station(town, enterprises=2)
    before = stored_sums(app)
    assert before[(county.id, 2026, "checklist", "enterprises")] == 2
    with in_tenant(app, town) as session:
        station_services.add_enterprise(session.get(WorkStation, station_id), enterprise_values(), "t", on=dt.date(2026, 1, 1))
        session.rollback()
        assert counts._BASELINE not in session().info  # the rolled-back change is not added at the next commit
        station_services.add_enterprise(session.get(WorkStation, station_id), enterprise_values(), "t", on=dt.date(2026, 1, 1))
        session.commit()
    assert stored_sums(app)[(county.id, 2026, "checklist", "enterprises")] == 3
    assert stored_sums(app) == recounted_sums(app)


def test_dropping_a_federation_takes_its_counts_out_of_its_ancestors(app, client, make_tenant, make_station):
    city, county1, _county2, towns, enterprises = tree(make_tenant, make_station)
    random_edits(client, enterprises, 10, seed=3)
    before = stored_sums(app)[(county1.id, 2026, "checklist", "enterprises")]
    gone = counts_of(app, towns[1])
    result = app.test_cli_runner().invoke(args=["tenants", "drop", "zhen2", "--yes"])
    assert result.exit_code == 0, result.output
    assert stored_sums(app)[(county1.id, 2026, "checklist", "enterprises")] == before - gone
    assert stored_sums(app) == recounted_sums(app)


def test_the_rebuild_command_recomputes_lost_or_wrong_sums(app, client, make_tenant, make_station):
    city, *_rest, enterprises = tree(make_tenant, make_station)
    random_edits(client, enterprises, 10, seed=5)
    good = stored_sums(app)
    with app.app_context(), tenancy.engines.shared.begin() as conn:
        conn.execute(sa.delete(counts.SubtreeCount).where(counts.SubtreeCount.ancestor_id == city.id))
        conn.execute(sa.update(counts.SubtreeCount).values(value=counts.SubtreeCount.value + 7))
    assert stored_sums(app) != good
    result = app.test_cli_runner().invoke(args=["summary", "rebuild", "--tenant", "zhen1"])
    assert result.exit_code == 0 and "已重算 1 个工会" in result.output
    assert stored_sums(app) == good == recounted_sums(app)


def test_overdue_cases_are_summed_from_due_dates_before_today(app, client, make_tenant, make_station):
    county = make_tenant("xian", kind="county")
    town = make_tenant("zhen", parent=county)
    _s, (a,) = make_station(town, enterprises=1)
    login(client, "zhen")
    for due in ("2026-06-20", "2026-06-22", "2026-06-22", "2026-06-30"):
        response = client.post("/t/zhen/cases/new", data={"kind": "rights", "source": "complaint", "title": "欠薪",
                                                          "description": "", "enterprise_ids": [a]})
        assert client.post(response.headers["Location"] + "/accept", data={"due_on": due}).status_code == 302
    from app.delegation.services import overdue_by_child

    with app.app_context(), tenancy.engines.shared.connect() as conn:
        root = registry.get_by_id(conn, county.id)
        assert overdue_by_child(conn, root, 2026, dt.date(2026, 6, 20)) == {}
        assert overdue_by_child(conn, root, 2026, dt.date(2026, 6, 23)) == {town.id: 3}
        assert overdue_by_child(conn, root, 2026, dt.date(2026, 7, 1)) == {town.id: 4}
        assert overdue_by_child(conn, root, 2025, dt.date(2026, 7, 1)) == {}


@pytest.mark.only_on("postgresql")
def test_concurrent_writers_under_one_county_lose_nothing_and_do_not_deadlock(app, make_tenant, make_station):
    """Four threads, two in each of two towns of one county, each adding enterprises (every add rewrites its
    town's counts and, at commit, the county's and its own sums): the per-federation lock and the ordered
    upserts must neither lose an addition nor deadlock."""
    county = make_tenant("xian", kind="county")
    towns = [make_tenant("zhen1", parent=county), make_tenant("zhen2", parent=county)]
    stations = {t.slug: make_station(t, enterprises=0)[0] for t in towns}
    errors, per_thread = [], 8
    start = threading.Barrier(4)

    def writer(tenant):
        try:
            start.wait()
            for _ in range(per_thread):
                with in_tenant(app, tenant) as session:
                    station_services.add_enterprise(session.get(WorkStation, stations[tenant.slug]), enterprise_values(), "t",
                                                    on=dt.date(2026, 1, 1))
                    session.commit()
        except Exception as exc:  # reported below, with the thread's tenant
            errors.append(f"{tenant.slug}: {exc!r}")

    threads = [threading.Thread(target=writer, args=(t,)) for t in towns for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    sums = stored_sums(app)
    assert sums[(county.id, 2026, "checklist", "enterprises")] == 4 * per_thread
    assert sums[(towns[0].id, 2026, "checklist", "enterprises")] == 2 * per_thread
    assert sums == recounted_sums(app)


def test_a_restored_federation_adds_its_counts_to_its_new_ancestors(app, client, make_tenant, make_station, tmp_path):
    city, county1, county2, towns, enterprises = tree(make_tenant, make_station)
    random_edits(client, enterprises, 10, seed=9)
    before = stored_sums(app)[(county2.id, 2026, "checklist", "enterprises")]
    runner = app.test_cli_runner()
    assert runner.invoke(args=["tenants", "export", "zhen1", str(tmp_path / "zhen1.zip")]).exit_code == 0
    result = runner.invoke(args=["tenants", "import", str(tmp_path / "zhen1.zip"), "zhen1-copy", "--parent", "xian2"])
    assert result.exit_code == 0, result.output
    assert stored_sums(app)[(county2.id, 2026, "checklist", "enterprises")] == before + counts_of(app, towns[0])
    assert stored_sums(app) == recounted_sums(app)
