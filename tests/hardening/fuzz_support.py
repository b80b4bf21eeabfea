"""What tests/hardening/test_fuzz.py needs: a world of federations to aim at, one recipe per POST route
(read from the app's url_map, its form classes and the forms in its pages), hostile values, a digest of
every stored row, and a checker that turns each response into a list of problems with a reproduction.

Nothing here is specific to one backend; the tests run it on SQLite and on PostgreSQL.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import html.parser
import io
import re
import struct
import traceback
import urllib.parse
import zipfile
import zlib
from pathlib import Path
from typing import Any, Callable

import sqlalchemy as sa
from flask import Flask, got_request_exception
from flask_wtf.file import FileField
from wtforms import fields as wtf
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

from app.extensions import db, tenancy
from tenants import registry
from tenants.backup import table_contents
from tenants.binding import bind_session
from tenants.schema import SHARED_SCHEMA
from tenants.web import tenant_tables

PASSWORD = "correct-horse-9"
TODAY = dt.date(2026, 6, 15)
YEAR = 2026                 # the year the world's checklist, sheet and budget live in
GRADING_YEAR = 2027         # the grading workflow (submit, return, confirm, unlock) runs here: a
                            # confirmation locks its year's sheet, which the sheet routes edit in YEAR
CALENDAR_YEAR = 2030        # a year chinesecalendar does not know: administrators may enter it
CALENDAR_DAY = dt.date(2030, 10, 1)
SERVER = "jiceng.test"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


# Hostile values -------------------------------------------------------------------------------------

# Each case names a value and the kinds of field it is aimed at; the other fields keep valid values, so
# that the hostile one travels as far as it can (past validation into the services and the database).
TEXT, NUMBER, DATE, TIME, CHOICE, ANY = "text", "number", "date", "time", "choice", "any"
HOSTILE: dict[str, tuple[str, set[str]]] = {
    "empty": ("", {ANY}),
    "long_10k": ("长" * 5_000 + "A" * 5_000, {ANY}),
    "control_chars": ("a\x01\x07\x08\x0b\x0c\x1b[31m\x7fb", {TEXT}),
    "nul": ("a\x00b", {TEXT}),
    "newlines": ("一\r\n二\r三\n\t四", {TEXT}),
    "unicode_format": ("\x85\x9f\u202egpj.exe\u200b\ufeff\u2028\u2029 😀👨‍👩‍👧𠀀", {TEXT}),
    "sql": ("%_\\' OR '1'='1'; DROP TABLE users; --", {TEXT, NUMBER, DATE, CHOICE}),
    "html": ('<script>alert(1)</script><img src=x onerror="alert(2)">{{ 7*7 }}{% if 1 %}${7*7}&amp;', {TEXT}),
    "path": ("../../etc/passwd", {TEXT, CHOICE}),
    "wrong_type": ("abc", {NUMBER, DATE, TIME, CHOICE}),
    "negative": ("-1", {NUMBER, CHOICE}),
    "huge_float": ("1e30", {NUMBER}),
    "int32_overflow": ("2147483648", {NUMBER, CHOICE}),
    "huge_digits": ("9" * 60, {NUMBER, CHOICE}),
    "nan": ("NaN", {NUMBER}),
    "infinity": ("Infinity", {NUMBER}),
    "signalling_nan": ("sNaN", {NUMBER}),
    "huge_exponent": ("1E+999999999", {NUMBER}),
    "bad_date": ("2026-02-30", {DATE}),
    "date_year_1": ("0001-01-01", {DATE}),
    "date_year_9999": ("9999-12-31", {DATE}),
    "bad_time": ("25:61", {TIME}),
}
# Also drawn by hypothesis, not in the fixed matrix (the matrix keeps the suite within minutes):
MORE_HOSTILE = ["  \t\u3000 ", "0", "0.5", "-1e30", "9223372036854775808", "１２３", "0x1F", "1_000", "+5", " 7 ",
                "0000-01-01", "10000-01-01", "2026/06/01", "2026-13-01", "-2026-01-01", '{"$gt": ""}', "[1,2]", "true",
                "javascript:alert(1)", "\x00", "%00", "%2e%2e%2f", "${jndi:ldap://x/a}", "' UNION SELECT NULL--"]


# Form fields -------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str                   # text, password, hidden, int, decimal, date, time, bool, select, multi, radio, file
    choices: tuple = ()
    max_length: int | None = None
    coerce_int: bool = False

    @property
    def category(self) -> str:
        return {"int": NUMBER, "decimal": NUMBER, "date": DATE, "time": TIME, "select": CHOICE, "multi": CHOICE,
                "radio": CHOICE, "bool": CHOICE}.get(self.kind, TEXT if self.kind != "file" else "file")


def _kind(field_class) -> str:
    for cls, kind in ((FileField, "file"), (wtf.FileField, "file"), (wtf.SelectMultipleField, "multi"),
                      (wtf.RadioField, "radio"), (wtf.SelectField, "select"), (wtf.BooleanField, "bool"),
                      (wtf.DecimalField, "decimal"), (wtf.IntegerField, "int"), (wtf.TimeField, "time"),
                      (wtf.DateField, "date"), (wtf.PasswordField, "password"), (wtf.HiddenField, "hidden"),
                      (wtf.StringField, "text")):
        if issubclass(field_class, cls):
            return kind
    return "text"


def form_fields(form_class) -> dict[str, FieldSpec]:
    """The fields a form class declares (read from its unbound fields: no app or request needed)."""
    specs = {}
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if not isinstance(unbound, UnboundField):
            continue
        kind = _kind(unbound.field_class)
        choices = tuple(getattr(c, "value", c[0] if isinstance(c, tuple) else c) for c in unbound.kwargs.get("choices") or ())
        lengths = [v.max for v in unbound.kwargs.get("validators") or () if isinstance(v, Length) and v.max >= 0]
        specs[name] = FieldSpec(name, kind, choices, min(lengths) if lengths else None, unbound.kwargs.get("coerce") is int)
    return specs


class _FormParser(html.parser.HTMLParser):
    """Every <form method=post> of a page: its action and the names of its fields."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = {"action": attrs.get("action") or "", "method": (attrs.get("method") or "get").lower(),
                             "hx_post": attrs.get("hx-post"), "fields": {}}
            self.forms.append(self._current)
        elif tag in ("input", "select", "textarea", "button") and self._current is not None and attrs.get("name"):
            kind = attrs.get("type", tag) if tag == "input" else tag
            self._current["fields"].setdefault(attrs["name"], kind)
            if attrs.get("hx-post"):
                self._current["hx_post"] = attrs["hx-post"]

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def post_forms_of(page_html: str) -> list[dict]:
    parser = _FormParser()
    parser.feed(page_html)
    return [f for f in parser.forms if f["method"] == "post" or f["hx_post"]]


def query_parameters_read_by_the_app() -> set[str]:
    """Every name the views read from the query string (grepped from the source, so new ones are fuzzed too)."""
    names = set()
    for path in (PROJECT_ROOT / "app").rglob("*.py"):
        names |= set(re.findall(r"request\.args\.get\(\s*[\"']([A-Za-z_]+)[\"']", path.read_text(encoding="utf-8")))
    return names


# Files ------------------------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")


