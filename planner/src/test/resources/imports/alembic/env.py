"""Alembic environment of the fixture project: offline (--sql) and online modes, no models (hand-written ops).

ALEMBIC_URL overrides the database URL (the ITs point `alembic current` at their own database)."""
import os

from alembic import context

config = context.config
if os.environ.get("ALEMBIC_URL"):
    config.set_main_option("sqlalchemy.url", os.environ["ALEMBIC_URL"])


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True,
                      dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    from sqlalchemy import create_engine
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
