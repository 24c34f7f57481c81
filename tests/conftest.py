"""Shared fixtures: where the third-party corpus lives, and tiny glTF builders."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("TWINSTAGE_CORPUS", ROOT.parent / "shared" / "corpus"))


def corpus_path(rel: str) -> Path:
    """Path of a corpus file; skips the test locally (fails under CI) when absent."""
    p = CORPUS / rel
    if not p.exists():
        if os.environ.get("CI"):
            pytest.fail(f"corpus file {p} is missing; CI must provide ../shared/corpus")
        pytest.skip(f"corpus file {p} is not here")
    return p


def corpus_models() -> list[str]:
    """Relative paths of every valid model in the corpus (not ``invalid/``)."""
    if not CORPUS.is_dir():
        return []
    return sorted(
        str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*")
        if p.suffix.lower() in (".gltf", ".glb", ".vrm", ".vrma")
        and p.relative_to(CORPUS).parts[0] != "invalid"
    )


def write_gltf(folder: Path, doc: dict[str, Any], bin_data: bytes | None = None,
               name: str = "model.gltf") -> Path:
    """Write ``doc`` as a .gltf (with ``model.bin`` as buffer 0 when ``bin_data``)."""
    doc = dict(doc)
    doc.setdefault("asset", {"version": "2.0"})
    if bin_data is not None:
        (folder / "model.bin").write_bytes(bin_data)
        doc["buffers"] = [{"uri": "model.bin", "byteLength": len(bin_data)}]
    path = folder / name
    path.write_text(json.dumps(doc))
    return path


def write_glb(folder: Path, doc: dict[str, Any], bin_data: bytes = b"",
              name: str = "model.glb") -> Path:
    """Write ``doc`` and ``bin_data`` as a GLB."""
    doc = dict(doc)
    doc.setdefault("asset", {"version": "2.0"})
    if bin_data:
        doc["buffers"] = [{"byteLength": len(bin_data)}]
    js = json.dumps(doc).encode()
    js += b" " * (-len(js) % 4)
    chunks = struct.pack("<II", len(js), 0x4E4F534A) + js
    if bin_data:
        b = bin_data + b"\0" * (-len(bin_data) % 4)
        chunks += struct.pack("<II", len(b), 0x004E4942) + b
    path = folder / name
    path.write_bytes(b"glTF" + struct.pack("<II", 2, 12 + len(chunks)) + chunks)
    return path
