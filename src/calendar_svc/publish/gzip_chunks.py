"""A gzip copy made of chunks compressed one by one, so a large document that changed in one
place is compressed again only there.

Each chunk is compressed on its own (no back-references into another chunk) and ends on a
byte boundary (a full flush), so the chunks joined in order, behind one gzip header and
ahead of one empty final block and the trailer (the CRC-32 and size of the whole body), are
one ordinary gzip stream: RFC 1951 allows any sequence of blocks, and every client reads it.
The same chunks give the same bytes: no time or name in the header, one compression level.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable

HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"  # deflate, no flags, no time, Unix (as gzip.compress writes)
FINAL_BLOCK = b"\x03\x00"  # an empty block marked final
LEVEL = 6  # of every gzip copy (``resource.gzip_bytes`` too)


def deflate_chunk(data: bytes | memoryview) -> bytes:
    """``data`` compressed on its own, ending on a byte boundary and not final."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def gzip_from_chunks(body: bytes, chunks: Iterable[bytes]) -> bytes:
    """The gzip copy of ``body`` from its chunks (``deflate_chunk`` of consecutive pieces of it, in order)."""
    trailer = struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF)
    return b"".join([HEADER, *chunks, FINAL_BLOCK, trailer])
