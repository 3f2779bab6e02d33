"""create customer and orders

Revision ID: a1
Revises:
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "a1"
down_revision = None


def upgrade():
    op.execute("CREATE TYPE order_state AS ENUM ('new', 'paid')")
    op.create_table(
        "customer",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("email", sa.String(200)),
        sa.Column("legacy_code", sa.String(10)),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("customer_id", sa.BigInteger, nullable=False),
        sa.Column("amount", sa.Numeric(10, 2), nullable=False),
        sa.Column("state", postgresql.ENUM("new", "paid", name="order_state", create_type=False), nullable=False),
    )


def downgrade():
    op.drop_table("orders")
    op.drop_table("customer")
    op.execute("DROP TYPE order_state")
