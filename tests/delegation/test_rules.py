import datetime as dt
from decimal import Decimal as D

import pytest

from app.delegation import rules
from app.workdays.calendar import WorkCalendar

CALENDAR = WorkCalendar()  # the package's own arrangement for 2026


@pytest.mark.parametrize(
    "status, action, after",
    [("requested", "accept", "accepted"), ("accepted", "note", "in_progress"), ("in_progress", "note", "in_progress"),
     ("accepted", "close", "closed"), ("in_progress", "close", "closed"), ("closed", "confirm", "confirmed"),
     ("closed", "reopen", "in_progress"), ("in_progress", "escalate", "requested"), ("requested", "escalate", "requested")],
)
def test_legal_transitions(status, action, after):
    assert rules.next_status(status, action) == after


@pytest.mark.parametrize(
    "status, action",
    [("requested", "close"), ("requested", "confirm"), ("requested", "note"), ("accepted", "accept"), ("accepted", "confirm"),
     ("closed", "accept"), ("closed", "close"), ("closed", "escalate"), ("confirmed", "reopen"), ("confirmed", "note"),
     ("confirmed", "confirm"), ("in_progress", "bribe")],
)
def test_illegal_transitions_are_refused_with_a_reason(status, action):
    with pytest.raises(rules.IllegalTransition):
        rules.next_status(status, action)


@pytest.mark.parametrize(
    "accepted, kind, due",
    [
        # Spring Festival 2026: 15–23 Feb off, Sat 14 Feb and Sat 28 Feb are make-up workdays
        (dt.date(2026, 2, 12), "legal_aid", dt.date(2026, 2, 26)),   # 13, 14(Sat), 24, 25, 26
        (dt.date(2026, 2, 12), "rights", dt.date(2026, 3, 4)),       # …, 27, 28(Sat), 2 Mar, 3, 4
        (dt.date(2026, 6, 12), "legal_aid", dt.date(2026, 6, 22)),   # an ordinary weekend: 15–19, then 22
    ],
)
def test_due_dates_count_working_days_of_the_chinese_calendar(accepted, kind, due):
    assert rules.due_on(accepted, kind, CALENDAR.add_working_days) == due


@pytest.mark.parametrize(
    "status, due, overdue",
    [("accepted", dt.date(2026, 6, 14), True), ("in_progress", dt.date(2026, 6, 15), False), ("closed", dt.date(2026, 1, 1), False),
     ("requested", None, False)],
)
def test_overdue(status, due, overdue):
    assert rules.is_overdue(status, due, dt.date(2026, 6, 15)) is overdue


@pytest.mark.parametrize(
    "kind, outcome, missing",
    [("rights", {"summary": "已追回"}, {"workers_helped"}), ("rights", {"summary": "x", "workers_helped": 12}, set()),
     ("wage_negotiation", {"summary": "x", "agreement_title": "区域协议"}, {"workers_covered"}),
     ("election", {"summary": "x", "election_result": " "}, {"election_result"}), ("other", {}, {"summary"}),
     ("rights", {"summary": "x", "workers_helped": 3, "amount_recovered": D("-1")}, {"amount_recovered"})],
)
def test_closing_needs_the_outcome_of_its_kind(kind, outcome, missing):
    assert set(rules.outcome_problems(kind, outcome)) == missing


@pytest.mark.parametrize("rating, ok", [(None, False), (0, False), (1, True), (5, True), (6, False)])
def test_ratings(rating, ok):
    assert (rules.rating_problem(rating) is None) is ok


def test_a_dues_account_adds_collections_and_subtracts_returns_and_spending():
    assert rules.ledger_balance([("collected", D("1000")), ("returned", D("80")), ("spent", D("120.5"))]) == D("799.5")


def test_the_election_kind_is_helping_a_grassroots_union_organise_its_election():
    # Seed 001's "提交乡镇(街道)工会代民主选举" is the town union's congress electing a vetted cadre, not an upper level
    # holding the election on the union's behalf; the stored code stays "election" so existing cases keep their kind.
    assert rules.KINDS["election"] == "协助组织民主选举"
    assert "代民主选举" not in rules.KINDS.values()
    assert rules.REQUIRED_OUTCOMES["election"] == ("election_result",)
