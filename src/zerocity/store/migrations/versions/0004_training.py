"""training programmes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("title_zh", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("summary_zh", sa.Text(), nullable=False),
        sa.Column("summary_en", sa.Text(), nullable=False),
        sa.Column("description_zh", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("sample", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_programmes")),
        sa.UniqueConstraint("slug", name=op.f("uq_training_programmes_slug")),
    )
    op.create_table(
        "training_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("title_zh", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place_zh", sa.String(length=300), nullable=False),
        sa.Column("place_en", sa.String(length=300), nullable=False),
        sa.Column("online_url", sa.String(length=1000), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("trainers", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("sample", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["training_programmes.id"],
            name=op.f("fk_training_sessions_programme_id_training_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_sessions")),
        sa.UniqueConstraint("slug", name=op.f("uq_training_sessions_slug")),
    )
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_sessions_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "training_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.Column("certificate_code", sa.String(length=32), nullable=True),
        sa.Column("registered_by", sa.Integer(), nullable=True),
        sa.Column("sample", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attendance_marked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name=op.f("fk_training_registrations_city_id_cities"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["registered_by"],
            ["users.id"],
            name=op.f("fk_training_registrations_registered_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["training_sessions.id"],
            name=op.f("fk_training_registrations_session_id_training_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_training_registrations_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_registrations")),
        sa.UniqueConstraint("certificate_code", name=op.f("uq_training_registrations_certificate_code")),
        sa.UniqueConstraint("session_id", "email", name=op.f("uq_training_registrations_session_id")),
    )
    with op.batch_alter_table("training_registrations", schema=None) as batch_op:
        batch_op.create_index("ix_training_registrations_city_session", ["city_id", "session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_registrations_user_id"), ["user_id"], unique=False)

    op.create_table(
        "training_materials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("title_zh", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_training_materials_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["training_sessions.id"],
            name=op.f("fk_training_materials_session_id_training_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_materials")),
    )
    with op.batch_alter_table("training_materials", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_materials_session_id"), ["session_id"], unique=False)

    op.create_table(
        "training_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("content_rating", sa.Integer(), nullable=False),
        sa.Column("trainer_rating", sa.Integer(), nullable=False),
        sa.Column("usefulness_rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("sample", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id"], ["cities.id"], name=op.f("fk_training_feedback_city_id_cities"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["training_registrations.id"],
            name=op.f("fk_training_feedback_registration_id_training_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["training_sessions.id"],
            name=op.f("fk_training_feedback_session_id_training_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_feedback")),
        sa.UniqueConstraint("registration_id", name=op.f("uq_training_feedback_registration_id")),
    )
    with op.batch_alter_table("training_feedback", schema=None) as batch_op:
        batch_op.create_index("ix_training_feedback_city_session", ["city_id", "session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_feedback_session_id"), ["session_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("training_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_feedback_session_id"))
        batch_op.drop_index("ix_training_feedback_city_session")

    op.drop_table("training_feedback")
    with op.batch_alter_table("training_materials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_materials_session_id"))

    op.drop_table("training_materials")
    with op.batch_alter_table("training_registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_registrations_user_id"))
        batch_op.drop_index("ix_training_registrations_city_session")

    op.drop_table("training_registrations")
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_sessions_programme_id"))

    op.drop_table("training_sessions")
    op.drop_table("training_programmes")
