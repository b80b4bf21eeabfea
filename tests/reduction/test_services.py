"""Registering documents, meetings and inspections: flags, overrides, the shared texts and summaries."""
import datetime as dt
import random

import pytest
import sqlalchemy as sa

from app.extensions import db, tenancy
from app.reduction import duplication, services, summary
from app.reduction.models import Document, DocumentFingerprint, Inspection, Meeting, DocumentText, ReductionFlag, ReductionSummary
from app.workdays import services as calendar_services
from tests.conftest import in_tenant
from tests.reduction.factories import (  # noqa: F401
    COPYING_DRAFT, INDEPENDENT_DRAFT, SUPERIOR_TEXT, document_values, fixed_today, inspection_values, meeting_values,
    register, tree,
)

D = dt.date


def flag_codes(app, tenant, subject_type, subject_id, *, active=True):
    with in_tenant(app, tenant) as session:
        query = sa.select(ReductionFlag.code).where(ReductionFlag.subject_type == subject_type, ReductionFlag.subject_id == subject_id)
        if active:
            query = query.where(ReductionFlag.is_active.is_(True))
        return sorted(session.scalars(query))


# Duplication ---------------------------------------------------------------------------------------------

def test_a_draft_copying_60_percent_with_the_place_names_swapped_is_returned(app, tree, register):
    register(tree["jiangsu"], title="江苏省总工会为基层减负若干措施", number="苏工发〔2026〕1号")
    with in_tenant(app, tree["haimen"]):
        report = duplication.check(COPYING_DRAFT, tree["haimen"])
    assert 55 < report.rate_pct < 75 and report.returned
    assert [(s.federation, s.number) for s in report.sources] == [("江苏省总工会", "苏工发〔2026〕1号")]
    copied = "".join(piece for piece, is_copied in report.segments if is_copied)
    assert "全区各级工会要注重改革创新" in copied and "我区将结合工会工作站建设" not in copied


def test_an_independent_text_passes(app, tree, register):
    register(tree["jiangsu"])
    with in_tenant(app, tree["haimen"]):
        report = duplication.check(INDEPENDENT_DRAFT, tree["haimen"])
    assert report.rate_pct < 10 and not report.returned and report.has_superiors


def test_only_ancestors_documents_are_superior(app, tree, register):
    register(tree["suzhou"], body=SUPERIOR_TEXT)      # a sibling of Nantong: not Haimen's superior
    register(tree["sanxing"], body=SUPERIOR_TEXT)     # below Haimen: not its superior either
    with in_tenant(app, tree["haimen"]):
        assert duplication.check(SUPERIOR_TEXT, tree["haimen"]).sources == []
    register(tree["nantong"], body=SUPERIOR_TEXT, title="南通转发")
    with in_tenant(app, tree["haimen"]):
        sources = duplication.check(SUPERIOR_TEXT, tree["haimen"]).sources
    assert [s.federation for s in sources] == ["南通市总工会"]
    with in_tenant(app, tree["jiangsu"]):
        top = duplication.check(SUPERIOR_TEXT, tree["jiangsu"])
    assert not top.has_superiors and top.covered == 0


def test_registering_a_copying_document_flags_it_and_the_text_is_shared_in_the_same_transaction(app, tree, register):
    register(tree["jiangsu"])
    document_id = register(tree["haimen"], body=COPYING_DRAFT, doc_type="forwarding", has_measures=False)
    assert flag_codes(app, tree["haimen"], "document", document_id) == ["duplicates_superior", "forwarding_without_measures"]
    with in_tenant(app, tree["haimen"]) as session:
        doc = session.get(Document, document_id)
        assert doc.duplication_pct > 50
        text_id = session.scalar(sa.select(DocumentText.id).where(DocumentText.tenant_id == tree["haimen"].id))
        assert session.scalar(sa.select(sa.func.count()).where(DocumentFingerprint.text_id == text_id)) > 10
        # a failing write leaves nothing shared behind
        services.save_document(None, document_values(body=INDEPENDENT_DRAFT, title="未提交"), "admin")
        session.rollback()
        assert session.scalar(sa.select(sa.func.count()).select_from(DocumentText).where(
            DocumentText.tenant_id == tree["haimen"].id)) == 1


