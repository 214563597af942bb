"""The still of an identity document as the backend keeps it: a JPEG or PNG the officer cropped in the browser,
decoded by Pillow (never trusted by its Content-Type), checked for size, and re-encoded as a plain JPEG so that no
metadata survives (EXIF with GPS or the camera, comments, ICC profiles, whatever trails the image data).

Refusals are `Invalid` with a code naming the problem, never quoting the bytes: photo_too_large (more than
MAX_PHOTO_BYTES), photo_unreadable (not a whole JPEG or PNG), photo_size (a side outside MIN_SIDE..MAX_SIDE pixels,
or a decompression bomb: its declared size is refused before a pixel is decoded).
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backend.services.errors import Invalid

if TYPE_CHECKING:
    from PIL import Image

# Pillow logs every EXIF tag it parses at DEBUG, values included (a description, the camera, GPS): not for a server
# log, whatever level the server runs at. Set here, before Pillow is imported (clean_photo imports it when the first
# photo comes: with numpy under it, it costs a tenth of a second at start-up), and again right before each use.
logging.getLogger("PIL").setLevel(logging.WARNING)

MAX_PHOTO_BYTES = 4 * 1024 * 1024
MIN_SIDE = 32
MAX_SIDE = 4096
JPEG_QUALITY = 85
FORMATS = ("JPEG", "PNG")
_ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")


@dataclass(frozen=True)
class CleanPhoto:
    jpeg: bytes
    width: int
    height: int


def clean_photo(data: bytes) -> CleanPhoto:
    """`data` decoded and re-encoded as a JPEG without metadata, or Invalid saying what is wrong with it."""
    if len(data) > MAX_PHOTO_BYTES:
        raise Invalid("photo_too_large", f"a photo may be at most {MAX_PHOTO_BYTES // (1024 * 1024)} MB")
    logging.getLogger("PIL").setLevel(logging.WARNING)  # again right before Pillow decodes, whatever ran since
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that; here every bomb is refused alike.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=FORMATS) as image:
                _check_size(*image.size)  # from the header, before decoding: a declared 20000 x 20000 stops here
                image.load()
                pixels = _plain_rgb(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _wrong_size() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError):
        # Pillow's ways of saying "not a whole image of these formats": truncated, damaged, another format
        raise Invalid("photo_unreadable", "the photo is not a complete JPEG or PNG image") from None
    _check_size(*pixels.size)
    out = io.BytesIO()
    pixels.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return CleanPhoto(out.getvalue(), *pixels.size)


def _check_size(width: int, height: int) -> None:
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise _wrong_size()


def _wrong_size() -> Invalid:
    return Invalid("photo_size", f"each side of the photo must be {MIN_SIDE} to {MAX_SIDE} pixels")


def _plain_rgb(image: Image.Image) -> Image.Image:
    """The pixels only, upright (an EXIF orientation applied before the EXIF goes), transparency on white, in a new
    image that carries none of the original's info (Pillow would write a JPEG comment from it)."""
    from PIL import Image, ImageOps

    upright = ImageOps.exif_transpose(image) or image
    if upright.mode in _ALPHA_MODES or (upright.mode == "P" and "transparency" in upright.info):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
    else:
        flat = upright.convert("RGB")
    clean = Image.new("RGB", flat.size)
    clean.paste(flat)
    return clean
