"""The data: event files in, one validated and immutable ``Catalog`` out.

``files`` says which files count, ``event_file`` and ``calendars_file``
validate them (with the value checks in ``fields``, ``countries`` and
``zones``), ``loading`` puts it together, ``model`` holds the result, and
``recurrence`` answers when a series happens.
"""

from .loading import load_catalog
from .model import CalendarInfo, Catalog, Event, Precision, Site, Status

__all__ = ["CalendarInfo", "Catalog", "Event", "Precision", "Site", "Status", "load_catalog"]