def test_deleting_a_document_removes_its_shared_text(app, tree, register):
    document_id = register(tree["jiangsu"])
    with in_tenant(app, tree["jiangsu"]) as session:
        services.delete_document(session.get(Document, document_id), "admin")
        session.commit()
        assert session.scalar(sa.select(sa.func.count()).select_from(DocumentFingerprint)) == 0
        assert session.scalar(sa.select(sa.func.count()).select_from(DocumentText)) == 0
    with in_tenant(app, tree["haimen"]):
        assert duplication.check(SUPERIOR_TEXT, tree["haimen"]).covered == 0


def test_a_document_number_is_unique_in_its_federation(app, tree, register):
    register(tree["haimen"], number="海工发〔2026〕3号")
    register(tree["sanxing"], number="海工发〔2026〕3号")  # another federation may use the same number
    with in_tenant(app, tree["haimen"]):
        with pytest.raises(services.ReductionError, match="已登记为"):
            services.save_document(None, document_values(number="海工发〔2026〕3号"), "admin")


# Meetings and overrides ------------------------------------------------------------------------------------

def test_a_second_work_meeting_is_flagged_until_the_first_is_removed(app, tree, register):
    first = register(tree["haimen"], "meeting", kind="work", held_on=D(2026, 3, 1))
    second = register(tree["haimen"], "meeting", kind="work", held_on=D(2026, 5, 1))
    other_department = register(tree["haimen"], "meeting", kind="work", held_on=D(2026, 5, 2), department="宣传部")
    assert flag_codes(app, tree["haimen"], "meeting", first) == []
    assert flag_codes(app, tree["haimen"], "meeting", second) == ["second_work_meeting"]
    assert flag_codes(app, tree["haimen"], "meeting", other_department) == []
    with in_tenant(app, tree["haimen"]) as session:
        services.delete_meeting(session.get(Meeting, first), "admin")
        session.commit()
    assert flag_codes(app, tree["haimen"], "meeting", second) == []


def test_an_override_needs_a_reason_holds_while_the_facts_do_and_is_kept(app, tree, register):
    meeting_id = register(tree["haimen"], "meeting", duration_minutes=120)
    with in_tenant(app, tree["haimen"]) as session:
        flag = session.scalar(sa.select(ReductionFlag).where(ReductionFlag.subject_id == meeting_id))
        with pytest.raises(services.ReductionError, match="理由"):
            services.override_flag(flag, " 需要 ", "admin")
        services.override_flag(flag, "省委部署的专题培训，需要半天", "admin")
        session.commit()
        assert not flag.is_open and flag.is_overridden
        meeting = session.get(Meeting, meeting_id)
        services.save_meeting(meeting, meeting_values(title=meeting.title, duration_minutes=120, held_on=D(2026, 6, 16)), "admin")
        session.commit()
        session.refresh(flag)
        assert not flag.is_open                             # same facts: the reason still holds
        services.save_meeting(meeting, meeting_values(duration_minutes=150), "admin")
        session.commit()
        session.refresh(flag)
        assert flag.is_open and flag.has_stale_override    # 150 minutes is another matter; the old reason is kept
        assert flag.override_reason == "省委部署的专题培训，需要半天"
        services.save_meeting(meeting, meeting_values(duration_minutes=90), "admin")
        session.commit()
        session.refresh(flag)
        assert not flag.is_active and not flag.is_open


# Inspections and the calendar ------------------------------------------------------------------------------

def test_inspections_visit_only_the_subtree_below(app, tree, register):
    with in_tenant(app, tree["haimen"]):
        for outsider in (tree["suzhou"].id, tree["haimen"].id, tree["jiangsu"].id):
            with pytest.raises(services.ReductionError, match="下级"):
                services.save_inspection(None, inspection_values(), [outsider], "admin")
    register(tree["haimen"], "inspection", targets=[tree["sanxing"].id, tree["changle"].id])


def test_overlapping_and_repeated_inspections_are_flagged(app, tree, register):
    sanxing, changle = tree["sanxing"].id, tree["changle"].id
    first = register(tree["haimen"], "inspection", targets=[sanxing])
    clash = register(tree["haimen"], "inspection", targets=[sanxing, changle], department="宣传部",
                     starts_on=D(2026, 6, 10), ends_on=D(2026, 6, 11))
    again = register(tree["haimen"], "inspection", targets=[sanxing], starts_on=D(2026, 9, 7), ends_on=D(2026, 9, 8))
    assert flag_codes(app, tree["haimen"], "inspection", first) == ["overlapping_inspections"]
    assert flag_codes(app, tree["haimen"], "inspection", clash) == ["overlapping_inspections"]
    assert flag_codes(app, tree["haimen"], "inspection", again) == ["repeat_inspection"]


