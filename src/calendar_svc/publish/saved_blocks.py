"""Each event's rendered VEVENT block, kept on disk between starts (see ``disk_cache``).

A start renders only the events that are new or changed since the blocks
were saved. What is reused is decided as within a process: by
``RenderedEvents.reusable_for`` (same origin, language, site and calendars)
and each event's ``block_key`` (its file's path and digest, and its revision).
Only blocks of events read from files are saved.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..disk_cache import DiskCache
from .rendition import RenderedEvents, Rendition

CACHE_NAME = "blocks"


def scope(events_dir: Path, base_url: str, lang: str) -> str:
    return f"{events_dir.resolve()}\n{base_url}\n{lang}"


def saved_blocks(cache: DiskCache, events_dir: Path, base_url: str, lang: str) -> RenderedEvents | None:
    """The blocks an earlier start saved for this folder, origin and language, if any."""
    saved = cache.read(CACHE_NAME, scope(events_dir, base_url, lang), ())
    return saved if isinstance(saved, RenderedEvents) else None


def save_blocks(cache: DiskCache, events_dir: Path, rendition: Rendition) -> None:
    """Save ``rendition``'s blocks, when it had to render any."""
    if rendition.blocks_rendered:
        rendered = rendition.rendered
        saved = replace(rendered, blocks={k: b for k, b in rendered.blocks.items() if isinstance(k, tuple)})
        cache.write(CACHE_NAME, scope(events_dir, rendition.base_url, rendition.lang), (), saved)
