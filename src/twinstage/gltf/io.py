"""Bytes in: the GLB container, the JSON chunk, and safe resolution of URIs.

glTF 2.0 sections 4 (GLB File Format) and 3.6.1.1 (URIs). A URI is a ``data:``
URI or a relative path inside the model's folder: schemes (``http:``, ``file:``...),
absolute paths, ``..`` escapes and symlinks that leave the folder are refused, so a
file never makes TwinStage read elsewhere or touch the network.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import stat
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

from twinstage.errors import GltfError

GLB_MAGIC = b"glTF"
CHUNK_JSON = 0x4E4F534A
CHUNK_BIN = 0x004E4942
MAX_FILE_BYTES = 2**31
"""Largest model or resource file read, bytes."""

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_DATA_URI = re.compile(r"^data:([^;,]*)((?:;[^;,]*)*?)(;base64)?,", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Container:
    """A parsed file: the JSON document and the GLB binary chunk (if any)."""

    document: dict[str, Any]
    binary: memoryview | None
    is_glb: bool


def read_container(path: Path) -> Container:
    """Read ``path`` as GLB (by its magic) or as glTF JSON.

    Raises
    ------
    GltfError
        Unreadable file, bad GLB header or chunks, invalid JSON.
    """
    data = _read_file(path, path)
    glb_suffix = path.suffix.lower() in (".glb", ".vrm", ".vrma")
    if data[:4] == GLB_MAGIC:
        return _read_glb(path, data)
    if glb_suffix and data.lstrip()[:1] != b"{":
        if len(data) < 12:
            raise _too_short(path, data)
        raise GltfError(path, "", f"not a GLB file: magic is {bytes(data[:4])!r}, "
                                  "expected b'glTF'")
    return Container(parse_json(path, data), None, False)


def _too_short(path: Path, data: bytes) -> GltfError:
    return GltfError(path, "", f"file is too short for a GLB header ({len(data)} of 12 bytes)")


def _read_glb(path: Path, data: bytes) -> Container:
    if len(data) < 12:
        raise _too_short(path, data)
    version, length = struct.unpack_from("<II", data, 4)
    if version != 2:
        raise GltfError(path, "", f"GLB version {version} is not supported (only 2)")
    if length != len(data):
        raise GltfError(path, "", f"GLB header says {length} bytes but the file has {len(data)}")
    view = memoryview(data)
    offset, document, binary = 12, None, None
    while offset < length:
        if offset + 8 > length:
            raise GltfError(path, "", f"GLB chunk header at byte {offset} is truncated")
        chunk_len, chunk_type = struct.unpack_from("<II", data, offset)
        start, end = offset + 8, offset + 8 + chunk_len
        if end > length:
            raise GltfError(path, "", f"GLB chunk at byte {offset} runs past the end of the file")
        if document is None:
            if chunk_type != CHUNK_JSON:
                raise GltfError(path, "", "the first GLB chunk is not JSON")
            document = parse_json(path, view[start:end])
        elif chunk_type == CHUNK_BIN and binary is None:
            binary = view[start:end]
        offset = end + (-chunk_len % 4)
    if document is None:
        raise GltfError(path, "", "GLB has no JSON chunk")
    return Container(document, binary, True)


def parse_json(path: Path, data: bytes | memoryview) -> dict[str, Any]:
    """Decode a UTF-8 JSON object; errors name the line and column."""
    raw = bytes(data)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GltfError(path, "", f"JSON is not valid UTF-8 at byte {exc.start}") from None
    if not text.strip():
        raise GltfError(path, "", "file is empty: expected a glTF JSON object")
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise GltfError(path, "", "JSON is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise GltfError(path, f"line {exc.lineno} column {exc.colno}",
                        f"invalid JSON: {exc.msg}") from None
    except ValueError as exc:
        raise GltfError(path, "", f"invalid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise GltfError(path, "", f"the glTF JSON must be an object, not {type(doc).__name__}")
    return doc


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _read_file(path: Path, model: Path, pointer: str = "") -> bytes:
    """Bytes of a regular file (never a pipe, device or folder), size-limited."""
    name = path.name if path != model else ""
    what = f"{name!r}" if name else "file"
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise GltfError(model, pointer, f"{what} is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise GltfError(model, pointer, f"{what} is not a regular file")
        if st.st_size > MAX_FILE_BYTES:
            raise GltfError(model, pointer, f"{what} is {st.st_size} bytes, over the "
                                            f"{MAX_FILE_BYTES} limit")
        return path.read_bytes()
    except FileNotFoundError:
        raise GltfError(model, pointer, f"{what} not found"
                        + (" next to the model" if name else "")) from None
    except OSError as exc:
        raise GltfError(model, pointer, f"cannot read {what}: {exc.strerror}") from None


def read_uri(model: Path, uri: str, pointer: str, folder: str | None = None
             ) -> tuple[bytes, str | None]:
    """Bytes a URI refers to and its MIME type (``data:`` URIs only).

    Parameters
    ----------
    model : Path
        The model file; relative URIs resolve against its folder.
    uri : str
        The URI as written in the file.
    pointer : str
        JSON pointer of the ``uri`` property, for messages.
    folder : str, optional
        :func:`model_folder` of ``model``, when the caller already has it.
    """
    if uri.startswith("data:"):
        return _decode_data_uri(model, uri, pointer)
    if _SCHEME.match(uri) and not re.match(r"^[A-Za-z]:[\\/]", uri):
        scheme = uri.split(":", 1)[0]
        raise GltfError(model, pointer, f"URI scheme {scheme + ':'!r} is not allowed; "
                                        "only relative paths and data: URIs are read")
    rel = unquote(uri)
    if rel.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", rel) or "\x00" in rel:
        raise GltfError(model, pointer, f"absolute path {uri!r} is not allowed; "
                                        "resources must be relative to the model")
    try:
        folder = folder or model_folder(model)
        target = Path(os.path.realpath(os.path.join(folder, rel)))
    except (OSError, ValueError) as exc:  # loops, over-long or unencodable names
        raise GltfError(model, pointer, f"cannot resolve {uri!r}: {exc}") from None
    if not target.is_relative_to(folder) or target == Path(folder):
        raise GltfError(model, pointer, f"{uri!r} points outside the model's folder")
    return _read_file(target, model, pointer), None


def model_folder(model: Path) -> str:
    """The model's folder with symlinks resolved (URIs must stay inside it)."""
    return os.path.dirname(os.path.realpath(model))


def _decode_data_uri(model: Path, uri: str, pointer: str) -> tuple[bytes, str | None]:
    m = _DATA_URI.match(uri)
    if m is None:
        raise GltfError(model, pointer, "malformed data: URI (no comma)")
    payload = uri[m.end():]
    if m.group(3):
        try:
            data = base64.b64decode(re.sub(r"\s+", "", payload), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise GltfError(model, pointer, f"data: URI has invalid base64: {exc}") from None
    else:
        try:
            data = unquote_to_bytes(payload)
        except (TypeError, ValueError) as exc:
            raise GltfError(model, pointer, f"malformed data: URI: {exc}") from None
    return data, (m.group(1) or None)
