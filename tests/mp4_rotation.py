"""Test helper: mark an .mp4 as filmed on a phone held upright (a rotation in the track header).

Phones store portrait video as landscape pixels plus a display matrix; this writes that
matrix, so tests can make "phone clips" without ffmpeg.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

_ROTATIONS = {0: (1, 0), 90: (0, 1), 180: (-1, 0), 270: (0, -1)}


def _boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, body start, end) of each ISO-BMFF box between start and end."""
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", data[pos + 8:pos + 16])[0], 16
        elif size == 0:
            size = end - pos
        yield kind, pos + header, pos + size
        pos += size


def _child(data: bytes, kind: bytes, start: int, end: int) -> Iterator[tuple[int, int]]:
    for found, body, stop in _boxes(data, start, end):
        if found == kind:
            yield body, stop


def set_rotation(path: Path, degrees: int) -> None:
    data = bytearray(path.read_bytes())
    cos, sin = _ROTATIONS[degrees]
    matrix = struct.pack(">9i", cos << 16, sin << 16, 0, -sin << 16, cos << 16, 0, 0, 0, 1 << 30)
    for moov, moov_end in _child(data, b"moov", 0, len(data)):
        for trak, trak_end in _child(data, b"trak", moov, moov_end):
            for tkhd, _ in _child(data, b"tkhd", trak, trak_end):
                version = data[tkhd]
                # version+flags, times, track id, reserved, duration, reserved, layer... matrix
                offset = tkhd + 4 + (32 if version == 1 else 20) + 16
                data[offset:offset + 36] = matrix
    path.write_bytes(bytes(data))
