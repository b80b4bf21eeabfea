"""An upper federation's user acting inside a federation of its subtree (上代下).

The session remembers who is acting (their own federation and user) and for which federation. Under
that federation's URLs the loader returns an ActingUser with an administrator's rights there, except
over accounts, and every change made is marked as done on behalf (由 X 代办): the audit trail's
actor_federation and the checklist item's updated_on_behalf_by. Anywhere else the session is as
anonymous as any other federation's cookie.
"""
from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from flask import g, session

from app.auth import rules as account_rules
from app.auth.models import User
from tenants import registry
from tenants.registry import TenantRef
from tenants.web import reading, registry_connection

SESSION_KEY = "acting"


@dataclasses.dataclass
class ActingUser:
    """A user of an upper federation, signed in at home, working in a federation below it."""

    session_id: str
    id: int
    username: str
    display_name: str
    home: TenantRef
    role: str = account_rules.ADMIN
    is_active: bool = True
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_acting: bool = True

    def get_id(self) -> str:
        return self.session_id

    @property
    def is_admin(self) -> bool:
        return True

    @property
    def role_label(self) -> str:
        return f"{self.home.name} 代办"

    @property
    def name_for_display(self) -> str:
        return self.display_name or self.username

    @property
    def marker(self) -> str:
        return f"{self.home.name} {self.name_for_display}"


def start(user: User, home: TenantRef, target: TenantRef, session_id: str) -> None:
    session[SESSION_KEY] = {"home_id": home.id, "target_id": target.id, "user_id": user.id, "session_id": session_id}


def stop() -> None:
    session.pop(SESSION_KEY, None)


def load(session_user_id: str, tenant: TenantRef) -> ActingUser | None:
    """The acting user for this request, if the session acts here and is still entitled to."""
    acting = session.get(SESSION_KEY)
    if not acting or acting.get("target_id") != tenant.id or acting.get("session_id") != session_user_id:
        return None
    with registry_connection() as conn:
        home = registry.get_by_id(conn, acting["home_id"])
    if home is None or not home.is_active or home.id == tenant.id or not registry.is_within(tenant, home):
        return None
    schema, _, user_id = session_user_id.partition(":")
    if schema != home.schema_name or not user_id.isdigit():
        return None
    with reading(home):
        user = reading_user(int(user_id))
    if user is None or not user.is_active or user.role != account_rules.ADMIN:
        return None
    g.acting_federation = home.name
    acting_user = ActingUser(session_user_id, user.id, user.username, user.display_name, home)
    g.acting_marker = acting_user.marker
    return acting_user


def reading_user(user_id: int):
    from app.extensions import db

    return db.session.execute(sa.select(User.id, User.username, User.display_name, User.is_active, User.role)
                              .where(User.id == user_id)).first()
