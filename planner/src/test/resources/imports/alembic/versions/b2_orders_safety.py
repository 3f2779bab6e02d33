"""orders: foreign key, index, checks, a tier, shipped state

Revision ID: b2
Revises: a1
"""
from alembic import op
import sqlalchemy as sa

revision = "b2"
down_revision = "a1"


def upgrade():
    op.create_index("ix_orders_customer_id", "orders", ["customer_id"])
    op.create_foreign_key("fk_orders_customer", "orders", "customer", ["customer_id"], ["id"], ondelete="CASCADE")
    op.create_check_constraint("ck_orders_amount_positive", "orders", "amount >= 0")
    op.add_column("customer", sa.Column("tier", sa.String(20), nullable=False, server_default="free"))
    op.add_column("orders", sa.Column("note", sa.Text()))
    op.execute("ALTER TYPE order_state ADD VALUE 'shipped' AFTER 'paid'")
    op.execute("UPDATE customer SET email = lower(name) || '@example.com' WHERE email IS NULL")


def downgrade():
    pass
