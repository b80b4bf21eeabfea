import datetime as dt

import pytest

from app.auth import rules

NOW = dt.datetime(2026, 11, 21, 9, 0, 0)
POLICY = rules.LoginPolicy(slowdown_after=3, lock_after=6, lock_minutes=15, base_delay_seconds=5)


@pytest.mark.parametrize(
    "failures, seconds_since_last_failure, allowed, wait",
    [
        (0, None, True, 0),
        (2, 0, True, 0),          # below the slowdown threshold: no wait
        (3, 0, False, 5),         # third failure: wait 5 s
        (3, 5, True, 0),
        (4, 3, False, 7),         # doubling: 10 s after the fourth
        (5, 19, False, 1),        # 20 s after the fifth
        (5, 20, True, 0),
    ],
)
def test_login_slows_down_after_repeated_failures(failures, seconds_since_last_failure, allowed, wait):
    last = None if seconds_since_last_failure is None else NOW - dt.timedelta(seconds=seconds_since_last_failure)
    gate = rules.login_gate(failures, last, None, NOW, POLICY)
    assert (gate.allowed, gate.wait_seconds, gate.locked) == (allowed, wait, False)


def test_locked_account_waits_out_the_lock():
    gate = rules.login_gate(6, NOW, NOW + dt.timedelta(minutes=14, seconds=30), NOW, POLICY)
    assert gate == rules.LoginGate(False, 870, locked=True)


def test_an_expired_lock_lets_the_user_try_again():
    assert rules.login_gate(6, NOW - dt.timedelta(minutes=16), NOW - dt.timedelta(minutes=1), NOW, POLICY).allowed


@pytest.mark.parametrize("failures, locks", [(0, False), (4, False), (5, True), (9, True)])
def test_the_sixth_failure_locks_for_fifteen_minutes(failures, locks):
    count, locked_until = rules.after_failure(failures, NOW, POLICY)
    assert count == failures + 1
    assert locked_until == (NOW + dt.timedelta(minutes=15) if locks else None)


@pytest.mark.parametrize(
    "username, ok",
    [("admin", True), ("zhang.san", True), ("li-si_2", True), ("a", False), ("张三", False), ("-x", False), ("a" * 65, False)],
)
def test_usernames(username, ok):
    assert (rules.username_problem(username) is None) is ok


@pytest.mark.parametrize("password, ok", [("short1", False), ("12345678", False), ("jiceng2026", True), ("长密码长密码长密码", True)])
def test_passwords(password, ok):
    assert (rules.password_problem(password) is None) is ok


def test_usernames_are_case_insensitive():
    assert rules.normalise_username("  Admin ") == "admin"