def test_make_up_workdays_count_as_workdays_and_holidays_do_not(app, tree, register):
    target = [tree["sanxing"].id]
    over_make_up_saturday = register(tree["haimen"], "inspection", targets=target, starts_on=D(2026, 10, 8), ends_on=D(2026, 10, 10))
    over_national_day = register(tree["haimen"], "inspection", targets=[tree["changle"].id], department="宣传部",
                                 starts_on=D(2026, 9, 30), ends_on=D(2026, 10, 1))
    assert flag_codes(app, tree["haimen"], "inspection", over_make_up_saturday) == []
    assert flag_codes(app, tree["haimen"], "inspection", over_national_day) == ["rest_day_inspection"]


def test_a_year_the_package_does_not_know_falls_back_to_weekends_until_entered(app, tree, register):
    # 2099-01-01 is a Thursday; nothing known: worked
    inspection_id = register(tree["haimen"], "inspection", targets=[tree["sanxing"].id],
                             starts_on=D(2099, 1, 1), ends_on=D(2099, 1, 2))
    assert flag_codes(app, tree["haimen"], "inspection", inspection_id) == []
    with app.app_context():
        calendar_services.set_day(D(2099, 1, 1), False, "元旦", actor="jiangsu/admin")
        db.session.commit()
    with in_tenant(app, tree["haimen"]) as session:
        services.recheck_year(2099, "admin")
        session.commit()
    assert flag_codes(app, tree["haimen"], "inspection", inspection_id) == ["rest_day_inspection"]


def test_items_are_compared_with_last_years_total(app, tree, register):
    register(tree["haimen"], "inspection", targets=[tree["sanxing"].id], starts_on=D(2025, 6, 9), ends_on=D(2025, 6, 10), items=20)
    within = register(tree["haimen"], "inspection", targets=[tree["sanxing"].id], items=10)
    over = register(tree["haimen"], "inspection", targets=[tree["changle"].id], items=1, starts_on=D(2026, 7, 6), ends_on=D(2026, 7, 7))
    assert flag_codes(app, tree["haimen"], "inspection", within) == []
    assert flag_codes(app, tree["haimen"], "inspection", over) == ["items_not_halved"]


def test_moving_an_inspection_to_an_earlier_year_rechecks_the_year_after_the_one_it_left(app, tree, register):
    from tests.reduction.factories import inspection_values

    town = [tree["sanxing"].id]
    moved = register(tree["haimen"], "inspection", targets=town, starts_on=D(2025, 6, 9), ends_on=D(2025, 6, 10), items=20)
    register(tree["haimen"], "inspection", targets=town, starts_on=D(2025, 7, 7), ends_on=D(2025, 7, 8), items=2)
    this_year = register(tree["haimen"], "inspection", targets=town, items=10)  # 2026: 10 of a limit of 11 (22 / 2)
    assert flag_codes(app, tree["haimen"], "inspection", this_year) == []
    with in_tenant(app, tree["haimen"]) as session:
        services.save_inspection(session.get(Inspection, moved), inspection_values(starts_on=D(2024, 6, 10), ends_on=D(2024, 6, 11),
                                                                                   items=20), town, "admin")
        session.commit()
    # 2025 now holds 2 items: 2026's 10 are more than half of them
    assert flag_codes(app, tree["haimen"], "inspection", this_year) == ["items_not_halved"]


# Summaries -----------------------------------------------------------------------------------------------

