"""The schema is built only by the Alembic migrations, and they match the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from conftest import REPO
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db
from app.models import Base

pytestmark = pytest.mark.database

TABLES = {
    "source",
    "passage",
    "place",
    "journey",
    "leg",
    "hazard",
    "citation",
    "discrepancy",
    "discrepancy_side",
    "discrepancy_subject",
    "hazard_journey",
    "hazard_leg",
    "dataset_revision",
    "users",
    "login_attempt",
    "content_version",
    "geocode_cache",
    "alembic_version",
}


def test_the_migrations_have_one_head_and_the_database_is_at_it(empty_app):
    config = Config()
    config.set_main_option("script_location", str(REPO / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several heads: {heads}"
    with empty_app.app_context(), db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_heads() == tuple(heads)


def test_upgrade_from_nothing_builds_every_table(empty_app):
    with empty_app.app_context():
        assert set(inspect(db.engine).get_table_names()) == TABLES


def test_the_migrations_match_the_models(empty_app):
    with empty_app.app_context(), db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_downgrade_to_nothing_and_back(empty_app):
    with empty_app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        upgrade()
        assert set(inspect(db.engine).get_table_names()) == TABLES
