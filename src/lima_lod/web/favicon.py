"""The site's icon, drawn here as pixels: three bars rising on a dark square (our ratings).

``/favicon.ico`` is built from this drawing into a 16x16 ICO file (one 32-bit BMP image), so the
repository holds no binary image and the icon needs no image library.
"""

from __future__ import annotations

import struct

#: The drawing, one character per pixel: ``#`` background, ``.`` light bars, ``o`` accent bar.
DRAWING = (
    "################",
    "################",
    "############oo##",
    "############oo##",
    "############oo##",
    "########..##oo##",
    "########..##oo##",
    "########..##oo##",
    "####..##..##oo##",
    "####..##..##oo##",
    "####..##..##oo##",
    "####..##..##oo##",
    "####..##..##oo##",
    "################",
    "################",
    "################",
)
COLOURS = {
    "#": (0x63, 0x3B, 0x1F, 0xFF),
    ".": (0xE6, 0xC1, 0x9C, 0xFF),
    "o": (0x3B, 0xA2, 0xE3, 0xFF),
}  # blue, green, red, alpha (BMP order)


def ico() -> bytes:
    """The drawing as an ICO file."""
    size = len(DRAWING)
    pixels = b"".join(bytes(COLOURS[c]) for row in reversed(DRAWING) for c in row)  # bottom-up
    mask = b"\x00" * (4 * size)  # 1 bit per pixel, rows padded to 32 bits: all opaque
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, len(pixels), 0, 0, 0, 0)
    image = header + pixels + mask
    directory = struct.pack("<HHH", 0, 1, 1) + struct.pack(
        "<BBBBHHII", size, size, 0, 0, 1, 32, len(image), 6 + 16
    )
    return directory + image
