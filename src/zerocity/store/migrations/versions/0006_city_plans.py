"""stored city plans

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "city_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("scenario_text", sa.Text(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name=op.f("fk_city_plans_city_id_cities"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_city_plans_created_by_users")),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], name=op.f("fk_city_plans_updated_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_city_plans")),
        sa.UniqueConstraint("city_id", "name", name=op.f("uq_city_plans_city_id")),
    )
    op.create_table(
        "city_plan_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("scenario_text", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name=op.f("fk_city_plan_versions_city_id_cities"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_city_plan_versions_created_by_users")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["city_plans.id"], name=op.f("fk_city_plan_versions_plan_id_city_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_city_plan_versions")),
        sa.UniqueConstraint("plan_id", "version", name=op.f("uq_city_plan_versions_plan_id")),
    )
    with op.batch_alter_table("city_plan_versions", schema=None) as batch_op:
        batch_op.create_index("ix_city_plan_versions_city_plan", ["city_id", "plan_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("city_plan_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_city_plan_versions_city_plan")
    op.drop_table("city_plan_versions")
    op.drop_table("city_plans")
