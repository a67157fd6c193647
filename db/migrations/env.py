"""Alembic environment: runs on the connection `db.session.ensure_schema` hands over,
or, for `alembic -c db/alembic.ini ...` from a shell, on the URL of GRADE_DB or the default."""

from alembic import context
from sqlalchemy import create_engine

from db.models import Base
from db.urls import database_url

config = context.config
connection = config.attributes.get("connection")

if connection is not None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    context.run_migrations()
else:
    engine = create_engine(database_url(config.get_main_option("sqlalchemy.url") or None))
    with engine.begin() as own_connection:
        context.configure(connection=own_connection, target_metadata=Base.metadata, render_as_batch=True)
        context.run_migrations()
