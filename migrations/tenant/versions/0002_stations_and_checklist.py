"""Work stations, people, enterprises, budgets and the 5+N checklist.

Revision ID: t0002
Revises: t0001
"""
import sqlalchemy as sa
from alembic import op

revision = "t0002"
down_revision = "t0001"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Money = sa.Numeric(12, 2)


def _id():
    return sa.Column("id", BigId, sa.Identity(), nullable=False)


def _partial(where: str) -> dict:
    return {"postgresql_where": sa.text(where), "sqlite_where": sa.text(where)}


def upgrade() -> None:
    op.create_index("ix_audit_events_subject", "audit_events", ["subject"])
    op.create_table(
        "federation_settings",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("default_station_budget", Money, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_federation_settings"),
    )
    op.create_table(
        "work_stations",
        _id(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("mode", sa.String(12), nullable=False),
        sa.Column("coverage", sa.String(200), nullable=False),
        sa.Column("host_enterprise", sa.String(200), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_work_stations"),
        sa.UniqueConstraint("name", name="uq_work_stations_name"),
    )
    op.create_table(
        "station_budgets",
        _id(),
        sa.Column("station_id", BigId, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount", Money, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_station_budgets"),
        sa.UniqueConstraint("station_id", "year", name="uq_station_budgets_station_id_year"),
        sa.ForeignKeyConstraint(["station_id"], ["work_stations.id"], name="fk_station_budgets_station_id_work_stations"),
    )
    op.create_table(
        "people",
        _id(),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("phone", sa.String(30), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("user_id", BigId, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.UniqueConstraint("user_id", name="uq_people_user_id"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_people_user_id_users"),
    )
    op.create_table(
        "station_roles",
        _id(),
        sa.Column("station_id", BigId, nullable=False),
        sa.Column("person_id", BigId, nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_station_roles"),
        sa.ForeignKeyConstraint(["station_id"], ["work_stations.id"], name="fk_station_roles_station_id_work_stations"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name="fk_station_roles_person_id_people"),
    )
    op.create_index("ix_station_roles_station_id", "station_roles", ["station_id"])
    op.create_index("ix_station_roles_person_id", "station_roles", ["person_id"])
    op.create_index(
        "uq_station_roles_current_chief", "station_roles", ["station_id"], unique=True,
        **_partial("role = 'chief' AND ended_on IS NULL"),
    )
    op.create_table(
        "enterprises",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("industry", sa.String(100), nullable=False),
        sa.Column("workers", sa.Integer(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=True),
        sa.Column("union_chair", sa.String(50), nullable=False),
        sa.Column("contact_phone", sa.String(30), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_enterprises"),
        sa.UniqueConstraint("uscc", name="uq_enterprises_uscc"),
    )
    op.create_table(
        "enterprise_stations",
        _id(),
        sa.Column("enterprise_id", BigId, nullable=False),
        sa.Column("station_id", BigId, nullable=False),
        sa.Column("from_on", sa.Date(), nullable=False),
        sa.Column("until_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_enterprise_stations"),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"], name="fk_enterprise_stations_enterprise_id_enterprises"),
        sa.ForeignKeyConstraint(["station_id"], ["work_stations.id"], name="fk_enterprise_stations_station_id_work_stations"),
    )
    op.create_index("ix_enterprise_stations_station_id", "enterprise_stations", ["station_id", "from_on"])
    op.create_index("ix_enterprise_stations_enterprise_id", "enterprise_stations", ["enterprise_id"])
    op.create_index(
        "uq_enterprise_stations_current", "enterprise_stations", ["enterprise_id"], unique=True,
        **_partial("until_on IS NULL"),
    )
    op.create_table(
        "station_expenses",
        _id(),
        sa.Column("station_id", BigId, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("spent_on", sa.Date(), nullable=False),
        sa.Column("amount", Money, nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("description", sa.String(300), nullable=False),
        sa.Column("receipt_sha256", sa.String(64), nullable=True),
        sa.Column("receipt_name", sa.String(120), nullable=True),
        sa.Column("receipt_type", sa.String(80), nullable=True),
        sa.Column("is_overspend", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_station_expenses"),
        sa.ForeignKeyConstraint(["station_id"], ["work_stations.id"], name="fk_station_expenses_station_id_work_stations"),
    )
    op.create_index("ix_station_expenses_station_id", "station_expenses", ["station_id", "year"])
    op.create_table(
        "checklist_items",
        _id(),
        sa.Column("enterprise_id", BigId, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("task", sa.String(20), nullable=False),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("participants", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("agreement_signed", sa.Boolean(), nullable=True),
        sa.Column("average_raise_pct", sa.Numeric(5, 2), nullable=True),
        sa.Column("minimum_wage", sa.Numeric(10, 2), nullable=True),
        sa.Column("workers_covered", sa.Integer(), nullable=True),
        sa.Column("delegates_expected", sa.Integer(), nullable=True),
        sa.Column("delegates_present", sa.Integer(), nullable=True),
        sa.Column("motions_adopted", sa.Integer(), nullable=True),
        sa.Column("activity_kind", sa.String(50), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
        sa.Column("updated_on_behalf_by", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_checklist_items"),
        sa.ForeignKeyConstraint(["enterprise_id"], ["enterprises.id"], name="fk_checklist_items_enterprise_id_enterprises"),
    )
    op.create_index("ix_checklist_items_year_enterprise", "checklist_items", ["year", "enterprise_id"])
    op.create_index(
        "uq_checklist_items_task", "checklist_items", ["enterprise_id", "year", "task"], unique=True,
        **_partial("task <> 'n'"),
    )
    op.create_table(
        "evidence_files",
        _id(),
        sa.Column("item_id", BigId, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(120), nullable=False),
        sa.Column("content_type", sa.String(80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_evidence_files"),
        sa.ForeignKeyConstraint(["item_id"], ["checklist_items.id"], name="fk_evidence_files_item_id_checklist_items"),
    )
    op.create_index("ix_evidence_files_item_id", "evidence_files", ["item_id"])


def downgrade() -> None:
    for table in ("evidence_files", "checklist_items", "station_expenses", "enterprise_stations", "enterprises",
                  "station_roles", "people", "station_budgets", "work_stations", "federation_settings"):
        op.drop_table(table)
    op.drop_index("ix_audit_events_subject", "audit_events")
