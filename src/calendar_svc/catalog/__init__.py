"""The data: event files in, one validated and immutable ``Catalog`` out.

``files`` says which files count and reads them, ``event_file``,
``calendars_file`` and ``people_file`` (the register of people) validate them (with the value checks in ``fields``,
``countries`` and ``zones``, and the ``languages`` text may be written in),
``loading`` puts the catalog together (with ``parsing`` turning each file's bytes into its event), ``revisions`` applies and writes the
revision record, ``model`` holds the result, ``search`` folds text into words and finds events by them, and ``recurrence``
answers when a series happens.
"""

from .loading import load_catalog
from .model import CalendarInfo, Catalog, Event, Person, Precision, Site, Status

__all__ = ["CalendarInfo", "Catalog", "Event", "Person", "Precision", "Site", "Status", "load_catalog"]
