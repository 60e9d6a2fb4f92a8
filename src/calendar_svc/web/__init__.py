"""The web view and the HTTP routes: blueprints ``pages`` (with ``embeds``), ``people_pages``, ``search_pages``,
``agenda``, ``feeds`` (with the JSON API); error answers in the format of the path (``errors``); the request's settings
and rendition (``context``); languages in URLs and templates, and the Jinja filters (``languages``); what pages show
(``page_data``, ``when``, ``calendar_links``, ``json_ld``); each page's ETag from its context (``page_digest``)."""
