"""WSGI entry point for any server: `gunicorn wsgi:app`.

Configuration comes from the environment (CALENDAR_SVC_EVENTS_DIR,
CALENDAR_SVC_BASE_URL, CALENDAR_SVC_TRUST_PROXY). Bad event data stops the
start-up with one line per problem.
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
