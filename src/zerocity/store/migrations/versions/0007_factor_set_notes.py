"""factor sets: a description, the file's SHA-256, one name per city

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Server defaults fill rows written before this revision (none could be: nothing created factor sets yet).
    with op.batch_alter_table("factor_sets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("description", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), server_default="", nullable=False))
        batch_op.create_unique_constraint(batch_op.f("uq_factor_sets_city_id"), ["city_id", "name"])


def downgrade() -> None:
    with op.batch_alter_table("factor_sets", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_factor_sets_city_id"), type_="unique")
        batch_op.drop_column("sha256")
        batch_op.drop_column("description")