def docx_bytes(text: str = "各基层工会：要坚持以职工为中心。", document_xml: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    body = document_xml or (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
        + text.replace("&", "&amp;").replace("<", "&lt;") + "</w:t></w:r></w:p></w:body></w:document>").encode()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", body)
    return buffer.getvalue()


def corrupt_docx_bytes() -> bytes:
    """A zip that lists word/document.xml (so it sniffs as Word) whose compressed data is damaged."""
    data = bytearray(docx_bytes("损坏的文档" * 200))
    start = data.find(b"word/document.xml") + len(b"word/document.xml")
    for i in range(start + 5, start + 40):
        data[i] ^= 0x5A
    return bytes(data)


def docx_bomb_bytes() -> bytes:
    """A Word file whose document.xml inflates to 40 MB."""
    xml = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' + b" " * 40_000_000 + b"</w:body></w:document>"
    return docx_bytes(document_xml=xml)


def xlsx_bytes(rows: list[list]) -> bytes:
    from app.stations.enterprise_import import HEADERS
    from app.excel import Sheet, write_workbook

    return write_workbook([Sheet("企业名单", HEADERS, rows)])


@functools.lru_cache(maxsize=1)
def upload_contents() -> dict[str, bytes]:
    from app.stations.uscc import example_uscc

    return {
        "empty": b"",
        "pdf": PDF,
        "png": png_bytes(),
        "docx": docx_bytes(),
        "corrupt_docx": corrupt_docx_bytes(),
        "docx_bomb": docx_bomb_bytes(),
        "exe": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00",
        "html": "<!DOCTYPE html><script>alert(1)</script>通知".encode(),
        "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "pdf_polyglot_html": b"<html><script>alert(1)</script>%PDF-1.4\n",
        "txt_utf8": "各基层工会：要坚持以职工为中心，推动资源力量向基层倾斜。".encode(),
        "txt_gb18030": "各基层工会：要坚持以职工为中心。".encode("gb18030"),
        "txt_nul": b"abc\x00def" * 10,
        "not_a_zip_pk": b"PK\x03\x04" + b"\x00" * 100,
        "xlsx_valid": xlsx_bytes([["导入企业甲有限公司", example_uscc(90_001), "制造", 10, 5, "李四", "13912345678"]]),
        "xlsx_hostile_cells": xlsx_bytes([
            ["<script>alert(1)</script>' OR 1=1 --", example_uscc(90_002), "=HYPERLINK(\"http://x\")", "99999999999999999999", -5, "\u202e", "1" * 40],
            ["长" * 300, "../../etc/passwd", None, "1e30", "NaN", None, None],
            ["整数溢出企业", example_uscc(90_003), "", "2147483648", "", "", ""],
        ]),
        "random_bytes": bytes(range(256)) * 8,
    }


HOSTILE_FILENAMES = [
    "../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/shadow", "a\x00b.pdf", "x" * 5000 + ".pdf", "", "..",
    "%2e%2e%2fx.pdf", "<script>alert(1)</script>.pdf", "\u202egpj.exe.pdf", "文件 名\r\n.pdf", ".htaccess", "CON.txt",
]


# The world ----------------------------------------------------------------------------------------------

class SetupFailed(AssertionError):
    pass


def _ok(response, what: str):
    if response.status_code not in (302, 303):
        page = response.get_data(as_text=True)
        errors = re.findall(r'class="[^"]*(?:error|invalid)[^"]*"[^>]*>([^<]+)', page)
        raise SetupFailed(f"setting up the world: {what} answered {response.status_code}: {errors or page[:300]}")
    return response.headers.get("Location", "")


_fresh = iter(range(100, 10**9))  # unique numbers and titles for the objects made afresh


def _id_from(location: str) -> int:
    return int(re.search(r"/(\d+)(?:\?|$)", location).group(1))


@dataclasses.dataclass
class World:
    """Two federations (a province above a town) with one of everything, built through the app's pages."""

    app: Flask
    sheng: Any
    zhen: Any
    ids: dict[str, int]
    files_root: Path
    sandbox: Path
    _clients: dict = dataclasses.field(default_factory=dict)

    # clients ----------------------------------------------------------------------------------------
    def client(self, tenant_key: str = "zhen", username: str = "admin", *, fresh: bool = False, address: str = "127.0.0.1"):
        """A test client signed in to the federation (cached per user unless fresh)."""
        key = (tenant_key, username)
        if not fresh and key in self._clients:
            return self._clients[key]
        client = self.app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        tenant = self.tenant(tenant_key)
        _ok(client.post(f"/t/{tenant.slug}/login", data={"username": username, "password": PASSWORD}), f"login {username}")
        if not fresh:
            self._clients[key] = client
        return client

    def tenant(self, key: str):
        return {"zhen": self.zhen, "sheng": self.sheng}[key]

    def path(self, key: str, rest: str) -> str:
        return f"/t/{self.tenant(key).slug}{rest}"

    def post(self, key: str, rest: str, data: dict, *, user: str = "admin", **kwargs) -> str:
        return _ok(self.client(key, user).post(self.path(key, rest), data=data, **kwargs), f"POST {rest}")

    def scalar(self, key: str, statement):
        with self.app.app_context():
            bind_session(db.session(), tenancy.engines, self.tenant(key))
            try:
                return db.session.scalar(statement)
            finally:
                db.session.remove()

    def shared_scalar(self, statement):
        with self.app.app_context(), tenancy.engines.shared.connect() as conn:
            return conn.execute(statement).scalar()

    # fresh objects, for routes that use theirs up (delete, end, accept...) ---------------------------
    def fresh_case(self, status: str = "requested") -> int:
        case_id = _id_from(self.post("zhen", "/cases/new", {"kind": "rights", "source": "station", "title": "测试案件",
                                                            "enterprise_ids": [self.ids["enterprise"]]}))
        if status in ("accepted", "closed"):
            self.post("zhen", f"/cases/{case_id}/accept", {}, user="staff1")
        if status == "closed":
            self.post("zhen", f"/cases/{case_id}/close", {"summary": "已办结", "workers_helped": "3", "amount_recovered": "100"},
                      user="staff1")
        return case_id

    def fresh_escalation(self, status: str = "requested") -> int:
        from app.delegation.models import CaseEscalation

        case_id = self.fresh_case("requested")
        self.post("zhen", f"/cases/{case_id}/escalate", {"reason": "需要上级协调"})
        escalation_id = self.shared_scalar(sa.select(CaseEscalation.id).where(
            CaseEscalation.origin_tenant_id == self.zhen.id, CaseEscalation.case_id == case_id))
        if status == "accepted":
            self.post("sheng", f"/cases/escalated/{escalation_id}/accept", {})
        return escalation_id

    def fresh_role(self) -> int:
        from app.stations.models import StationRole

        self.post("zhen", f"/stations/{self.ids['station']}/people",
                  {"name": "新工作人员", "role": "staff", "source": "backbone_chair", "started_on": "2026-01-05"})
        return self.scalar("zhen", sa.select(sa.func.max(StationRole.id)).where(StationRole.ended_on.is_(None)))

    def fresh_document(self) -> int:
        return _id_from(self.post("zhen", "/reduction/documents/new", {
            "number": f"镇工发〔2026〕{next(_fresh)}号", "title": f"待删除的通知{next(_fresh)}", "department": "办公室", "issued_on": "2026-05-06",
            "doc_type": "other", "has_measures": "y", "body": "各基层工会：做好有关工作。"}))

    def fresh_meeting(self) -> int:
        return _id_from(self.post("zhen", "/reduction/meetings/new", {
            "title": f"待删除的会议{next(_fresh)}", "department": "组织部", "held_on": "2026-05-06", "starts_at": "09:00",
            "duration_minutes": "60", "kind": "other", "mode": "video", "levels_down": "0"}))

    def fresh_inspection(self) -> int:
        return _id_from(self.post("sheng", "/reduction/inspections/new", {
            "title": f"待删除的调研{next(_fresh)}", "department": "研究室", "kind": "survey", "starts_on": "2026-05-06",
            "ends_on": "2026-05-06", "items": "1", "targets": str(self.zhen.id)}))

    def fresh_grading_item(self) -> int:
        from app.grading.models import GradingItem

        self.post("zhen", f"/grading/sheet/items?year={YEAR}", {"category": "临时", "name": "待删除的考核项", "kind": "manual",
                                                                "metric": "", "max_points": "0"})
        return self.scalar("zhen", sa.select(sa.func.max(GradingItem.id)))

    def calendar_day(self) -> str:
        self.post("sheng", f"/reduction/calendar/{CALENDAR_YEAR}", {"first": CALENDAR_DAY.isoformat(), "is_workday": "holiday",
                                                                     "name": "国庆节"})
        return CALENDAR_DAY.isoformat()

    def grading_status(self, wanted: str) -> None:
        """Bring the world's station to `wanted` (draft, submitted, returned, confirmed) for GRADING_YEAR."""
        from app.grading.models import StationScore

        station, year = self.ids["station"], GRADING_YEAR
        for _ in range(4):
            status = self.scalar("zhen", sa.select(StationScore.status).where(
                StationScore.station_id == station, StationScore.year == year)) or "draft"
            if status == wanted or (wanted == "draft" and status == "returned"):
                return
            if status in ("draft", "returned"):
                self.post("zhen", f"/grading/stations/{station}/submit?year={year}", {})
            elif status == "submitted":
                if wanted == "returned" or wanted == "draft":
                    self.post("zhen", f"/grading/stations/{station}/return?year={year}", {"reason": "请补充材料"})
                else:
                    self.post("zhen", f"/grading/stations/{station}/confirm?year={year}", {})
            elif status == "confirmed":
                self.post("zhen", f"/grading/stations/{station}/unlock?year={year}", {"reason": "复核"})
        raise SetupFailed(f"grading could not be brought to {wanted}")


def make_tenant(app: Flask, slug: str, kind: str, parent=None, name: str | None = None):
    from tenants.cli import provision
    from tenants.provisioning import TenantSpec

    with app.app_context():
        return provision(TenantSpec(slug, name or f"{slug}总工会", kind, parent.slug if parent else None, None),
                         {"admin": "admin", "password": PASSWORD})


def make_user(app: Flask, tenant, username: str, role: str) -> int:
    from app.auth import services as account_services

    with app.app_context():
        bind_session(db.session(), tenancy.engines, tenant)
        try:
            user = account_services.create_user(username, role, PASSWORD, actor="test")
            db.session.commit()
            return user.id
        finally:
            db.session.remove()


def make_station(app: Flask, tenant, name: str, *, enterprises: int, chief: str | None = None) -> tuple[int, list[int]]:
    """As tests/stations/factories.make_station, for a world that outlives one test."""
    from app.stations import services
    from tests.stations.factories import enterprise_values

    user_id = make_user(app, tenant, chief, "chief") if chief else None
    since = dt.date(2025, 1, 1)
    with app.app_context():
        bind_session(db.session(), tenancy.engines, tenant)
        try:
            station = services.create_station({"name": name, "mode": "industry", "coverage": "机械制造", "host_enterprise": "",
                                               "status": "active"}, actor="test")
            if user_id:
                services.add_person(station, {"name": "站长", "phone": "", "source": "backbone_chair", "user_id": user_id},
                                    "chief", since, actor="test")
            ids = [services.add_enterprise(station, enterprise_values(), "test", on=since).id for _ in range(enterprises)]
            db.session.commit()
            return station.id, ids
        finally:
            db.session.remove()


def build_world(app: Flask, files_root: Path, sandbox: Path) -> World:
    """The province `sheng` above the town `zhen`; in the town a station with three enterprises, people
    with logins, a checklist item with evidence, an N activity, an expense with a receipt, cases in
    every state (one passed up to the province), a document and a meeting with flags, the year's
    grading sheet; in the province an inspection of the town and an entered calendar year."""
    from app.checklist.models import ChecklistItem, EvidenceFile
    from app.delegation.models import CaseEvent
    from app.grading.models import GradingItem
    from app.reduction.models import ReductionFlag
    from app.stations.models import StationExpense, StationRole

    suffix = hashlib.sha1(str(files_root).encode()).hexdigest()[:6]
    sheng = make_tenant(app, f"fz-sheng-{suffix}", "province", name="某省总工会")
    zhen = make_tenant(app, f"fz-zhen-{suffix}", "town", parent=sheng, name="某镇总工会")
    station, (e1, e2, e3) = make_station(app, zhen, "三星镇机械行业工会工作站", enterprises=3, chief="chief1")
    other_station, _ = make_station(app, zhen, "第二工作站", enterprises=0)
    viewer = make_user(app, zhen, "viewer1", "viewer")
    make_user(app, zhen, "staff1", "staff")
    world = World(app, sheng, zhen, {"station": station, "other_station": other_station, "enterprise": e1,
                                     "enterprise2": e2, "enterprise_moving": e3, "viewer": viewer}, files_root, sandbox)
    ids = world.ids
    from app.auth.models import User

    ids["admin"] = world.scalar("zhen", sa.select(User.id).where(User.username == "admin"))
    ids["chief_role"] = world.scalar("zhen", sa.select(sa.func.min(StationRole.id)))
    y = YEAR
    world.post("zhen", f"/checklist/{e1}/{y}/wage_negotiation", {
        "version": "0", "status": "done", "held_on": "2026-03-01", "agreement_signed": "yes", "average_raise_pct": "6.5",
        "minimum_wage": "2490", "workers_covered": "40", "notes": "签订工资专项集体合同"})
    ids["item"] = world.scalar("zhen", sa.select(ChecklistItem.id).where(ChecklistItem.task == "wage_negotiation"))
    world.post("zhen", f"/enterprises/{e1}/checklist/{y}", {"status": "done", "title": "篮球赛", "held_on": "2026-04-01",
                                                            "participants": "30", "activity_kind": "比赛"})
    ids["activity"] = world.scalar("zhen", sa.select(ChecklistItem.id).where(ChecklistItem.task == "n"))
    world.post("zhen", f"/checklist/items/{ids['item']}/evidence", {"file": (io.BytesIO(PDF), "合同.pdf")},
               content_type="multipart/form-data")
    ids["evidence"] = world.scalar("zhen", sa.select(sa.func.max(EvidenceFile.id)))
    world.post("zhen", f"/stations/{station}/expenses", {"spent_on": "2026-03-02", "amount": "120.50", "category": "activity",
                                                        "description": "场地", "receipt": (io.BytesIO(png_bytes()), "票据.png")},
               content_type="multipart/form-data")
    ids["expense"] = world.scalar("zhen", sa.select(sa.func.max(StationExpense.id)))
    world.post("zhen", f"/enterprises/{e1}/dues", {"entry_on": "2026-02-01", "kind": "collected", "amount": "1200.50"})
    # cases: one with a file on its timeline, one passed up
    case_id = world.fresh_case("accepted")
    world.post("zhen", f"/cases/{case_id}/note", {"happened_on": "2026-06-01", "text": "约谈企业",
                                                  "file": (io.BytesIO(PDF), "约谈记录.pdf")},
               user="staff1", content_type="multipart/form-data")
    ids["case"] = case_id
    ids["event"] = world.scalar("zhen", sa.select(sa.func.max(CaseEvent.id)).where(CaseEvent.file_sha256.is_not(None)))
    ids["escalation"] = world.fresh_escalation("accepted")
    world.post("sheng", f"/cases/escalated/{ids['escalation']}/note", {"happened_on": "2026-06-02", "text": "协调",
                                                                       "file": (io.BytesIO(PDF), "协调.pdf")},
               content_type="multipart/form-data")
    ids["escalated_event"] = world.scalar("zhen", sa.select(sa.func.max(CaseEvent.id)).where(CaseEvent.file_sha256.is_not(None)))
    # reduction: a forwarded document without measures and an on-site meeting that could be video are flagged
    ids["document"] = _id_from(world.post("zhen", "/reduction/documents/new", {
        "number": "镇工发〔2026〕1号", "title": "关于转发上级通知的通知", "department": "办公室", "issued_on": "2026-03-02",
        "doc_type": "forwarding", "body": "转发上级文件，请遵照执行。"}))
    ids["meeting"] = _id_from(world.post("zhen", "/reduction/meetings/new", {
        "title": "年度工作会议", "department": "办公室", "held_on": "2026-03-03", "starts_at": "09:00", "duration_minutes": "120",
        "kind": "work", "mode": "onsite", "levels_down": "2", "could_be_video": "y"}))
    # inspections visit federations below: the province's, of the town
    ids["inspection"] = _id_from(world.post("sheng", "/reduction/inspections/new", {
        "title": "安全生产检查", "department": "办公室", "kind": "inspection", "starts_on": "2026-03-04", "ends_on": "2026-03-05",
        "items": "12", "scores_paperwork": "y", "targets": str(zhen.id)}))
    ids["flag"] = world.scalar("zhen", sa.select(sa.func.min(ReductionFlag.id)))
    # grading: the year's default sheet and one hand-scored item
    for year in (YEAR, GRADING_YEAR):
        world.client("zhen").get(f"/t/{zhen.slug}/grading/sheet?year={year}")
        world.client("zhen").get(f"/t/{zhen.slug}/grading/stations/{station}?year={year}")
    ids["grading_item"] = world.scalar("zhen", sa.select(sa.func.min(GradingItem.id)).where(GradingItem.kind == "manual"))
    ids["grading_item_2027"] = world.scalar("zhen", sa.select(sa.func.max(GradingItem.id)).where(GradingItem.kind == "manual"))
    world.calendar_day()
    ids["sheng"], ids["zhen"] = sheng.id, zhen.id
    missing = [k for k, v in ids.items() if v is None]
    if missing:
        raise SetupFailed(f"the world lacks {missing}")
    return world


# State: every stored row -------------------------------------------------------------------------------

def shared_tables() -> list[sa.Table]:
    return [registry.tenants_table] + [t for t in db.metadata.sorted_tables if t.schema == SHARED_SCHEMA]


def digest(world: World) -> dict[str, str]:
    """A digest of every table of both federations and of the shared schema. PostgreSQL: one statement
    (an md5 of each table's rows); SQLite: a hash of table_contents (in-process, as fast)."""
    with world.app.app_context():
        engines = tenancy.engines
        if engines.is_sqlite:
            # Reading everything takes a while once the tables are full of 10k-character values; SQLite's
            # data_version tells whether any connection committed to a file since we last looked.
            version = _sqlite_versions(world, engines)
            seen = getattr(world, "sqlite_seen", None)
            if seen is not None and seen[0] == version:
                return seen[1]
            result = {name: hashlib.sha1(repr(rows).encode()).hexdigest() for name, rows in state(world).items()}
            world.sqlite_seen = (_sqlite_versions(world, engines), result) if _sqlite_versions(world, engines) == version else None
            return result
        parts = []
        for tenant in (world.zhen, world.sheng):
            parts += [(f"{tenant.slug}.{t.name}", f'"{tenant.schema_name}"."{t.name}"') for t in tenant_tables()]
        parts += [(f"shared.{t.name}", f'"{SHARED_SCHEMA}"."{t.name}"') for t in shared_tables()]
        sql = " UNION ALL ".join(f"SELECT '{name}', md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM {table} x"
                                 for name, table in parts)
        with engines.shared.connect() as conn:
            return dict(conn.exec_driver_sql(sql).all())


def take_snapshot(world: World) -> None:
    """Remember the world as built: every route's test starts from it (see restore)."""
    world.snapshot = state(world)
    world.snapshot_digest = digest(world)


def restore(world: World) -> None:
    """Put every table back as it was when the world was built (rows added since are deleted, changed
    ones set back, removed ones put back), so that each route's test starts from the same world and
    what one route stored (a hostile value that breaks a page) is not blamed on the next."""
    current = digest(world)
    changed = {name for name, value in current.items() if world.snapshot_digest.get(name) != value}
    if not changed:
        return
    with world.app.app_context():
        engines = tenancy.engines
        for tenant in (world.zhen, world.sheng):
            tables = [t for t in tenant_tables() if f"{tenant.slug}.{t.name}" in changed]
            if tables:
                _restore_tables(engines.for_tenant(tenant), tables, world.snapshot, tenant.slug)
        tables = [t for t in shared_tables() if f"shared.{t.name}" in changed]
        if tables:
            _restore_tables(engines.shared, tables, world.snapshot, "shared")
    world.sqlite_seen = None
    if digest(world) != world.snapshot_digest:
        raise SetupFailed("the world could not be restored")


def _restore_tables(engine, tables: list[sa.Table], snapshot: dict, prefix: str) -> None:
    def key(table, row):
        return tuple(row[c.name] for c in table.primary_key.columns)

    with engine.begin() as conn:
        now = {t.name: {key(t, dict(r)): dict(r) for r in conn.execute(sa.select(t)).mappings()} for t in tables}
        then = {t.name: {key(t, r): r for r in snapshot[f"{prefix}.{t.name}"]} for t in tables}
        for table in reversed(tables):  # children first
            gone = [k for k in now[table.name] if k not in then[table.name]]
            for k in gone:
                conn.execute(sa.delete(table).where(*[c == v for c, v in zip(table.primary_key.columns, k)]))
        for table in tables:  # parents first
            for k, row in then[table.name].items():
                if k not in now[table.name]:
                    conn.execute(sa.insert(table).values(**row))
                elif repr(now[table.name][k]) != repr(row):
                    conn.execute(sa.update(table).where(*[c == v for c, v in zip(table.primary_key.columns, k)]).values(**row))


def _sqlite_versions(world: World, engines) -> tuple:
    import sqlite3

    watchers = getattr(world, "sqlite_watchers", None)
    if watchers is None:
        files = [engines.url.database] + [str(engines.tenant_file(t.schema_name)) for t in (world.zhen, world.sheng)]
        watchers = world.sqlite_watchers = [sqlite3.connect(f, isolation_level=None, check_same_thread=False) for f in files]
    return tuple(c.execute("PRAGMA data_version").fetchone()[0] for c in watchers)


def close_watchers(world: World) -> None:
    for conn in getattr(world, "sqlite_watchers", None) or []:
        conn.close()
    world.sqlite_watchers = None


def changed_rows(world: World, before: dict[str, str], after: dict[str, str]) -> dict[str, list[dict]]:
    """The tables whose digest changed, with their rows now (newest last), for the report."""
    names = [name for name in after if before.get(name) != after[name]]
    if not names:
        return {}
    rows = state(world)
    return {name: rows.get(name, [])[-5:] for name in names}


def state(world: World) -> dict[str, list[dict]]:
    """Every row of every table of both federations, and of the shared schema."""
    with world.app.app_context():
        engines = tenancy.engines
        snapshot = {}
        tables = tenant_tables()
        for tenant in (world.zhen, world.sheng):
            for name, rows in table_contents(engines, tenant, tables).items():
                snapshot[f"{tenant.slug}.{name}"] = rows
        with engines.shared.connect() as conn:
            for table in shared_tables():
                snapshot[f"shared.{table.name}"] = [dict(r) for r in conn.execute(
                    sa.select(table).order_by(*table.primary_key.columns)).mappings()]
    return snapshot


def diff(before: dict, after: dict) -> dict[str, dict]:
    """Per table: rows added, removed and changed (by primary key `id`, else by position)."""
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name, []), after.get(name, [])
        if repr(old) == repr(new):  # repr: Decimal("NaN") is not equal to itself
            continue
        key = (lambda r: r.get("id", tuple(sorted(r.items(), key=lambda kv: kv[0]))))
        old_by, new_by = {_hashable(key(r)): r for r in old}, {_hashable(key(r)): r for r in new}
        entry = {"added": [new_by[k] for k in new_by if k not in old_by], "removed": [old_by[k] for k in old_by if k not in new_by],
                 "changed": [{c: (old_by[k][c], new_by[k][c]) for c in new_by[k] if repr(old_by[k].get(c)) != repr(new_by[k][c])}
                             for k in new_by if k in old_by and repr(old_by[k]) != repr(new_by[k])]}
        changes[name] = {k: v for k, v in entry.items() if v}
    return changes


