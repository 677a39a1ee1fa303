"""Delegation Visit Planner: the application factory."""

import os
import sys
from pathlib import Path
from typing import Any

from flask import Flask

PACKAGE = Path(__file__).resolve().parent
# A checkout (make run, pip install -e .) keeps templates/, static/ and migrations/ beside
# the package; an installed wheel (pip install .) carries them inside it.
CHECKOUT = PACKAGE.parent if (PACKAGE.parent / "pyproject.toml").is_file() else None
ROOT = CHECKOUT or PACKAGE


def _default_instance() -> str:
    """Return the instance folder: instance/ of a checkout, else Flask's default place."""
    if CHECKOUT is not None:
        return str(CHECKOUT / "instance")
    return str(Path(sys.prefix) / "var" / "planner-instance")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the application.

    ``config`` overrides every other source; its ``INSTANCE_PATH`` (or the environment's
    ``PLANNER_INSTANCE_PATH``) moves the instance folder, e.g. for tests.
    """
    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get(
        "PLANNER_INSTANCE_PATH", _default_instance()
    )
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )

    # The SQLite database and the generated secret key live there.
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from planner.config import load_config
    from planner.converters import IdConverter

    load_config(app, config)
    app.url_map.converters["id"] = IdConverter

    from planner import models  # noqa: F401 (registers every table on the metadata)
    from planner.database import configure_engine
    from planner.extensions import babel, csrf, db, migrate
    from planner.i18n import select_locale

    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            configure_engine(app, engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )

    from planner.views import (
        access,
        admin,
        agenda,
        api_tokens,
        auth,
        calendar,
        dayplan,
        errors,
        gifts,
        golden_book,
        guests,
        health,
        outbox,
        people,
        personal,
        preferences,
        press,
        printing,
        requests,
        rooms,
        seating,
        thread,
        transport,
        trash,
        visits,
    )

    for blueprint in (
        health.bp,
        auth.bp,
        visits.bp,
        guests.bp,
        thread.bp,
        requests.bp,
        agenda.bp,
        dayplan.bp,
        rooms.bp,
        people.bp,
        calendar.bp,
        outbox.bp,
        personal.bp,
        printing.bp,
        press.bp,
        seating.bp,
        gifts.bp,
        golden_book.bp,
        admin.bp,
        preferences.bp,
        trash.bp,
        api_tokens.bp,
        transport.bp,
    ):
        app.register_blueprint(blueprint)
    access.declare_static(app)
    errors.register(app)

    from planner.security import init_security
    from planner.services.artefacts import register_artefact_upkeep
    from planner.services.audit import register_audit_trail
    from planner.services.locking import register_version_counters
    from planner.services.planning_state import register_planning_state

    init_security(app)
    from planner.api import init_api

    # After the security hooks: a request to the API is its token's, not its session's.
    init_api(app)
    register_audit_trail()
    register_version_counters()
    register_artefact_upkeep()
    register_planning_state()

    from planner.cli import register_commands

    register_commands(app)

    from planner.i18n import (
        change_clock,
        format_timestamp,
        former_title,
        item_title,
        template_helpers,
    )
    from planner.services.feeds import feed_addresses

    app.context_processor(template_helpers)
    app.jinja_env.globals["feed_addresses"] = feed_addresses
    # A global, not a context value: imported macros (_changes.html) call it too.
    app.jinja_env.globals["item_title"] = item_title
    app.jinja_env.globals["former_title"] = former_title
    app.jinja_env.globals["change_clock"] = change_clock
    # Every date with a time on screen, in the same form and without seconds.
    app.jinja_env.filters["datetimeformat"] = format_timestamp
    return app
