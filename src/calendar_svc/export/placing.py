"""Putting a finished build in place of the earlier export, changing only what changed."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

from ..errors import ExportError
from .files import BUILD_RECORDS, ETAGS, MANIFEST, files_under, made_within


def check_replaceable(outdir: Path) -> None:
    """Refuse to replace a folder that is neither empty nor an earlier export."""
    if outdir.is_symlink() or (outdir.exists() and not outdir.is_dir()):
        raise ExportError([f"{outdir}: exists and is not a folder"])
    if outdir.is_dir() and any(outdir.iterdir()) and not (outdir / MANIFEST).is_file():
        raise ExportError(
            [f"{outdir}: is not empty and is not an earlier export (no {MANIFEST}); choose an empty or new folder"]
        )


def put_in_place(staging: Path, outdir: Path, gone: Iterable[str]) -> None:
    """Make ``outdir`` the finished build: ``staging`` holds its new and changed files (and its
    records), ``gone`` lists the earlier export's files it no longer has.

    A new or empty ``outdir`` becomes ``staging`` itself. Otherwise the gone
    files are removed (and folders they leave empty), each staged file is
    renamed over its earlier version (so no file is ever seen half-written),
    the build's records last, and ``staging`` is removed. Every folder a file
    goes into is checked to lie under ``outdir``.
    """
    if not outdir.exists() or not any(outdir.iterdir()):
        staging.chmod(0o755)
        os.replace(staging, outdir)  # an empty folder is replaced too
        return
    top = str(outdir)
    for path in gone:
        os.unlink(os.path.join(top, path))
        folder = os.path.dirname(path)
        with suppress(OSError):  # remove the folders it leaves empty, innermost first, up to one that is not
            while folder:
                os.rmdir(os.path.join(top, folder))
                folder = os.path.dirname(folder)
    resolved = outdir.resolve()
    checked: set[str] = set()
    changed = sorted(p for p in files_under(staging) if p not in BUILD_RECORDS)
    for path in changed + [name for name in (ETAGS, MANIFEST) if (staging / name).is_file()]:
        folder = os.path.dirname(path)
        if folder not in checked:
            place = outdir / folder
            try:
                within = made_within(place, resolved)
            except (FileExistsError, NotADirectoryError):
                raise ExportError([f"{place}: is a file in the earlier export where this one has a folder"]) from None
            if not within:
                raise ExportError([f"{place}: lies outside {outdir}"])
            checked.add(folder)
        try:
            os.replace(staging / path, outdir / path)
        except IsADirectoryError:
            raise ExportError(
                [f"{outdir / path}: is a folder in the earlier export where this one has a file"]
            ) from None
    shutil.rmtree(staging)
