"""WSGI entry point for any server: `waitress-serve wsgi:app`, `gunicorn wsgi:app`.

Configuration comes from the environment (docs/configuration.md). Bad event
data or a bad setting stops the start-up with one line per problem. Nothing
here watches the event files: live reload under another server needs that
server to call calendar_svc.serving.watch.start_watching(app) in each process
(docs/deploying.md).
"""

import sys

from calendar_svc import create_app
from calendar_svc.errors import CatalogError

try:
    app = create_app()
except CatalogError as error:
    for problem in error.problems:
        print(problem, file=sys.stderr)
    raise SystemExit(1) from None
except ValueError as error:  # a setting in the environment that cannot be used
    print(error, file=sys.stderr)
    raise SystemExit(1) from None