def _hashable(value):
    return repr(value)


def short(value, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"…(+{len(text) - limit} chars)"


# Recipes: one per POST route (and per value of a string in its path) ----------------------------------------

@dataclasses.dataclass
class Recipe:
    key: str                                   # test id: the endpoint, with the path variant in brackets
    endpoint: str
    tenant: str = "zhen"                       # whose URL and which administrator
    form: Any = None                           # the form class whose fields are posted
    extra_fields: dict = dataclasses.field(default_factory=dict)   # name -> FieldSpec kind, for request.form reads
    args: Callable[[World], dict] | None = None  # URL values, evaluated before every request
    query: dict = dataclasses.field(default_factory=dict)
    valid: dict = dataclasses.field(default_factory=dict)          # valid values by field name (callable(world) or value)
    readback: "Pages | None" = None            # pages that show what a success stored
    fresh_client: bool = False                 # a new signed-in client for every request (logout)
    anonymous: bool = False                    # the login form
    hx_success_200: bool = False               # for htmx, a 200 fragment is the success answer

    @property
    def prepares(self) -> bool:
        """Whether something is made afresh for every request (a case to accept, a document to delete, a login)."""
        return self.fresh_client or (self.args is not None and not getattr(self.args, "pure", False))

    def fields(self) -> dict[str, FieldSpec]:
        specs = form_fields(self.form) if self.form else {}
        for name, kind in self.extra_fields.items():
            specs.setdefault(name, FieldSpec(name, kind))
        specs.pop("csrf_token", None)
        return specs


def _w(**values):
    """URL values from the world's ids: _w(station_id="station") -> {"station_id": ids["station"]}; ints as given."""
    def args(world):
        return {name: world.ids[key] if isinstance(key, str) else key for name, key in values.items()}
    args.pure = True  # reads the world, creates nothing: the state after one request is the state before the next
    return args


def _pure(args):
    args.pure = True
    return args


@dataclasses.dataclass(frozen=True)
class Pages:
    """Where what a success stored shows: `after` pages are read after every success (an edit overwrites
    what the one before stored), `at_end` pages once the route's requests are done (they list everything
    stored so far: the audit trail, registers, the province's dashboards). Templates take the world's
    ids, {year}, {grading_year} and {location} (where the success redirected to); "sheng:"/"zhen:" pick
    whose page."""

    after: tuple = ()
    at_end: tuple = ()


def _readback(*after, end=()):
    return Pages(tuple(after), tuple(end))


def page_paths(world: World, recipe: Recipe, templates, location: str = "") -> list[tuple[str, str]]:
    """(tenant, path) of each template that applies."""
    out = []
    location = location.replace(f"http://{SERVER}", "").split("?")[0]
    for template in templates:
        tenant, rest = (template.split(":", 1) if template.split(":", 1)[0] in ("sheng", "zhen") else (recipe.tenant, template))
        if "{location}" in rest:
            if not location.startswith("/t/"):
                continue
            rest = rest.replace("{location}", location.split("/", 3)[3] if location.count("/") >= 3 else "")
            rest = "/" + rest.lstrip("/")
        out.append((tenant, world.path(tenant, rest.format(**world.ids, year=YEAR, grading_year=GRADING_YEAR))))
    return out


AUDIT = "/admin/audit"


def recipes() -> list[Recipe]:
    from app.auth.forms import ConfirmForm, LoginForm, PasswordResetForm, UserCreateForm
    from app.checklist.forms import EvidenceForm, ItemForm
    from app.checklist.rules import TASKS
    from app.delegation import forms as case_forms
    from app.grading import forms as grading_forms
    from app.reduction import forms as reduction_forms
    from app.stations import forms as station_forms
    from app.stations.uscc import example_uscc

    serial = iter(range(100_000, 10_000_000))

    def uscc(world):
        return example_uscc(next(serial))

    def username(world):
        return f"fz{next(serial)}"

    # what a success stored is read back on the pages (and exports) that show it; the province's
    # dashboards read the town's counts from the shared summaries
    panel = "sheng:/dashboard/federations/{zhen}/panels/"
    station_pages = _readback("{location}/enterprises.xlsx", "{location}/checklist.xlsx", "{location}/budget",
                              end=("/stations", AUDIT, panel + "stations", panel + "stations.xlsx"))
    people_pages = _readback(f"/grading/stations/{{station}}?year={YEAR}", f"/grading/stipends.xlsx?year={GRADING_YEAR}",
                             end=(AUDIT, "/"))
    enterprise_pages = _readback("/stations/{station}/enterprises.xlsx", "/stations/{station}/checklist.xlsx",
                                 end=("/stations/{station}/checklist", "/cases/new", AUDIT, panel + "checklist"))
    checklist_pages = _readback("/stations/{station}/checklist.xlsx", f"/grading/stations/{{station}}?year={YEAR}",
                                end=("/stations/{station}/checklist", "/enterprises/{enterprise}/checklist/{year}",
                                     "/enterprises/{enterprise2}/checklist/{year}", "/todo", AUDIT, panel + "checklist",
                                     panel + "checklist.xlsx", "sheng:/dashboard/federations/{zhen}/stations/{station}"))
    case_pages = _readback("/cases", end=("/enterprises/{enterprise}/cases", AUDIT, panel + "cases", panel + "cases.xlsx"))
    escalated_pages = _readback("/cases", end=("zhen:/cases", "zhen:" + AUDIT, panel + "cases"))
    grading_pages = _readback(f"/grading/stations/{{station}}?year={YEAR}", f"/grading/stations/{{station}}?year={GRADING_YEAR}",
                              f"/grading/stipends.xlsx?year={GRADING_YEAR}",
                              end=(f"/grading?year={YEAR}", f"/grading?year={GRADING_YEAR}", f"/grading/stipends.xlsx?year={YEAR}",
                                   AUDIT, panel + "stations", f"{panel}stations.xlsx?year={GRADING_YEAR}"))
    reduction_pages = _readback("/reduction", end=("/reduction/documents", "/reduction/meetings", AUDIT, "sheng:/reduction/rollup"))
    inspection_pages = _readback("/reduction/inspections", end=("/reduction", AUDIT, "zhen:/reduction", "/reduction/rollup"))
    budget_pages = _readback(f"/stations/{{station}}/budget?year={YEAR}", f"/grading/stations/{{station}}?year={YEAR}",
                             end=("/settings", "/stations/{station}/budget", AUDIT, panel + "stations"))
    user_pages = _readback(end=("/admin/users", AUDIT))

    R = Recipe
    out = [
        # accounts
        R("auth.login", "auth.login", form=LoginForm, anonymous=True,
          valid={"username": "nobody", "password": "wrong-password-1", "next": ""}),
        R("auth.logout", "auth.logout", form=ConfirmForm, fresh_client=True),
        R("auth.users", "auth.users", form=UserCreateForm, hx_success_200=False,
          valid={"username": username, "password": "Strong-pass-123", "role": "viewer", "display_name": "新用户"},
          readback=user_pages),
        R("auth.reset_password", "auth.reset_password", form=PasswordResetForm, args=_w(user_id="viewer"),
          valid={"password": "Another-pass-456"}, readback=user_pages),
        R("auth.toggle_active", "auth.toggle_active", form=ConfirmForm, args=_w(user_id="viewer"), hx_success_200=True,
          readback=user_pages),
        R("auth.toggle_active[self]", "auth.toggle_active", form=ConfirmForm, args=_w(user_id="admin"), hx_success_200=True,
          readback=user_pages),
        # stations
        R("stations.index", "stations.index", form=station_forms.StationForm,
          valid={"name": lambda w: f"新工作站{next(serial)}", "mode": "region", "status": "active"}, readback=station_pages),
        R("stations.show", "stations.show", form=station_forms.StationForm, args=_w(station_id="station"),
          valid={"name": "三星镇机械行业工会工作站", "mode": "industry", "status": "active", "coverage": "机械制造"}, readback=station_pages),
        R("stations.add_person", "stations.add_person", form=station_forms.PersonForm, args=_w(station_id="station"),
          valid={"name": "王五", "role": "staff", "source": "backbone_chair", "started_on": "2026-02-01", "phone": "13912345678",
                 "username": ""}, readback=people_pages),
        R("stations.end_role", "stations.end_role", form=station_forms.EndRoleForm,
          args=lambda w: {"station_id": w.ids["station"], "role_id": w.fresh_role()}, valid={"ended_on": "2026-06-01"},
          readback=people_pages),
        R("stations.new_enterprise", "stations.new_enterprise", form=station_forms.EnterpriseForm, args=_w(station_id="station"),
          valid={"name": lambda w: f"新企业{next(serial)}有限公司", "uscc": uscc, "workers": "20", "members": "10",
                 "contact_phone": "13912345678"}, readback=enterprise_pages),
        R("stations.enterprise", "stations.enterprise", form=station_forms.EnterpriseForm, args=_w(enterprise_id="enterprise"),
          valid={"name": "测试企业一有限公司", "uscc": lambda w: example_uscc(424242), "workers": "50", "members": "40",
                 "contact_phone": "13912345678"}, readback=enterprise_pages),
        R("stations.move_enterprise", "stations.move_enterprise", form=station_forms.MoveForm, args=_w(enterprise_id="enterprise_moving"),
          valid={"station_id": lambda w: str(w.ids["other_station"]), "moved_on": "2026-06-01"},
          readback=_readback("/stations/{station}/checklist", "/stations/{other_station}/checklist", end=(AUDIT,))),
        R("stations.import_enterprises", "stations.import_enterprises", form=station_forms.ImportForm, args=_w(station_id="station"),
          valid={"file": "xlsx_valid"}, readback=enterprise_pages),
        R("stations.set_budget", "stations.set_budget", form=station_forms.BudgetForm, args=_w(station_id="station"),
          query={"year": YEAR}, valid={"amount": "50000"}, readback=budget_pages),
        R("stations.add_expense", "stations.add_expense", form=station_forms.ExpenseForm, args=_w(station_id="station"),
          valid={"spent_on": "2026-05-01", "amount": "10.50", "category": "office", "description": "纸笔", "receipt": "pdf",
                 "confirm_overspend": "y"}, readback=budget_pages),
        R("stations.settings", "stations.settings", form=station_forms.SettingsForm, valid={"default_station_budget": "30000"},
          readback=budget_pages),
        # checklist
        *[R(f"checklist.edit_task[{task}]", "checklist.edit_task", form=ItemForm, hx_success_200=True,
            args=_pure((lambda t: lambda w: {"enterprise_id": w.ids["enterprise2"], "year": YEAR, "task": t})(task)),
            valid={"version": lambda w, t=task: str(w.scalar("zhen", _item_version(w.ids["enterprise2"], t)) or 0), "status": "done",
                   "held_on": "2026-05-01", "planned_on": "2026-04-01", "agreement_signed": "yes", "average_raise_pct": "5",
                   "minimum_wage": "2490", "workers_covered": "10", "delegates_expected": "20", "delegates_present": "18",
                   "motions_adopted": "3", "activity_kind": "比赛", "participants": "30"},
            readback=checklist_pages) for task in TASKS],
        R("checklist.edit_task[unknown task]", "checklist.edit_task", form=ItemForm,
          args=_pure(lambda w: {"enterprise_id": w.ids["enterprise"], "year": YEAR, "task": "<b onclick=x>..;--"}),
          valid={"status": "done"}),
        R("checklist.enterprise_year", "checklist.enterprise_year", form=ItemForm,
          args=_pure(lambda w: {"enterprise_id": w.ids["enterprise"], "year": YEAR}),
          valid={"status": "done", "title": "拔河比赛", "held_on": "2026-05-02", "participants": "20", "activity_kind": "比赛"},
          readback=checklist_pages),
        R("checklist.item", "checklist.item", form=ItemForm, args=_w(item_id="activity"),
          valid={"version": lambda w: str(w.scalar("zhen", _item_version_by_id(w.ids["activity"]))), "status": "done",
                 "title": "篮球赛", "held_on": "2026-04-01", "participants": "31", "activity_kind": "比赛"},
          readback=checklist_pages),
        R("checklist.upload_evidence", "checklist.upload_evidence", form=EvidenceForm, args=_w(item_id="item"),
          valid={"file": "pdf"}, readback=_readback("/stations/{station}/checklist", end=(AUDIT,))),
        # cases
        R("delegation.new", "delegation.new", form=case_forms.CaseForm,
          valid={"kind": "rights", "source": "station", "title": "拖欠工资", "description": "职工反映",
                 "enterprise_ids": lambda w: str(w.ids["enterprise"])}, readback=case_pages),
        R("delegation.act[accept]", "delegation.act", form=case_forms.AcceptForm,
          args=lambda w: {"case_id": w.fresh_case("requested"), "action": "accept"}, valid={"due_on": "2026-07-01"}, readback=case_pages),
        R("delegation.act[note]", "delegation.act", form=case_forms.NoteForm,
          args=lambda w: {"case_id": w.fresh_case("accepted"), "action": "note"},
          valid={"happened_on": "2026-06-10", "text": "已约谈", "file": "pdf"}, readback=case_pages),
        R("delegation.act[close]", "delegation.act", form=case_forms.CloseForm,
          args=lambda w: {"case_id": w.fresh_case("accepted"), "action": "close"},
          valid={"summary": "已追回", "amount_recovered": "5000", "workers_helped": "12", "workers_covered": "12",
                 "agreement_title": "协议", "election_result": "当选"}, readback=case_pages),
        R("delegation.act[confirm]", "delegation.act", form=case_forms.ConfirmCaseForm,
          args=lambda w: {"case_id": w.fresh_case("closed"), "action": "confirm"}, valid={"rating": "5", "note": "满意"},
          readback=case_pages),
        R("delegation.act[reopen]", "delegation.act", extra_fields={"reason": "text"},
          args=lambda w: {"case_id": w.fresh_case("closed"), "action": "reopen"}, valid={"reason": "材料不全"}, readback=case_pages),
        R("delegation.act[escalate]", "delegation.act", extra_fields={"reason": "text"},
          args=lambda w: {"case_id": w.fresh_case("requested"), "action": "escalate"}, valid={"reason": "需要上级协调"},
          readback=case_pages),
        R("delegation.act[unknown action]", "delegation.act", extra_fields={"reason": "text"},
          args=_pure(lambda w: {"case_id": w.ids["case"], "action": "delete"})),
        R("delegation.escalated_act[accept]", "delegation.escalated_act", tenant="sheng", form=case_forms.AcceptForm,
          args=lambda w: {"escalation_id": w.fresh_escalation("requested"), "action": "accept"}, valid={"due_on": ""},
          readback=escalated_pages),
        R("delegation.escalated_act[note]", "delegation.escalated_act", tenant="sheng", form=case_forms.NoteForm,
          args=lambda w: {"escalation_id": w.fresh_escalation("accepted"), "action": "note"},
          valid={"happened_on": "2026-06-10", "text": "协调中", "file": "pdf"}, readback=escalated_pages),
        R("delegation.escalated_act[close]", "delegation.escalated_act", tenant="sheng", form=case_forms.CloseForm,
          args=lambda w: {"escalation_id": w.fresh_escalation("accepted"), "action": "close"},
          valid={"summary": "已追回", "amount_recovered": "5000", "workers_helped": "12"}, readback=escalated_pages),
        R("delegation.escalated_act[unknown action]", "delegation.escalated_act", tenant="sheng", extra_fields={"reason": "text"},
          args=_pure(lambda w: {"escalation_id": w.ids["escalation"], "action": "confirm"})),
        R("delegation.dues", "delegation.dues", form=case_forms.DuesForm, args=_w(enterprise_id="enterprise"),
          valid={"entry_on": "2026-05-01", "kind": "collected", "amount": "88.80", "note": "收缴"},
          readback=_readback(end=(AUDIT,))),
        R("delegation.start_acting", "delegation.start_acting", tenant="sheng", form=ConfirmForm, args=_w(tenant_id="zhen")),
        R("delegation.stop_acting", "delegation.stop_acting", form=ConfirmForm),
        # grading
        R("grading.set_entry", "grading.set_entry", form=grading_forms.EntryForm, hx_success_200=True,
          args=_w(station_id="station", item_id="grading_item"), query={"year": YEAR}, valid={"value": "5", "reason": "表现良好"},
          readback=grading_pages),
        R("grading.submit", "grading.submit", form=ConfirmForm, args=_w(station_id="station"), query={"year": GRADING_YEAR},
          readback=grading_pages),
        R("grading.send_back", "grading.send_back", form=grading_forms.ReasonForm,
          args=lambda w: (w.grading_status("submitted"), {"station_id": w.ids["station"]})[1], query={"year": GRADING_YEAR},
          valid={"reason": "请补充材料"}, readback=grading_pages),
        R("grading.confirm", "grading.confirm", form=ConfirmForm,
          args=lambda w: (w.grading_status("submitted"), {"station_id": w.ids["station"]})[1], query={"year": GRADING_YEAR},
          readback=grading_pages),
        R("grading.unlock", "grading.unlock", form=grading_forms.ReasonForm,
          args=lambda w: (w.grading_status("confirmed"), {"station_id": w.ids["station"]})[1], query={"year": GRADING_YEAR},
          valid={"reason": "复核"}, readback=grading_pages),
        R("grading.save_item[new]", "grading.save_item", form=grading_forms.ItemForm, query={"year": YEAR},
          valid={"category": "其他", "name": "新考核项", "kind": "manual", "metric": "", "max_points": "5", "target": "", "brackets": ""},
          readback=grading_pages),
        R("grading.save_item[item]", "grading.save_item", form=grading_forms.ItemForm, args=_w(item_id="grading_item"),
          query={"year": YEAR}, valid={"category": "五、服务成效", "name": "职工满意度", "kind": "bracket", "metric": "",
                                       "max_points": "10", "brackets": "20:10; *:5"}, readback=grading_pages),
        R("grading.delete_item", "grading.delete_item", form=ConfirmForm, args=lambda w: {"item_id": w.fresh_grading_item()},
          query={"year": YEAR}, readback=grading_pages),
        R("grading.save_tiers", "grading.save_tiers", form=grading_forms.TiersForm, query={"year": YEAR},
          valid={"tiers": "优秀,90,3000,2000\n合格,60,1000,800"}, readback=grading_pages),
        R("grading.publish", "grading.publish", form=ConfirmForm, query={"year": YEAR}, readback=grading_pages),
        # reduction
        R("reduction.recheck", "reduction.recheck", form=ConfirmForm, query={"year": YEAR}, readback=reduction_pages),
        R("reduction.new_document", "reduction.new_document", form=reduction_forms.DocumentForm,
          valid={"number": "镇工发〔2026〕2号", "title": "关于开展劳动竞赛的通知", "department": "办公室", "issued_on": "2026-05-03",
                 "doc_type": "general", "has_measures": "y", "body": "各基层工会：开展劳动竞赛。"}, readback=reduction_pages),
        R("reduction.document", "reduction.document", form=reduction_forms.DocumentForm, args=_w(document_id="document"),
          valid={"number": "镇工发〔2026〕1号", "title": "关于转发上级通知的通知", "department": "办公室", "issued_on": "2026-03-02",
                 "doc_type": "forwarding", "body": "转发上级文件，请遵照执行。"}, readback=reduction_pages),
        R("reduction.delete_document", "reduction.delete_document", form=ConfirmForm,
          args=lambda w: {"document_id": w.fresh_document()}, readback=reduction_pages),
        R("reduction.check", "reduction.check", form=reduction_forms.DraftForm, valid={"body": "各基层工会：要坚持以职工为中心。"}),
        R("reduction.new_meeting", "reduction.new_meeting", form=reduction_forms.MeetingForm,
          valid={"title": "专题会议", "department": "宣传部", "held_on": "2026-05-04", "starts_at": "14:30", "duration_minutes": "45",
                 "kind": "other", "mode": "video", "levels_down": "1"}, readback=reduction_pages),
        R("reduction.meeting", "reduction.meeting", form=reduction_forms.MeetingForm, args=_w(meeting_id="meeting"),
          valid={"title": "年度工作会议", "department": "办公室", "held_on": "2026-03-03", "starts_at": "09:00", "duration_minutes": "120",
                 "kind": "work", "mode": "onsite", "levels_down": "2", "could_be_video": "y"}, readback=reduction_pages),
        R("reduction.delete_meeting", "reduction.delete_meeting", form=ConfirmForm,
          args=lambda w: {"meeting_id": w.fresh_meeting()}, readback=reduction_pages),
        R("reduction.new_inspection", "reduction.new_inspection", tenant="sheng", form=reduction_forms.InspectionForm,
          valid={"title": "专项调研", "department": "研究室", "kind": "survey", "starts_on": "2026-05-06", "ends_on": "2026-05-07",
                 "items": "3", "targets": lambda w: str(w.zhen.id)}, readback=inspection_pages),
        R("reduction.inspection", "reduction.inspection", tenant="sheng", form=reduction_forms.InspectionForm,
          args=_w(inspection_id="inspection"),
          valid={"title": "安全生产检查", "department": "办公室", "kind": "inspection", "starts_on": "2026-03-04",
                 "ends_on": "2026-03-05", "items": "12", "scores_paperwork": "y", "targets": lambda w: str(w.zhen.id)},
          readback=inspection_pages),
        R("reduction.delete_inspection", "reduction.delete_inspection", tenant="sheng", form=ConfirmForm,
          args=lambda w: {"inspection_id": w.fresh_inspection()}, readback=inspection_pages),
        R("reduction.override", "reduction.override", form=reduction_forms.OverrideForm, args=_w(flag_id="flag"), hx_success_200=True,
          valid={"reason": "上级要求转发"}, readback=reduction_pages),
        R("reduction.calendar", "reduction.calendar", tenant="sheng", form=reduction_forms.CalendarDayForm,
          args=_w(year=CALENDAR_YEAR), valid={"first": "2030-10-02", "last": "2030-10-03", "is_workday": "holiday", "name": "国庆节"},
          readback=_readback(f"/reduction/inspections?year={CALENDAR_YEAR}")),
        R("reduction.remove_calendar_day", "reduction.remove_calendar_day", tenant="sheng", form=ConfirmForm,
          args=lambda w: {"year": CALENDAR_YEAR, "day": w.calendar_day()},
          readback=None),
        R("reduction.remove_calendar_day[bad day]", "reduction.remove_calendar_day", tenant="sheng", form=ConfirmForm,
          args=_pure(lambda w: {"year": CALENDAR_YEAR, "day": "2030-02-30"})),
        R("reduction.confirm_calendar", "reduction.confirm_calendar", tenant="sheng", form=ConfirmForm, extra_fields={"reopen": "hidden"},
          args=_w(year=CALENDAR_YEAR), valid={"reopen": "1"}, readback=None),
    ]
    return out


def _item_version(enterprise_id: int, task: str):
    from app.checklist.models import ChecklistItem

    return sa.select(ChecklistItem.version).where(ChecklistItem.enterprise_id == enterprise_id, ChecklistItem.year == YEAR,
                                                  ChecklistItem.task == task)


def _item_version_by_id(item_id: int):
    from app.checklist.models import ChecklistItem

    return sa.select(ChecklistItem.version).where(ChecklistItem.id == item_id)


# Values ---------------------------------------------------------------------------------------------------

def valid_value(recipe: Recipe, spec: FieldSpec, world: World):
    """A value the form accepts on its own (so that another field's hostile value travels further)."""
    if spec.name in recipe.valid:
        value = recipe.valid[spec.name]
        return value(world) if callable(value) else value
    return {"text": "测试", "password": "Strong-pass-123", "hidden": "", "int": "1", "decimal": "1.50", "date": "2026-06-01",
            "time": "10:00", "bool": "y", "select": spec.choices[0] if spec.choices else "1", "radio": spec.choices[0] if spec.choices else "",
            "multi": spec.choices[0] if spec.choices else "1", "file": None}[spec.kind]


def file_value(name_or_bytes, filename: str | None = None):
    """A (stream, filename) pair for werkzeug's test client."""
    if isinstance(name_or_bytes, str):
        contents = upload_contents()[name_or_bytes]
        filename = filename or {"xlsx_valid": "企业名单.xlsx", "docx": "通知.docx", "png": "图.png"}.get(name_or_bytes, "文件.pdf")
    else:
        contents = name_or_bytes
    return (io.BytesIO(contents), filename if filename is not None else "upload.bin")


def form_for_case(recipe: Recipe, world: World, case: str) -> dict:
    """The deterministic hostile cases: valid values everywhere, the case's value in the fields it aims at."""
    specs = recipe.fields()
    data = {}
    for name, spec in specs.items():
        data[name] = valid_value(recipe, spec, world)
    if case == "valid":
        pass
    elif case == "missing_fields":
        data = {}
    elif case == "valid_and_extra_fields":
        data.update({"is_admin": "1", "role": data.get("role", "admin"), "id": "1", "tenant_id": str(world.ids["sheng"]),
                     "__proto__": "x", "x" * 300: "y" * 300, "字段": "值"})
    elif case == "multiple_values":
        data = {name: [value, "第二个值", "-1"] if spec.kind != "file" else value for (name, value), spec in zip(data.items(), specs.values())}
    else:
        value, aims = HOSTILE[case]
        for name, spec in specs.items():
            if spec.kind == "file":
                continue
            if ANY in aims or spec.category in aims or (spec.kind in ("password", "hidden") and TEXT in aims):
                data[name] = value
    return {k: v for k, v in data.items() if v is not None}


STRUCTURAL_CASES = ["valid_and_extra_fields", "missing_fields", "multiple_values"]


def relevant_cases(recipe: Recipe) -> list[str]:
    """Structural cases, plus the hostile ones aimed at a kind of field the route has."""
    categories = {spec.category for spec in recipe.fields().values()} | {ANY}
    cases = list(STRUCTURAL_CASES)
    for name, (_, aims) in HOSTILE.items():
        if aims & categories or ANY in aims:
            cases.append(name)
    return cases if recipe.fields() else ["valid_and_extra_fields", "multiple_values"]


# Sending and judging -----------------------------------------------------------------------------------------

@dataclasses.dataclass
class Exchange:
    method: str
    url: str
    data: Any
    headers: dict
    status: int
    location: str
    flashes: list
    error: str | None       # the traceback of an exception the app raised, if any

    def describe(self) -> str:
        shown = {k: (short(v, 120) if not isinstance(v, tuple) else f"<file {short(v[1], 80)}>") for k, v in (self.data or {}).items()} \
            if isinstance(self.data, dict) else short(self.data, 200)
        return f"{self.method} {short(self.url, 300)} data={shown} headers={self.headers} -> {self.status}"


@dataclasses.dataclass
class Problem:
    kind: str                 # 5xx | stored change from a refused request | read back | file
    request: str              # the request, enough to send it again
    detail: str = ""          # the traceback, or the rows that changed
    case: str = ""            # the hostile case, or "random"

    def signature(self) -> str:
        lines = [line for line in self.detail.splitlines() if line.strip()]
        frames = [line.strip() for line in lines if line.strip().startswith('File "') and "/app/" in line]
        error = next((line.strip() for line in reversed(lines) if re.match(r"\s*[\w.]+(Error|Exception|Overflow\w*|Exit)\b", line)), "")
        if self.kind.startswith("stored"):
            return f"{self.kind}|{self.detail[:40]}"
        return f"{self.kind}|{frames[-1] if frames else ''}|{re.sub(r'[0-9]+', 'N', error)[:200]}"

    def error_line(self) -> str:
        lines = [line.strip() for line in self.detail.splitlines() if line.strip()]
        return lines[-1][:300] if lines else ""

    def text(self) -> str:
        return f"[{self.case}] {self.kind}: {self.request}\n{self.detail}"


def dedupe(problems: list[Problem]) -> list[str]:
    """One report per kind of problem (the same exception from the same line), with how many requests hit it."""
    seen: dict[str, list] = {}
    for problem in problems:
        seen.setdefault(problem.signature(), [problem, 0])[1] += 1
    return [p.text() if n == 1 else f"{p.text()}\n(and {n - 1} more requests like it)" for p, n in seen.values()]


def write_report(test_id: str, problems: list[Problem]) -> None:
    """With JICENG_FUZZ_REPORT=FILE, every problem is appended to FILE as one JSON line (for triage)."""
    import json
    import os

    target = os.environ.get("JICENG_FUZZ_REPORT")
    if not target or not problems:
        return
    with open(target, "a", encoding="utf-8") as out:
        for p in problems:
            out.write(json.dumps({"test": test_id, "kind": p.kind, "case": p.case, "request": p.request[:2000],
                                  "signature": p.signature(), "error": p.error_line(), "detail": p.detail[-6000:]},
                                 ensure_ascii=False) + "\n")


class Recorder:
    """Catches the exceptions the app reports (the 500 page hides them) with their tracebacks."""

    def __init__(self, app: Flask):
        self.app = app
        self.errors: list[str] = []
        got_request_exception.connect(self._record, app)

    def _record(self, sender, exception, **extra):
        self.errors.append("".join(traceback.format_exception(exception)))

    def close(self):
        got_request_exception.disconnect(self._record, self.app)


def send(client, recorder: Recorder, method: str, url: str, data=None, headers=None, content_type=None) -> Exchange:
    recorder.errors.clear()
    kwargs = {"headers": headers or {}}
    if data is not None:
        if isinstance(data, (bytes, str)):
            kwargs["data"] = data
        else:
            kwargs["data"] = _copy_files(data)
    if content_type:
        kwargs["content_type"] = content_type
    response = client.open(url, method=method, **kwargs)
    status = response.status_code
    location = response.headers.get("Location") or response.headers.get("HX-Redirect") or ""
    response.close()
    flashes = []
    with client.session_transaction() as session:
        flashes = list(session.pop("_flashes", []))
    shown_headers = dict(headers or {}) | ({"Content-Type": content_type} if content_type else {})
    return Exchange(method, url, data, shown_headers, status, location, flashes,
                    recorder.errors[-1] if recorder.errors else None)


def _copy_files(data: dict) -> dict:
    """werkzeug consumes the streams of a request: give every request fresh ones (for retries and reports)."""
    out = {}
    for key, value in data.items():
        if isinstance(value, tuple) and hasattr(value[0], "getvalue"):
            out[key] = (io.BytesIO(value[0].getvalue()), value[1])
        else:
            out[key] = value
    return out


def succeeded(exchange: Exchange, recipe: Recipe) -> bool:
    """The answer the app gives when it did what was asked: a redirect (or htmx's 204 + HX-Redirect, or for a
    few htmx routes the 200 fragment) with no error message flashed."""
    if any(category == "error" for category, _ in exchange.flashes):
        return False
    if exchange.status in (301, 302, 303) or (exchange.status == 204 and exchange.location):
        return True
    return exchange.status == 200 and recipe.hx_success_200 and exchange.headers.get("HX-Request") == "true"


# Changes a refused request is allowed to leave: counting a failed login is the point of the throttle.
LOGIN_COLUMNS = {"failed_login_count", "last_failed_login_at", "locked_until"}


def unexplained(changes: dict, recipe: Recipe) -> dict:
    """The changes (from diff()) a refused request may not explain. A refused login counts the failure:
    the address's failures, the account's counter and lock, an audit event `login.failed`; nothing else."""
    if recipe.endpoint != "auth.login":
        return changes
    rest = {}
    for table, change in changes.items():
        if table == "shared.login_failures" and list(change) == ["added"]:
            continue
        if table.endswith(".users") and list(change) == ["changed"] and all(set(c) <= LOGIN_COLUMNS for c in change["changed"]):
            continue
        if table.endswith(".audit_events") and list(change) == ["added"] and all(r["action"] == "login.failed" for r in change["added"]):
            continue
        rest[table] = change
    return rest


def files_outside_the_store(world: World, before: set[Path]) -> list["Problem"]:
    """New files anywhere in the sandbox that are not content-named files of the store."""
    problems = []
    for path in world.sandbox.rglob("*"):
        if not path.is_file() or path in before:
            continue
        try:
            relative = path.relative_to(world.files_root)
        except ValueError:
            problems.append(Problem("file written outside the store", str(path)))
            continue
        parts = relative.parts
        if len(parts) != 3 or not re.fullmatch(r"t_[a-z0-9_]+", parts[0]) or parts[1] != parts[2][:2] \
                or not re.fullmatch(r"[0-9a-f]{64}", parts[2]) or hashlib.sha256(path.read_bytes()).hexdigest() != parts[2]:
            problems.append(Problem("file in the store not named by its content", str(relative)))
    return problems


def sandbox_files(world: World) -> set[Path]:
    return {p for p in world.sandbox.rglob("*") if p.is_file()}


def read_back(world: World, recipe: Recipe, exchange: Exchange | None, client, *, at_end: bool = False) -> list[Problem]:
    """After a success: the page it sends to and the pages that show what it stored answer without error
    (at_end: the pages listing everything the route stored)."""
    pages = []
    if not at_end and exchange.location and exchange.location.replace(f"http://{SERVER}", "").startswith("/"):
        pages.append((None, exchange.location.replace(f"http://{SERVER}", "")))
    if recipe.readback:
        templates = recipe.readback.at_end if at_end else recipe.readback.after
        pages += page_paths(world, recipe, templates, exchange.location if exchange else "")
    problems = []
    for tenant, page in pages:
        reader = client if tenant is None or (tenant == recipe.tenant and recipe.anonymous) else world.client(tenant)
        world.recorder.errors.clear()
        response = reader.get(page)
        if response.status_code >= 500:
            after = "at the end of the route's requests" if at_end else f"after {exchange.describe()}"
            problems.append(Problem(f"read back: GET {page} -> {response.status_code}", after,
                                    world.recorder.errors[-1] if world.recorder.errors else ""))
        response.close()
    return problems


def client_for(world: World, recipe: Recipe):
    if recipe.anonymous:
        client = world.app.test_client()
        # failed logins count per address: keep the fuzz's away from the address the other clients sign in from
        client.environ_base["REMOTE_ADDR"] = f"10.{random_octet()}.{random_octet()}.{random_octet()}"
        return client
    return world.client(recipe.tenant, fresh=recipe.fresh_client)


def random_octet() -> int:
    import random

    return random.randint(1, 254)


def url(world: World, recipe: Recipe, args: dict, query: dict | None) -> str:
    adapter = world.app.url_map.bind(SERVER)
    path = adapter.build(recipe.endpoint, {"slug": world.tenant(recipe.tenant).slug, **args})
    if query:
        path += "?" + urllib.parse.urlencode(query, doseq=True)
    return path


def has_file(data) -> bool:
    return isinstance(data, dict) and any(isinstance(v, tuple) for v in data.values())


# Paths of GET pages, for the crawl and the query fuzz ------------------------------------------------------------

SHENG_ENDPOINTS = ("dashboard.", "delegation.escalated", "delegation.act_below", "reduction.inspection", "reduction.calendar")


def path_values(world: World, endpoint: str) -> dict:
    ids = world.ids
    values = {"station_id": ids["station"], "enterprise_id": ids["enterprise"], "year": YEAR, "task": "wage_negotiation",
              "item_id": ids["activity"], "evidence_id": ids["evidence"], "case_id": ids["case"], "event_id": ids["event"],
              "escalation_id": ids["escalation"], "expense_id": ids["expense"], "document_id": ids["document"],
              "meeting_id": ids["meeting"], "inspection_id": ids["inspection"], "flag_id": ids["flag"], "user_id": ids["viewer"],
              "role_id": ids["chief_role"], "tenant_id": ids["zhen"], "panel": "checklist", "day": CALENDAR_DAY.isoformat()}
    if endpoint == "delegation.escalated_event_file":
        values["event_id"] = ids["escalated_event"]
    if endpoint.startswith("reduction.calendar"):
        values["year"] = CALENDAR_YEAR
    return values


def tenant_of(endpoint: str) -> str:
    return "sheng" if endpoint.startswith(SHENG_ENDPOINTS) else "zhen"


def get_rules(app: Flask) -> list:
    return sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"), key=lambda r: r.rule)


def rule_key(rule) -> str:
    return f"{rule.endpoint}:{rule.rule}"


def get_url(world: World, rule, overrides: dict | None = None, query: dict | None = None) -> tuple[str, str]:
    key = tenant_of(rule.endpoint)
    values = path_values(world, rule.endpoint)
    args = {name: values[name] for name in rule.arguments if name != "slug"}
    args.update(overrides or {})
    if "slug" in rule.arguments:
        args["slug"] = world.tenant(key).slug
    path = world.app.url_map.bind(SERVER).build(rule.endpoint, args)
    if query:
        path += "?" + urllib.parse.urlencode(query, doseq=True)
    return key, path


def get_urls(world: World) -> list[tuple[str, str]]:
    return [get_url(world, rule) for rule in get_rules(world.app)]


# Shared rows the world leaves behind (the tenants themselves are dropped by the app fixture) -------------------

def remember_shared_rows(world: World) -> None:
    world.shared_kept = {name: {repr(r) for r in rows} for name, rows in state(world).items()
                         if name in ("shared.calendar_days", "shared.calendar_years", "shared.login_failures")}


def forget_shared_rows(world: World) -> None:
    from app.auth.models import LoginFailure
    from app.workdays.models import CalendarDay, CalendarYear

    kept = getattr(world, "shared_kept", None)
    if kept is None:
        return
    with world.app.app_context(), tenancy.engines.shared.begin() as conn:
        for model, key in ((CalendarDay, "id"), (CalendarYear, "year"), (LoginFailure, "id")):
            table = model.__table__
            name = f"shared.{table.name}"
            rows = [dict(r) for r in conn.execute(sa.select(table)).mappings()]
            gone = [r[key] for r in rows if repr(r) not in kept[name] and repr(dict(r)) not in kept[name]]
            if gone:
                conn.execute(sa.delete(table).where(table.c[key].in_(gone)))


# Hypothesis strategies ------------------------------------------------------------------------------------------

def _strategies():
    from hypothesis import strategies as st

    chars = st.characters(blacklist_categories=("Cs",))
    hostile = st.sampled_from([value for value, _ in HOSTILE.values()] + MORE_HOSTILE)
    text = st.one_of(st.text(chars, max_size=60), st.builds(lambda c, n: c * n, chars, st.integers(2_000, 10_000)))
    numbers = st.one_of(st.integers(-(2**80), 2**80).map(str), st.floats().map(str),
                        st.decimals(allow_nan=True, allow_infinity=True).map(str), st.integers(-5, 5).map(str))
    dates = st.one_of(st.dates().map(lambda d: d.isoformat()), st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)).map(str),
                      st.from_regex(r"-?\d{1,6}-\d{1,3}-\d{1,3}", fullmatch=True))
    return st, chars, hostile, text, numbers, dates


