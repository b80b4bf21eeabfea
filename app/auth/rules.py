"""Account rules: roles, usernames, passwords and the login throttle. Plain functions, no Flask."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

ADMIN, CHIEF, DEPUTY, STAFF, VIEWER = "admin", "chief", "deputy", "staff", "viewer"

# Codes are what the CLI prints; labels go through the translation catalogue in the UI.
ROLES = {
    ADMIN: "管理员",
    CHIEF: "站长",
    DEPUTY: "副站长",
    STAFF: "工作站工作人员",
    VIEWER: "只读用户",
}

_USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.\-]{1,63}$")
MIN_PASSWORD_LENGTH = 8


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def username_problem(username: str) -> str | None:
    """Why a (normalised) username is unusable, or None."""
    if not _USERNAME_RE.match(username):
        return "用户名为 2–64 位小写英文字母、数字或 _ . -，以字母或数字开头"
    return None


def password_problem(password: str) -> str | None:
    """Why a password is too weak, or None."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return f"密码至少 {MIN_PASSWORD_LENGTH} 位"
    if password.isdigit():
        return "密码不能全是数字"
    return None


@dataclasses.dataclass(frozen=True)
class LoginPolicy:
    slowdown_after: int = 3   # failures before each new attempt must wait
    lock_after: int = 6       # failures that lock the account
    lock_minutes: int = 15
    base_delay_seconds: int = 5


ADDRESS_WINDOW = dt.timedelta(minutes=15)
ADDRESS_LIMIT = 30  # failed logins from one address within the window, whatever the accounts


def address_blocked(recent_failures: int, limit: int = ADDRESS_LIMIT) -> bool:
    return recent_failures >= limit


@dataclasses.dataclass(frozen=True)
class LoginGate:
    allowed: bool
    wait_seconds: int = 0
    locked: bool = False


def login_gate(failures: int, last_failed_at: dt.datetime | None, locked_until: dt.datetime | None,
               now: dt.datetime, policy: LoginPolicy) -> LoginGate:
    """May a login be attempted now? Locked accounts wait out the lock; after a few failures each
    attempt waits a doubling delay, so guessing slows down long before the lock."""
    if locked_until is not None and now < locked_until:
        return LoginGate(False, _ceil_seconds(locked_until - now), locked=True)
    if locked_until is not None or failures < policy.slowdown_after or last_failed_at is None:
        return LoginGate(True)
    delay = dt.timedelta(seconds=policy.base_delay_seconds * 2 ** (failures - policy.slowdown_after))
    ready_at = last_failed_at + delay
    if now < ready_at:
        return LoginGate(False, _ceil_seconds(ready_at - now))
    return LoginGate(True)


def after_failure(failures: int, now: dt.datetime, policy: LoginPolicy) -> tuple[int, dt.datetime | None]:
    """The failure count and lock after one more failed attempt."""
    failures += 1
    if failures >= policy.lock_after:
        return failures, now + dt.timedelta(minutes=policy.lock_minutes)
    return failures, None


def _ceil_seconds(delta: dt.timedelta) -> int:
    return max(1, int(-(-delta.total_seconds() // 1)))
