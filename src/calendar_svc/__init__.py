"""calendar_svc: official events as subscribable iCalendar feeds, JSON and web pages."""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

# Zone rules come from the tzdata package, not the host's files: every machine
# then renders the same bytes, with rules as current as the installed tzdata.
# (Before the modules below, so no zone is read from elsewhere first.)
zoneinfo.reset_tzpath(to=[])

from .config import Config
from .model import Catalog
from .pages_data import today_from
from .published import Rendition
from .response_cache import ResponseCache
from .store import CatalogStore

__version__ = "0.1.0"


def create_app(config: Config | None = None, catalog: Catalog | None = None) -> Flask:
    """Build the app for ``config`` (default: from the environment).

    Raises CatalogError when the events directory has problems.
    """
    config = config or Config.from_env()
    app = Flask(__name__)

    def render(catalog: Catalog, base_url: str) -> Rendition:
        # Feeds over budget archive past years only: never this year's or later events.
        this_year = today_from(app.config, os.environ, dt.datetime.now(dt.UTC)).year
        return Rendition(catalog, base_url, feed_budget=config.feed_budget, this_year=this_year)

    # Given a catalog, serve exactly that; otherwise load (and later reload) the events directory.
    if catalog is not None:
        store = CatalogStore(catalog, render=render)
    else:
        store = CatalogStore.load(config.events_dir, render)

    app.config["CALENDAR_SVC"] = config
    app.config["JSON_SORT_KEYS"] = False
    app.json.ensure_ascii = False
    app.extensions["calendar_svc"] = store
    if config.trust_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_host=1)

    from . import security
    from .views import api, errors, feeds, pages

    app.register_blueprint(feeds.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    errors.init_app(app)
    security.init_app(app)
    # Outermost: repeat GET/HEAD requests for feeds and JSON are answered without Flask.
    app.wsgi_app = ResponseCache(app.wsgi_app, store)
    return app