def field_strategy(recipe: Recipe, spec: FieldSpec, world: World):
    st, chars, hostile, text, numbers, dates = _strategies()
    valid = st.builds(lambda: valid_value(recipe, spec, world))
    if spec.kind == "file":
        contents = sorted(upload_contents())
        names = st.one_of(st.sampled_from(HOSTILE_FILENAMES), st.text(chars, max_size=40))
        upload = st.tuples(st.sampled_from(contents), names).map(lambda t: file_value(*t))
        return st.one_of(st.none(), upload, hostile)
    by_kind = {"int": numbers, "decimal": numbers, "date": dates, "time": st.times().map(str) | st.text(max_size=8),
               "select": st.sampled_from(spec.choices or ("",)) | numbers, "multi": st.sampled_from(spec.choices or ("1",)) | numbers,
               "radio": st.sampled_from(spec.choices or ("",)), "bool": st.sampled_from(["y", "n", "0", "false", "on", ""])}
    kind_values = by_kind.get(spec.kind, text)
    single = st.one_of(valid, valid, valid, kind_values, hostile, text, numbers, dates)
    return st.one_of(single, single, single, st.lists(single, min_size=2, max_size=3), st.none())


def form_strategy(recipe: Recipe, world: World):
    st, chars, hostile, text, numbers, dates = _strategies()
    specs = recipe.fields()
    parts = {name: field_strategy(recipe, spec, world) for name, spec in specs.items()}
    extra = st.dictionaries(st.text(chars, min_size=1, max_size=20), st.one_of(hostile, text), max_size=2)

    def combine(values, extras):
        data = {k: v for k, v in values.items() if v is not None}
        data.update({k: v for k, v in extras.items() if k not in specs})
        return data

    return st.builds(combine, st.fixed_dictionaries(parts), extra)


