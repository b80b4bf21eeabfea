"""Account operations. They change state and flush; the caller (a view or a command) commits."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from app.audit.models import record, utcnow
from app.extensions import db
from tenants.provisioning import ProvisioningError

from . import rules
from .models import LoginFailure, User

log = logging.getLogger(__name__)


class AccountError(ValueError):
    """An account operation refused; the message is shown to the user."""


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _policy() -> rules.LoginPolicy:
    cfg = current_app.config
    return rules.LoginPolicy(cfg["LOGIN_SLOWDOWN_AFTER"], cfg["LOGIN_LOCK_AFTER"], cfg["LOGIN_LOCK_MINUTES"])


def find_user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == rules.normalise_username(username)))


def create_user(username: str, role: str, password: str, *, actor: str, display_name: str = "") -> User:
    """Create an account in the current federation."""
    username = rules.normalise_username(username)
    problem = rules.username_problem(username) or rules.password_problem(password)
    if problem:
        raise AccountError(problem)
    if role not in rules.ROLES:
        raise AccountError(f"角色 {role} 无效")
    if find_user(username) is not None:
        raise AccountError(f"用户名 {username} 已存在")
    user = User(username=username, role=role, password_hash=_hash(password), display_name=display_name.strip())
    db.session.add(user)
    db.session.flush()
    record("user.create", actor=actor, subject=username, detail=role)
    log.info("%s created user %s (%s)", actor, username, role)
    return user


def reset_password(user: User, password: str, *, actor: str) -> None:
    """Set a new password and lift any lock."""
    problem = rules.password_problem(password)
    if problem:
        raise AccountError(problem)
    user.password_hash = _hash(password)
    user.failed_login_count, user.locked_until, user.last_failed_login_at = 0, None, None
    db.session.flush()
    record("user.reset_password", actor=actor, subject=user.username)
    log.info("%s reset the password of %s", actor, user.username)


def set_active(user: User, active: bool, *, actor: str) -> None:
    """Enable or disable an account; an administrator cannot disable themselves."""
    if not active and user.username == actor:
        raise AccountError("不能停用自己的账号")
    user.is_active = active
    db.session.flush()
    record("user.enable" if active else "user.disable", actor=actor, subject=user.username)


@dataclasses.dataclass(frozen=True)
class LoginResult:
    user: User | None
    message: str = ""


_DUMMY_HASH = None


def _address_failures(address: str, now: dt.datetime) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(LoginFailure).where(
        LoginFailure.address == address, LoginFailure.failed_at > now - rules.ADDRESS_WINDOW))


def _record_address_failure(address: str, now: dt.datetime) -> None:
    db.session.add(LoginFailure(address=address, failed_at=now))
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.failed_at < now - dt.timedelta(days=1)))


def authenticate(username: str, password: str, now: dt.datetime | None = None, address: str = "") -> LoginResult:
    """Check a login attempt against the throttles (per account, per address) and the password;
    records failures."""
    now = now or utcnow()
    limit = current_app.config["LOGIN_ADDRESS_LIMIT"]
    if address and rules.address_blocked(_address_failures(address, now), limit):
        return LoginResult(None, f"该网络地址登录失败次数过多，请 {rules.ADDRESS_WINDOW.seconds // 60} 分钟后再试")
    result = _authenticate(username, password, now)
    if result.user is None and address:
        _record_address_failure(address, now)
    return result


def _authenticate(username: str, password: str, now: dt.datetime) -> LoginResult:
    global _DUMMY_HASH
    user = find_user(username)
    if user is None:
        # Spend the same time as a real check, so that timing does not reveal which names exist.
        _DUMMY_HASH = _DUMMY_HASH or _hash("not-a-password")
        check_password_hash(_DUMMY_HASH, password or "")
        return LoginResult(None, "用户名或密码错误")
    if user.locked_until is not None and now >= user.locked_until:
        user.failed_login_count, user.locked_until = 0, None
    policy = _policy()
    gate = rules.login_gate(user.failed_login_count, user.last_failed_login_at, user.locked_until, now, policy)
    if not gate.allowed:
        if gate.locked:
            minutes = -(-gate.wait_seconds // 60)
            return LoginResult(None, f"登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试或联系管理员重置密码")
        return LoginResult(None, f"登录失败次数较多，请 {gate.wait_seconds} 秒后再试")
    if not check_password_hash(user.password_hash, password or ""):
        user.failed_login_count, user.locked_until = rules.after_failure(user.failed_login_count, now, policy)
        user.last_failed_login_at = now
        record("login.failed", actor=user.username)
        if user.locked_until is not None:
            return LoginResult(None, f"登录失败次数过多，账号已锁定 {policy.lock_minutes} 分钟")
        return LoginResult(None, "用户名或密码错误")
    if not user.is_active:
        return LoginResult(None, "该账号已停用，请联系本会管理员")
    user.failed_login_count, user.last_failed_login_at, user.last_login_at = 0, None, now
    record("login", actor=user.username)
    return LoginResult(user)


def create_first_admin(conn: sa.Connection, tenant, options: dict) -> None:
    """Provision hook: the new federation's first administrator, in the creating transaction."""
    username = rules.normalise_username(options.get("admin", ""))
    password = options.get("password", "")
    problem = rules.username_problem(username) or rules.password_problem(password)
    if problem:
        raise ProvisioningError(f"管理员账号：{problem}")
    conn.execute(
        sa.insert(User.__table__).values(
            username=username, role=rules.ADMIN, password_hash=_hash(password), display_name="管理员",
            is_active=True, failed_login_count=0, created_at=utcnow(),
        )
    )