def test_the_summary_equals_a_recount_after_random_edits(app, tree, register):
    haimen = tree["haimen"]
    rng = random.Random(2026)
    targets = [tree["sanxing"].id, tree["changle"].id]
    with in_tenant(app, haimen) as session:
        for step in range(60):
            year = rng.choice([2025, 2026])
            day = D(year, rng.randint(1, 12), rng.randint(1, 28))
            action = rng.random()
            if action < 0.3:
                services.save_document(None, document_values(
                    title=f"文{step}", issued_on=day, doc_type=rng.choice(["general", "briefing", "forwarding", "other"]),
                    is_routine=rng.random() < 0.5, has_measures=rng.random() < 0.5, body=f"第{step}号文件。" + INDEPENDENT_DRAFT[step:]), "admin")
            elif action < 0.55:
                services.save_meeting(None, meeting_values(held_on=day, kind=rng.choice(["work", "other"]),
                                                           duration_minutes=rng.choice([60, 90, 91, 150]),
                                                           mode=rng.choice(["video", "onsite"]), levels_down=rng.randint(0, 3)), "admin")
            elif action < 0.75:
                services.save_inspection(None, inspection_values(starts_on=day, ends_on=day + dt.timedelta(days=rng.randint(0, 2)),
                                                                 items=rng.randint(0, 15), department=rng.choice(["组织部", "宣传部"])),
                                         rng.sample(targets, rng.randint(1, 2)), "admin")
            elif action < 0.85:
                meeting = session.scalar(sa.select(Meeting).order_by(sa.func.random()).limit(1))
                if meeting:
                    services.save_meeting(meeting, meeting_values(held_on=day, duration_minutes=rng.choice([30, 120])), "admin")
            elif action < 0.92:
                flag = session.scalar(sa.select(ReductionFlag).where(ReductionFlag.is_open.is_(True)).limit(1))
                if flag:
                    services.override_flag(flag, "经研究确有必要", "admin")
            else:
                victim = session.scalar(sa.select(Inspection).order_by(sa.func.random()).limit(1))
                if victim:
                    services.delete_inspection(victim, "admin")
            session.commit()
        stored = summary.stored(session, haimen.id)
        recount = {year: summary.count_year(session, year) for year in summary.years_with_data(session)}
    assert stored and set(recount) <= set(stored)
    assert {year: stored[year] for year in recount} == recount
    assert all(sum(figures.values()) == 0 for year, figures in stored.items() if year not in recount)
    with app.app_context():
        assert summary.rebuild_reduction_summary(haimen) == {year: stored[year] for year in stored}


def test_rebuilding_repairs_a_summary_that_drifted(app, tree, register):
    register(tree["haimen"], "meeting")
    with app.app_context(), tenancy.engines.shared.connect() as conn, conn.begin():
        conn.execute(sa.update(ReductionSummary).values(meetings=99))
    with app.app_context():
        rebuilt = summary.rebuild_reduction_summary(tree["haimen"])
    with in_tenant(app, tree["haimen"]) as session:
        assert rebuilt[2026]["meetings"] == 1 == summary.stored(session, tree["haimen"].id)[2026]["meetings"]


def test_the_roll_up_of_a_subtree_is_one_query(app, tree, register):
    register(tree["haimen"], "meeting")
    register(tree["sanxing"], doc_type="general")
    register(tree["sanxing"], doc_type="general", issued_on=D(2025, 3, 1), body=INDEPENDENT_DRAFT)
    statements = []
    with in_tenant(app, tree["nantong"]) as session:
        connection = session.connection()

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        sa.event.listen(connection, "before_cursor_execute", count)
        rows = summary.rollup(session, tree["nantong"], 2026)
        sa.event.remove(connection, "before_cursor_execute", count)
    by_name = {r.name: r for r in rows}
    assert list(by_name) == ["南通市总工会", "南通市海门区总工会", "海门区三星镇总工会", "海门区常乐镇总工会"]
    assert by_name["南通市海门区总工会"].this_year["meetings"] == 1
    assert (by_name["海门区三星镇总工会"].last_year["general_documents"], by_name["海门区三星镇总工会"].this_year["general_documents"]) == (1, 1)
    assert len(statements) == 1 and "reduction_summaries" in statements[0]
    assert summary.totals(rows).this_year["meetings"] == 1


def test_a_province_document_is_not_compared_and_says_so(app, tree, register):
    """Nothing is above the province: its documents have no rate (未比对), not 0.0%."""
    document_id = register(tree["jiangsu"])
    with in_tenant(app, tree["jiangsu"]) as session:
        doc = session.get(Document, document_id)
        assert doc.duplication_total is None and doc.duplication_pct is None


def test_the_recheck_recomputes_the_copy_rate(app, tree, register):
    """A county copy saved before its provincial source: the recheck measures it again and flags it."""
    document_id = register(tree["haimen"], body=COPYING_DRAFT)
    assert flag_codes(app, tree["haimen"], "document", document_id) == []
    register(tree["jiangsu"])
    with in_tenant(app, tree["haimen"]) as session:
        services.recheck_year(document_values()["issued_on"].year, "admin")
        session.commit()
        assert session.get(Document, document_id).duplication_pct > 50
    assert flag_codes(app, tree["haimen"], "document", document_id) == ["duplicates_superior"]
