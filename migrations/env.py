"""Alembic environment, run through Flask-Migrate (``trainhub db upgrade``).

The schema changes only through these migrations. Each revision file is dated
(``YYYYMMDD_<rev>_<slug>.py``) and uses plain SQLAlchemy types, so old migrations keep working
whatever happens to the application's own column types.
"""

import logging
from logging.config import fileConfig
from pathlib import Path

import sqlalchemy as sa
from alembic import context
from flask import current_app

from trainhub.home.health import mark_uploads

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db


def render_item(type_, obj, autogen_context):
    """Render the app's UTCDateTime as a plain DateTime in generated migrations."""
    if type_ == "type" and isinstance(obj, sa.types.TypeDecorator):
        return f"sa.{obj.impl.__class__.__name__}()"
    return False


def process_revision_directives(context_, revision, directives):
    # An autogenerate with nothing to do writes no empty migration.
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_offline() -> None:
    context.configure(
        url=str(target_db.engine.url),
        target_metadata=target_db.metadata,
        literal_binds=True,
        render_item=render_item,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args.setdefault("render_as_batch", True)
    conf_args.setdefault("compare_type", True)
    with target_db.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_db.metadata,
            render_item=render_item,
            **conf_args,
        )
        with context.begin_transaction():
            context.run_migrations()
            # The uploads folder's mark, which every host's /readyz compares (home/health.py).
            mark_uploads(connection, Path(current_app.config["UPLOAD_FOLDER"]))


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