def query_strategy(recipe: Recipe):
    st, chars, hostile, text, numbers, dates = _strategies()
    names = sorted(query_parameters_read_by_the_app())
    if recipe.query:
        return st.one_of(st.just(recipe.query), st.just(recipe.query),
                         st.fixed_dictionaries({k: st.one_of(hostile, numbers) for k in recipe.query}))
    return st.one_of(st.just({}), st.just({}), st.dictionaries(st.sampled_from(names), st.one_of(hostile, text, numbers), max_size=2))


def query_values_strategy():
    """Random and hostile values for the query parameters the views read."""
    st, chars, hostile, text, numbers, dates = _strategies()
    names = sorted(query_parameters_read_by_the_app())
    value = st.one_of(hostile, text, numbers, dates, st.lists(hostile, min_size=2, max_size=3))
    return st.dictionaries(st.sampled_from(names) | st.text(chars, min_size=1, max_size=10), value, min_size=1, max_size=6)


# CSRF ------------------------------------------------------------------------------------------------------------

def csrf_token_of(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    if not found:
        raise SetupFailed(f"no CSRF token on {path}")
    return found.group(1)


def csrf_client(app: Flask, world: World, key: str):
    """A client of the CSRF-checking app, signed in as the federation's administrator, and its token."""
    client = app.test_client()
    login = world.path(key, "/login")
    token = csrf_token_of(client, login)
    _ok(client.post(login, data={"username": "admin", "password": PASSWORD, "csrf_token": token}), "login with CSRF")
    return client, csrf_token_of(client, world.path(key, "/stations"))


# Uploads -----------------------------------------------------------------------------------------------------------

VALID_UPLOAD = {"stations.import_enterprises": "xlsx_valid", "reduction.new_document": "docx", "reduction.document": "docx",
                "reduction.check": "docx"}


def natural_name(content_name: str) -> str:
    return {"pdf": "合同.pdf", "png": "照片.png", "docx": "通知.docx", "corrupt_docx": "损坏.docx", "docx_bomb": "大.docx",
            "exe": "setup.exe", "html": "page.pdf", "svg": "image.png", "pdf_polyglot_html": "x.pdf", "txt_utf8": "全文.txt",
            "txt_gb18030": "全文.txt", "txt_nul": "binary.txt", "not_a_zip_pk": "fake.docx", "xlsx_valid": "企业名单.xlsx",
            "xlsx_hostile_cells": "企业名单.xlsx", "random_bytes": "random.bin", "empty": "empty.pdf"}.get(content_name, "file.bin")


def _bad_display_name(name: str | None) -> str | None:
    import unicodedata

    if name is None:
        return None
    if "/" in name or "\\" in name:
        return "contains a path separator"
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        return "contains control or format characters"
    if len(name) > 200:
        return f"is {len(name)} characters long"
    return None


def stored_file_names(world: World) -> list[Problem]:
    """The names kept for uploaded files are display names: no path, no control characters."""
    from app.checklist.models import EvidenceFile
    from app.delegation.models import CaseEvent
    from app.reduction.models import Document
    from app.stations.models import StationExpense

    problems = []
    for column in (EvidenceFile.filename, StationExpense.receipt_name, CaseEvent.file_name, Document.source_name):
        with world.app.app_context():
            bind_session(db.session(), tenancy.engines, world.zhen)
            try:
                names = db.session.scalars(sa.select(column).where(column.is_not(None))).all()
            finally:
                db.session.remove()
        for name in names:
            why = _bad_display_name(name)
            if why:
                problems.append(Problem(f"stored file name {why}", f"{column.class_.__tablename__}.{column.key} = {short(name, 200)}"))
    return problems


def downloads(world: World, recipe: Recipe) -> list[Problem]:
    """The newest stored file of the kind the route takes comes back as it was uploaded, under a safe name."""
    from app.checklist.models import EvidenceFile
    from app.delegation.models import CaseEvent
    from app.stations.models import StationExpense

    queries = {"checklist.upload_evidence": (sa.select(EvidenceFile.id, EvidenceFile.sha256).order_by(EvidenceFile.id.desc()),
                                             "/checklist/evidence/{0}"),
               "stations.add_expense": (sa.select(StationExpense.id, StationExpense.receipt_sha256, StationExpense.station_id)
                                        .where(StationExpense.receipt_sha256.is_not(None)).order_by(StationExpense.id.desc()),
                                        "/stations/{2}/expenses/{0}/receipt"),
               "delegation.act[note]": (sa.select(CaseEvent.id, CaseEvent.file_sha256, CaseEvent.case_id)
                                        .where(CaseEvent.file_sha256.is_not(None)).order_by(CaseEvent.id.desc()),
                                        "/cases/{2}/events/{0}/file")}
    if recipe.key not in queries:
        return []
    statement, template = queries[recipe.key]
    with world.app.app_context():
        bind_session(db.session(), tenancy.engines, world.zhen)
        try:
            row = db.session.execute(statement.limit(1)).first()
        finally:
            db.session.remove()
    if row is None:
        return []
    path = world.path("zhen", template.format(*row))
    world.recorder.errors.clear()
    response = world.client("zhen").get(path)
    body, disposition, status = response.get_data(), response.headers.get("Content-Disposition", ""), response.status_code
    response.close()
    problems = []
    if status != 200 or hashlib.sha256(body).hexdigest() != row[1]:
        problems.append(Problem(f"download GET {path} -> {status}", "the stored file does not come back as uploaded",
                                world.recorder.errors[-1] if world.recorder.errors else ""))
    names = [m[1] for m in re.findall(r'filename=("?)([^";]*)\1', disposition)] + [urllib.parse.unquote(n) for n in re.findall(r"filename\*=UTF-8''([^;]*)", disposition)]
    if not names or any(_bad_display_name(n) for n in names):
        problems.append(Problem("download name is not a plain file name", f"GET {path}: Content-Disposition: {disposition[:300]}"))
    return problems


def known_from_report(path: str) -> str:
    """The KNOWN table of test_fuzz.py for the problems in a JICENG_FUZZ_REPORT file (and those no bug explains)."""
    import collections
    import json

    from tests.hardening import test_fuzz

    found: dict = collections.defaultdict(lambda: collections.defaultdict(set))
    unknown = []
    for line in open(path, encoding="utf-8"):
        row = json.loads(line)
        backend, key = row["test"].split(":", 1)
        bug = test_fuzz.bug_of(Problem(row["kind"], row["request"], row["detail"], row["case"]))
        (unknown.append(row) if bug is None else found[key][backend].add(bug))
    lines = ["KNOWN: dict[str, dict[str, tuple[str, ...]]] = {"]
    for key in sorted(found):
        per = ", ".join(f'"{b}": {tuple(sorted(found[key][b], key=lambda x: int(x[1:])))!r}' for b in ("sqlite", "postgresql") if b in found[key])
        lines.append(f'    "{key}": {{{per}}},')
    lines.append("}")
    lines += [f"# not explained by BUGS: {r['test']} {r['kind']} [{r['case']}] {r['error'][:150]}" for r in unknown]
    return "\n".join(lines)


if __name__ == "__main__":  # python -m tests.hardening.fuzz_support REPORT.jsonl
    import sys

    print(known_from_report(sys.argv[1]))
