"""calendar_svc: official events as subscribable iCalendar feeds, JSON and web pages."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import Config
from .loader import load_catalog
from .model import Catalog
from .store import CatalogStore

__version__ = "0.1.0"


def create_app(config: Config | None = None, catalog: Catalog | None = None) -> Flask:
    """Build the app for ``config`` (default: from the environment).

    Raises CatalogError when the events directory has problems.
    """
    config = config or Config.from_env()
    catalog = catalog or load_catalog(config.events_dir)

    app = Flask(__name__)
    app.config["CALENDAR_SVC"] = config
    app.config["JSON_SORT_KEYS"] = False
    app.json.ensure_ascii = False
    app.extensions["calendar_svc"] = CatalogStore(catalog)
    if config.trust_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_host=1)

    from .views import api, errors, feeds, pages

    app.register_blueprint(feeds.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    errors.init_app(app)
    return app
