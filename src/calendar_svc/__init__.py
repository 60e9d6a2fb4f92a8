"""calendar_svc: official events as subscribable iCalendar feeds, JSON and web pages.

``create_app`` builds the service; the names in ``__all__`` are the public
API for scripts that load and check event data. docs/architecture.md is the map.
"""

from __future__ import annotations

__version__ = "0.1.0"

from urllib.parse import urlsplit

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.middleware.proxy_fix import ProxyFix

from .catalog import CalendarInfo, Catalog, Event, load_catalog
from .config import Config
from .errors import CalendarSvcError, CatalogError, Problem
from .publish.memo import Memo
from .serving.response_cache import ResponseCache
from .serving.store import CatalogStore, rendering

__all__ = [
    "CalendarInfo", "CalendarSvcError", "Catalog", "CatalogError", "Config", "Event", "Problem",
    "create_app", "load_catalog",
]  # fmt: skip


def create_app(config: Config | None = None, catalog: Catalog | None = None) -> Flask:
    """Build the app for ``config`` (default: from the environment).

    Given a ``catalog``, serve exactly that; otherwise load (and, under the
    server, reload) ``config.events_dir``. Raises CatalogError when the events
    directory has problems, and ValueError for a bad setting in the environment.
    """
    config = config or Config.from_env()
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")

    render = rendering(Memo(), config.feed_budget, lambda: config.today_at().year)
    store = CatalogStore(catalog, render) if catalog is not None else CatalogStore.load(config.events_dir, render)

    app.config["CALENDAR_SVC"] = config
    app.json.ensure_ascii = False
    app.extensions["calendar_svc"] = store
    if config.trust_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_host=1)

    from .serving import security
    from .web import agenda, errors, feeds, languages, pages, people_pages, search_pages

    app.url_map.converters["slug"] = languages.SlugConverter  # before the rules that use it
    for blueprint in (feeds.bp, feeds.api, pages.bp, people_pages.bp, search_pages.bp, agenda.bp, pages.embeds):
        app.register_blueprint(blueprint)
    for module in (errors, security, languages):
        module.init_app(app)
    # In front of Flask: repeat GET/HEAD requests for feeds and JSON are answered without it.
    app.wsgi_app = ResponseCache(app.wsgi_app, store)
    if prefix := urlsplit(config.base_url or "").path:  # served under the base URL's path, and nowhere else
        app.wsgi_app = DispatcherMiddleware(NotFound(), {prefix: app.wsgi_app})
    return app
