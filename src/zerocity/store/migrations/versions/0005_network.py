"""member network attributes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "city_profiles",
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("climate_zone", sa.String(length=3), nullable=False),
        sa.Column("climate_source", sa.Text(), nullable=False),
        sa.Column("climate_year", sa.Integer(), nullable=True),
        sa.Column("coastal", sa.Boolean(), nullable=True),
        sa.Column("coastal_source", sa.Text(), nullable=False),
        sa.Column("primary_share", sa.Float(), nullable=True),
        sa.Column("secondary_share", sa.Float(), nullable=True),
        sa.Column("tertiary_share", sa.Float(), nullable=True),
        sa.Column("structure_year", sa.Integer(), nullable=True),
        sa.Column("structure_source", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name=op.f("fk_city_profiles_city_id_cities"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], name=op.f("fk_city_profiles_updated_by_users")),
        sa.PrimaryKeyConstraint("city_id", name=op.f("pk_city_profiles")),
    )


def downgrade() -> None:
    op.drop_table("city_profiles")
