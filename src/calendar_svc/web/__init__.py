"""The web view and the HTTP routes: blueprints ``pages``, ``feeds`` and ``api``, error pages (``errors``),
what pages show (``page_data``, ``when``, ``calendar_links``, ``json_ld``), template filters, templates and static files."""
