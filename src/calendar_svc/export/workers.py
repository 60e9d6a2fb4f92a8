"""A build's pages written by forked workers, each one share of one language's URLs
(``render_in_parallel``), and work done in a forked process so that what it holds on the way
never enters the build's own process (``in_forked_process``).
"""

from __future__ import annotations

import multiprocessing
import pickle
import queue as queue_module
from collections import deque
from collections.abc import Callable

from ..catalog.languages import LANGUAGES
from ..errors import ExportError
from ..publish.urls import Urls, language_of
from .crawl import iter_pages
from .files import INPUTS_FILE, Tally, Writer
from .page_inputs import write_inputs_part

PAGES_BETWEEN_FORGETTING = 64  # a build worker drops the pages the app keeps this often


def render_in_parallel(
    app, base_url, seeds, max_urls, root, workers, writer, query_links, progress, earlier_build, records
):
    """Write the seeds' pages with forked processes (or in this one); return the links found beyond
    them, and the archive feeds the workers added (see ``export_part``).

    Each language's seeds are split into ``workers`` shares, and each share is
    written by a process forked for it, which renders that language alone and
    exits when done; at most ``workers`` run at once. So no process holds more
    than one language's rendition and the pages it made, and this process
    (whose memory every fork starts with) holds only the catalog. Each process
    takes unchanged files from ``earlier_build(its URLs)``, and writes its part
    of the record of what each page was made from: the part's file goes into
    ``records``.
    """
    if workers <= 1:
        discovered: set[str] = set()
        earlier = earlier_build(None)
        pages = iter_pages(app, base_url, seeds, max_urls, query_links, discovered=discovered, earlier=earlier)
        for done, page in enumerate(pages, 1):
            writer.add(page)
            if progress is not None:
                progress(done, len(seeds))
        records.append(write_inputs_part(root / f"{INPUTS_FILE}.0", earlier.made_from))
        return sorted(discovered - set(seeds)), []
    context = multiprocessing.get_context("fork")
    done, added = context.Value("i", 0), context.Value("i", 0)  # files written; archive feeds added to shares
    results = context.Queue()
    everything = frozenset(seeds)
    by_language = {lang: [url for url in seeds if language_of(url) == lang] for lang in LANGUAGES}
    # (share, the language whose archive feeds it adds: its first share's)
    waiting = deque(
        (urls[i::workers], lang if i == 0 else None) for lang, urls in by_language.items() for i in range(workers)
    )
    shares, started, answers = len(waiting), [], []
    while len(answers) < shares:
        while waiting and sum(p.is_alive() for p in started) < workers:
            share, archives_of = waiting.popleft()
            record = root / f"{INPUTS_FILE}.{len(started)}"
            arguments = (app, base_url, share, archives_of, everything, max_urls, root, (done, added), results,
                         earlier_build, record)  # fmt: skip
            started.append(context.Process(target=export_part, args=arguments, daemon=True))
            started[-1].start()
        answer = next_answer(results, started, len(answers))
        if answer is not None:
            answers.append(answer)
        if progress is not None:
            progress(done.value, len(seeds) + added.value)
    for process in started:
        process.join()
    discovered, archive_feeds = set(), []
    for answer in answers:
        files, tally, failures, links, found, feeds, record = pickle.loads(answer)
        writer.absorb(files, tally, failures)
        query_links |= links
        discovered |= found
        archive_feeds += feeds
        if record is not None:
            records.append(record)
    return sorted(discovered - everything - set(archive_feeds)), archive_feeds


def next_answer(results, processes: list, answered: int, wait: float = 0.2):
    """The next answer of forked ``processes`` (``answered`` of them have), or None after ``wait`` seconds.
    Raises ExportError when one has stopped without answering, so a build never waits for ever."""
    try:
        return results.get(timeout=wait)
    except queue_module.Empty:
        if sum(not p.is_alive() for p in processes) > answered and results.empty():
            raise ExportError(["a build worker stopped without answering"]) from None
        return None


def in_forked_process(make: Callable[[], object]) -> object:
    """``make()``, computed in a forked process: what it renders on the way stays out of this one.
    The process may fork in turn (the loader parses on every core); it is stopped if this one stops
    waiting for it."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()

    def run() -> None:
        try:
            results.put((True, make()))
        except BaseException as error:  # always answer, or the build would wait for ever
            results.put((False, error))

    process = context.Process(target=run)  # not a daemon, which may not fork
    process.start()
    answer = None
    try:
        while answer is None:
            answer = next_answer(results, [process], 0)
    finally:
        if answer is None:
            process.terminate()
        process.join()
    ok, value = answer
    if not ok:
        raise value
    return value


def export_part(
    app, base_url, part, archives_of, all_seeds, max_urls, root, counters, results, earlier_build, record
) -> None:
    """In a forked worker: fetch and write the pages of ``part`` and, given a language ``archives_of``,
    its archive feeds; write what each event page, event file and month view was made from to
    ``record``. Report files, tally, problems, new links, the archive feeds and ``record``.
    ``counters``: files written and archive feeds added, shared by all workers."""
    query_links: set[str] = set()
    discovered: set[str] = set()
    store = app.extensions["calendar_svc"]
    done, added = counters
    archive_feeds: list[str] = []
    try:
        if archives_of is not None:
            urls = Urls(lang=archives_of)
            years = store.rendition(base_url, archives_of).archive_years()
            archive_feeds = [urls.archive(year, slug) for slug, years in years.items() for year in years]
            part = archive_feeds + part  # first: the memory their bytes took is then reused for pages
            with added.get_lock():
                added.value += len(archive_feeds)
        archive_set = frozenset(archive_feeds)
        earlier = earlier_build(frozenset(part))
        writer = Writer(root, earlier.folder)
        pages = iter_pages(
            app, base_url, part, max_urls, query_links, elsewhere=all_seeds, discovered=discovered, earlier=earlier
        )
        for count, page in enumerate(pages, 1):
            writer.add(page)
            with done.get_lock():
                done.value += 1
            # Each is asked for once: keeping them would only cost memory. An archive feed is up to the
            # feed budget (1 MB), so it goes at once.
            if count % PAGES_BETWEEN_FORGETTING == 0 or page.url in archive_set:
                store.forget_pages()
        write_inputs_part(record, earlier.made_from)
        answer = (writer.files, writer.tally, writer.failures, query_links, discovered, archive_feeds, record)
    except ExportError as error:
        answer = ([], Tally(), error.lines, set(), set(), [], None)
    except BaseException as error:  # a worker must always answer, or the build would wait for ever
        answer = ([], Tally(), [f"a build worker failed: {type(error).__name__}: {error}"], set(), set(), [], None)
    # As bytes, which the parent unpacks once every worker is done: unpacked, an answer takes several
    # times the memory, which the workers forked after it would start with.
    results.put(pickle.dumps(answer))
