"""Tenant names and schema-level helpers: slug validation, schema naming, identity columns.

Everything here is checked before any DDL runs, so a bad name never reaches the database.
"""
from __future__ import annotations

import re

import sqlalchemy as sa

SHARED_SCHEMA = "shared"
SCHEMA_PREFIX = "t_"
MAX_SLUG_LENGTH = 40

# Lowercase ascii words joined by single hyphens: safe in a URL, a file name and (after the
# hyphen-to-underscore swap) a PostgreSQL identifier. No underscores, so the swap is reversible.
_SLUG_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")

RESERVED_SLUGS = frozenset(
    {
        "shared", "public", "admin", "api", "static", "login", "logout", "healthz",
        "t", "tenant", "tenants", "root", "postgres", "template0", "template1",
        "information-schema", "pg", "default", "new", "www", "system",
    }
)


class InvalidSlug(ValueError):
    """A slug that cannot name a tenant; the message is for the person who typed it."""


def validate_slug(slug: str) -> str:
    """Return the slug unchanged if it may name a tenant, else raise InvalidSlug."""
    if not isinstance(slug, str) or not slug:
        raise InvalidSlug("标识不能为空")
    if len(slug) > MAX_SLUG_LENGTH:
        raise InvalidSlug(f"标识最长 {MAX_SLUG_LENGTH} 个字符")
    if not _SLUG_RE.match(slug):
        raise InvalidSlug("标识只能由小写英文字母、数字和单个连字符组成，并以字母开头")
    if slug in RESERVED_SLUGS or slug.startswith("pg-"):
        raise InvalidSlug(f"标识 {slug} 为系统保留字")
    return slug


def schema_name_for(slug: str) -> str:
    """The schema (PostgreSQL) or database file stem (SQLite) of a tenant."""
    return SCHEMA_PREFIX + validate_slug(slug).replace("-", "_")


_SCHEMA_RE = re.compile(r"^t_[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


def quote_schema(schema: str) -> str:
    """Quote a tenant schema name for DDL, refusing anything that is not one of ours."""
    if not _SCHEMA_RE.match(schema) or len(schema) > MAX_SLUG_LENGTH + len(SCHEMA_PREFIX):
        raise InvalidSlug(f"invalid tenant schema name: {schema!r}")
    return f'"{schema}"'


def identity_column(**kwargs) -> sa.Column:
    """A bigint identity primary key (Citus-friendly); SQLite needs INTEGER for its rowid alias."""
    return sa.Column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), sa.Identity(), primary_key=True, **kwargs)


# Constraint names are part of the schema: spelled out, so that snapshots and migrations agree.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
