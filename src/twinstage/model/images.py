"""PNG and JPEG headers read without decoding, and lazy RGBA decoding with Pillow.

:func:`probe` tells the format and size from the first bytes, so oversized or
broken images are refused at load time before anything is allocated. Pixels are
decoded only when the renderer or a test asks (:func:`decode_rgba`).
"""

from __future__ import annotations

import struct

import numpy as np
from numpy.typing import NDArray

MAX_SIDE = 16384
"""Largest width or height accepted, pixels."""

MAX_PIXELS = 64 * 1024 * 1024
"""Largest width × height accepted (256 MiB of RGBA)."""

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


class ImageDataError(ValueError):
    """The bytes are not a PNG or JPEG TwinStage can use; the message says why."""


def sniff(data: bytes | memoryview) -> str | None:
    """``"image/png"``, ``"image/jpeg"`` or ``None`` from the magic bytes."""
    head = bytes(data[:8])
    if head == PNG_SIGNATURE:
        return "image/png"
    if head[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    return None


def probe(data: bytes | memoryview) -> tuple[str, int, int]:
    """Return ``(mime_type, width, height)`` read from the header.

    Raises
    ------
    ImageDataError
        Unknown format, truncated or inconsistent header, or a size over the limits.
    """
    mime = sniff(data)
    if mime is None:
        raise ImageDataError("image data is neither PNG nor JPEG")
    width, height = _png_size(data) if mime == "image/png" else _jpeg_size(data)
    if width <= 0 or height <= 0:
        raise ImageDataError(f"image has an empty size {width}x{height}")
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise ImageDataError(
            f"image is {width}x{height}, larger than the {MAX_SIDE}x{MAX_SIDE} / "
            f"{MAX_PIXELS // (1024 * 1024)} Mpx limit"
        )
    return mime, width, height


def _png_size(data: bytes | memoryview) -> tuple[int, int]:
    if len(data) < 33 or bytes(data[12:16]) != b"IHDR":
        raise ImageDataError("PNG data is truncated or has no IHDR chunk")
    w, h = struct.unpack(">II", bytes(data[16:24]))
    return int(w), int(h)


def _jpeg_size(data: bytes | memoryview) -> tuple[int, int]:
    b = bytes(data)
    i, n = 2, len(b)
    while i + 4 <= n:
        if b[i] != 0xFF:
            raise ImageDataError(f"JPEG data is corrupt: no marker at byte {i}")
        marker = b[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0x01,) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", b[i + 2 : i + 4])
        if length < 2:
            raise ImageDataError(f"JPEG data is corrupt: segment length {length} at byte {i}")
        if marker in _JPEG_SOF:
            if i + 9 > n:
                break
            h, w = struct.unpack(">HH", b[i + 5 : i + 9])
            return int(w), int(h)
        if marker == 0xDA:  # start of scan before any frame header
            break
        i += 2 + length
    raise ImageDataError("JPEG data is truncated or has no frame header")


def decode_rgba(data: bytes | memoryview, width: int, height: int) -> NDArray[np.uint8]:
    """Decode PNG/JPEG bytes to ``(height, width, 4)`` uint8 RGBA, read-only.

    Raises
    ------
    ImageDataError
        Pillow cannot decode the data, or its size differs from the header's.
    """
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(bytes(data))) as im:
            if im.size != (width, height):
                raise ImageDataError(f"decoded size {im.size} differs from header {width}x{height}")
            rgba = np.asarray(im.convert("RGBA"))
    except ImageDataError:
        raise
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError,
            Image.DecompressionBombError) as exc:
        raise ImageDataError(f"image cannot be decoded: {exc}") from None
    rgba.setflags(write=False)
    return rgba
