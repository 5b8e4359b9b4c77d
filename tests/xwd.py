"""Test helper: read an X window dump (`xwd -root`) into a BGR numpy image."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

HEADER_FIELDS = 25  # CARD32 fields of an XWDFileHeader (X11/XWDFile.h)


def read_xwd(path: Path) -> np.ndarray:
    data = path.read_bytes()
    header = struct.unpack(f">{HEADER_FIELDS}I", data[: HEADER_FIELDS * 4])
    header_size, width, height = header[0], header[4], header[5]
    byte_order, bits_per_pixel, bytes_per_line = header[7], header[11], header[12]
    colours = header[19]
    # Xvfb at depth 24 packs 3 bytes a pixel but pads each line to 4 bytes a pixel.
    pixel_bytes = bits_per_pixel // 8
    if pixel_bytes not in (3, 4):
        raise ValueError(f"only true-colour dumps are read, got {bits_per_pixel} bits a pixel")
    start = header_size + colours * 12
    pixels = np.frombuffer(data, np.uint8, count=height * bytes_per_line, offset=start)
    rows = pixels.reshape(height, bytes_per_line)[:, : width * pixel_bytes]
    rows = rows.reshape(height, width, pixel_bytes)
    if byte_order == 1:  # most significant byte first: (x)RGB
        return rows[:, :, ::-1][:, :, :3].copy()
    return rows[:, :, :3].copy()  # least significant first: BGR(x)
