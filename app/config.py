"""Configuration from the environment (JICENG_*), with an embedded SQLite default."""
from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)

# Federation kinds, in the order of the administrative tree.
FEDERATION_KINDS = {
    "province": "省总工会",
    "city": "市总工会",
    "county": "县（区）总工会",
    "town": "乡镇总工会",
    "street": "街道总工会",
    "industry": "行业（区域）工会联合会",
}


def database_url(instance_path: Path) -> str:
    url = os.environ.get("JICENG_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{(instance_path / 'jiceng.db').resolve()}"


def secret_key(instance_path: Path, url: str) -> str:
    """JICENG_SECRET_KEY, or for the embedded SQLite demo a generated development key, with a warning."""
    key = os.environ.get("JICENG_SECRET_KEY")
    if key:
        return key
    if not url.startswith("sqlite"):
        raise RuntimeError("JICENG_SECRET_KEY 未设置：连接 PostgreSQL 时必须设置会话密钥")
    path = instance_path / "dev-secret-key"
    if not path.exists():  # said once, when the key is made, not on every command
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        log.warning("JICENG_SECRET_KEY 未设置：已生成仅供演示的开发密钥 %s（生产环境请设置）", path)
    return path.read_text().strip()


def from_environment(instance_path: Path, overrides: dict | None = None) -> dict:
    """The settings: the environment's, then the overrides (tests pass theirs here)."""
    overrides = overrides or {}
    url = overrides.get("SQLALCHEMY_DATABASE_URI") or database_url(instance_path)
    key = overrides.get("SECRET_KEY") or secret_key(instance_path, url)
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": key,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("JICENG_SECURE_COOKIES", "") == "1",
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        # Times are stored in UTC and shown in this zone, unless a federation chose its own.
        "JICENG_TIME_ZONE": os.environ.get("JICENG_TIME_ZONE", "Asia/Shanghai"),
        "LANGUAGES": {"zh_CN": "中文", "en": "English"},
        "TENANT_KINDS": FEDERATION_KINDS,
        "SHARED_MIGRATIONS": str(PROJECT_ROOT / "migrations" / "shared"),
        "TENANT_MIGRATIONS": str(PROJECT_ROOT / "migrations" / "tenant"),
        "TENANT_SNAPSHOT_DIR": str(PROJECT_ROOT / "migrations" / "tenant" / "snapshot"),
        # werkzeug's default, scrypt; tests lower the cost.
        "PASSWORD_HASH_METHOD": "scrypt",
        "LOGIN_SLOWDOWN_AFTER": 3,
        "LOGIN_LOCK_AFTER": 6,
        "LOGIN_LOCK_MINUTES": 15,
        "LOGIN_ADDRESS_LIMIT": 30,
        "DEMO_PASSWORD": os.environ.get("JICENG_DEMO_PASSWORD", "jiceng2026"),
        "EVIDENCE_DIR": os.environ.get("JICENG_FILES_DIR") or str(instance_path / "files"),
        "MAX_EVIDENCE_BYTES": 10 * 1024 * 1024,
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
    } | overrides
