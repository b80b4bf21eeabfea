import re
from collections import Counter

from app.demo.federations import DEMO_FEDERATIONS

SLUG_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
RESERVED = {"shared", "public", "admin", "static", "api", "login", "healthz"}
BY_SLUG = {f.slug: f for f in DEMO_FEDERATIONS}
KINDS = Counter(f.kind for f in DEMO_FEDERATIONS)


def test_slugs_unique_and_valid():
    slugs = [f.slug for f in DEMO_FEDERATIONS]
    assert len(slugs) == len(set(slugs))
    for slug in slugs:
        assert SLUG_RE.match(slug), slug
        assert len(slug) <= 40, slug
        assert slug not in RESERVED, slug


def test_parents_come_first():
    seen = set()
    for f in DEMO_FEDERATIONS:
        if f.parent_slug is not None:
            assert f.parent_slug in seen, f.slug
        seen.add(f.slug)


def test_single_root_province():
    provinces = [f for f in DEMO_FEDERATIONS if f.kind == "province"]
    assert len(provinces) == 1
    assert provinces[0].parent_slug is None
    assert [f for f in DEMO_FEDERATIONS if f.parent_slug is None] == provinces
    assert re.fullmatch(r"\d{2}", provinces[0].region_code)


def test_kinds_known():
    assert set(KINDS) <= {"province", "city", "county", "town", "street", "industry"}


def _check_code(f, parent_kind, digits):
    parent = BY_SLUG[f.parent_slug]
    assert parent.kind == parent_kind, f.slug
    assert re.fullmatch(rf"\d{{{digits}}}", f.region_code or ""), f.slug
    assert f.region_code.startswith(parent.region_code), f.slug


def test_region_codes_nest():
    for f in DEMO_FEDERATIONS:
        if f.kind == "city":
            _check_code(f, "province", 4)
        elif f.kind == "county":
            _check_code(f, "city", 6)
        elif f.kind in ("town", "street"):
            _check_code(f, "county", 9)
        elif f.kind == "industry":
            assert f.region_code is None, f.slug
            assert BY_SLUG[f.parent_slug].kind == "county", f.slug


def test_region_codes_unique():
    codes = [f.region_code for f in DEMO_FEDERATIONS if f.region_code]
    assert len(codes) == len(set(codes))


def test_counts():
    assert KINDS["city"] >= 3
    assert KINDS["county"] >= 6
    assert KINDS["town"] + KINDS["street"] + KINDS["industry"] >= 22
    assert KINDS["town"] >= 10
    assert KINDS["street"] >= 6
    assert KINDS["industry"] >= 5


def test_names():
    names = [f.name for f in DEMO_FEDERATIONS]
    assert len(names) == len(set(names))
    for name in names:
        assert name.endswith(("总工会", "工会联合会")), name
