"""customer: email required and unique, legacy code gone

Revision ID: c3
Revises: b2
"""
from alembic import op
import sqlalchemy as sa

revision = "c3"
down_revision = "b2"


def upgrade():
    op.alter_column("customer", "email", existing_type=sa.String(200), nullable=False)
    op.create_unique_constraint("uq_customer_email", "customer", ["email"])
    op.alter_column("customer", "name", existing_type=sa.String(100), type_=sa.String(200))
    op.drop_column("customer", "legacy_code")


def downgrade():
    pass
