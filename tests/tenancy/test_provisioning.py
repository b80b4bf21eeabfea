"""Creating tenants: validated before DDL, atomic, and placed in one tree."""
import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.extensions import tenancy
from tenants import registry
from tenants.cli import provision
from tenants.provisioning import ProvisioningError, TenantSpec
from tenants.schema import InvalidSlug, schema_name_for, validate_slug


def schemas_and_files(app):
    """What exists in the database: tenant schemas (PostgreSQL) or tenant files (SQLite), and registry rows."""
    engines = tenancy.engines
    with engines.shared.connect() as conn:
        rows = {t.slug for t in registry.all_tenants(conn)}
        if engines.is_sqlite:
            stores = {p.name for p in engines.directory.glob("t_*")}
        else:
            stores = set(conn.execute(sa.text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%'")).scalars())
    return rows, stores


@pytest.mark.parametrize(
    "slug",
    ["", "Haimen", "hai_men", "hai men", "hai.men", 'hai"men', "1haimen", "-haimen", "haimen-", "hai--men",
     "a" * 41, "shared", "public", "admin", "pg-catalog", "haimen;drop", "海门"],
)
def test_bad_slugs_are_refused(slug):
    with pytest.raises(InvalidSlug):
        validate_slug(slug)


@pytest.mark.parametrize("slug, schema", [("haimen", "t_haimen"), ("haimen-sanxing", "t_haimen_sanxing"), ("a" * 40, "t_" + "a" * 40)])
def test_schema_names(slug, schema):
    assert schema_name_for(slug) == schema


@pytest.mark.parametrize(
    "spec",
    [
        TenantSpec("Bad_Slug", "某总工会", "town"),
        TenantSpec("shared", "某总工会", "town"),
        TenantSpec("good", "", "town"),
        TenantSpec("good", "某总工会", "planet"),
        TenantSpec("good", "某总工会", "town", region_code="32A"),
        TenantSpec("good", "某总工会", "town", parent_slug="missing"),
    ],
)
def test_bad_specs_are_refused_before_any_ddl(app, spec):
    statements = []
    with app.app_context():
        sa.event.listen(tenancy.engines.shared, "before_cursor_execute", lambda *a: statements.append(a[2]))
        with pytest.raises(ProvisioningError):
            provision(spec, {"admin": "admin", "password": "long-enough-1"})
        assert not [s for s in statements if s.lstrip().upper().startswith(("CREATE", "INSERT", "ALTER"))]
        assert schemas_and_files(app) == (set(), set())


def test_a_slug_is_unique_ignoring_case(app, make_tenant):
    make_tenant("haimen")
    with app.app_context(), pytest.raises(ProvisioningError, match="已被使用"):
        provision(TenantSpec("haimen", "又一个", "town"), {"admin": "admin", "password": "long-enough-1"})


def test_provisioning_that_fails_half_way_leaves_nothing(app):
    def failing_hook(conn, tenant, options):
        # by now the registry row, the schema and its tables exist inside the transaction
        assert conn.execute(sa.select(sa.func.count()).select_from(User.__table__)).scalar() == 1
        raise RuntimeError("injected failure after the tables were built")

    with app.app_context():
        tenancy.provision_hooks.append(failing_hook)
        try:
            with pytest.raises(RuntimeError, match="injected"):
                provision(TenantSpec("halfway", "半途总工会", "town"), {"admin": "admin", "password": "long-enough-1"})
        finally:
            tenancy.provision_hooks.remove(failing_hook)
        assert schemas_and_files(app) == (set(), set())
        # and the same slug can be created afterwards
        provision(TenantSpec("halfway", "半途总工会", "town"), {"admin": "admin", "password": "long-enough-1"})
        assert schemas_and_files(app)[0] == {"halfway"}


def test_a_weak_first_password_fails_the_whole_creation(app):
    with app.app_context():
        with pytest.raises(ProvisioningError, match="密码"):
            provision(TenantSpec("weak", "弱密码总工会", "town"), {"admin": "admin", "password": "123"})
        assert schemas_and_files(app) == (set(), set())


def test_a_subtree_is_one_prefix_query_in_tree_order(app, make_tenant):
    province = make_tenant("prov", kind="province", region="32")
    city = make_tenant("city", kind="city", parent=province, region="3206")
    county = make_tenant("county", kind="county", parent=city, region="320614")
    town = make_tenant("town", kind="town", parent=county)
    other_city = make_tenant("othercity", kind="city", parent=province, region="3205")
    make_tenant("stranger", kind="province", region="62")
    with app.app_context(), tenancy.engines.shared.connect() as conn:
        assert [t.slug for t in registry.subtree(conn, city)] == ["city", "county", "town"]
        assert {t.slug for t in registry.subtree(conn, province)} == {"prov", "city", "county", "town", "othercity"}
        assert [t.slug for t in registry.subtree(conn, county, include_root=False)] == ["town"]
        assert registry.is_within(town, city) and not registry.is_within(other_city, city)
        assert town.parent_id == county.id and town.path == f"/{province.id}/{city.id}/{county.id}/{town.id}/"
