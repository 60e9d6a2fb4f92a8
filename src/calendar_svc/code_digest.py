"""A digest of what turns the same data into other bytes: this package's code, templates, static
files and translations, the Python that runs them, and the libraries that render for them."""

from __future__ import annotations

import hashlib
import sys
from contextlib import suppress
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent

# The libraries whose version can change a page's, feed's or document's bytes (Babel's CLDR data
# writes dates and numbers, Jinja and MarkupSafe write and escape the HTML).
RENDERING_LIBRARIES = (
    "babel", "flask", "icalendar", "jinja2", "markupsafe", "pycountry", "python-dateutil", "tzdata", "werkzeug",
)  # fmt: skip


@cache
def code_digest() -> str:
    """The digest, worked out once per process (from the files' bytes: the same in every process)."""
    digest = hashlib.sha256(sys.version.encode())
    for name in RENDERING_LIBRARIES:
        with suppress(PackageNotFoundError):  # a library missing leaves out its name too
            digest.update(f"\0{name} {version(name)}".encode())
    for path in sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(b"\0" + path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]
