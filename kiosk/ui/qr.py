"""A QR code drawn into a Kivy texture straight from the qrcode matrix: sharp modules, no image files."""

from __future__ import annotations

import qrcode
from kivy.graphics.texture import Texture

QUIET_ZONE = 4  # modules of white around the code, as the standard asks


def qr_matrix(data: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def qr_texture(data: str) -> Texture:
    """One texel per module; shown with nearest-neighbour scaling so the modules stay square and crisp."""
    matrix = qr_matrix(data)
    size = len(matrix)
    pixels = bytearray()
    for row in reversed(matrix):  # textures start at the bottom row
        for dark in row:
            pixels += b"\x00\x00\x00\xff" if dark else b"\xff\xff\xff\xff"
    texture = Texture.create(size=(size, size), colorfmt="rgba")
    texture.mag_filter = "nearest"
    texture.min_filter = "nearest"
    texture.blit_buffer(bytes(pixels), colorfmt="rgba", bufferfmt="ubyte")
    return texture
