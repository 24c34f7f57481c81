"""Read .gltf / .glb / .vrm / .vrma files into :class:`twinstage.model.Asset`.

Pure (stdlib + numpy; Pillow lazily for pixels). Parse → validate → typed model:
:mod:`io` reads the container and resources safely, :mod:`document` gives typed,
JSON-pointer-aware access, :mod:`accessors` decodes binary data as views into the
file, :mod:`loader` and :mod:`materials` build the model one memoised
``load_x(index)`` per glTF concept, :mod:`vrm` adds the VRM / VRMA extensions.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from twinstage.errors import GltfError, TwinStageWarning
from twinstage.gltf.io import read_container
from twinstage.gltf.loader import GltfLoader
from twinstage.model.scene import Asset, Format, LoadWarning

__all__ = ["Report", "load", "validate"]


def _format(path: Path, is_glb: bool) -> Format:
    suffix = path.suffix.lower()
    if suffix == ".vrm":
        return "vrm"
    if suffix == ".vrma":
        return "vrma"
    return "glb" if is_glb else "gltf"


def load(path: str | os.PathLike[str]) -> Asset:
    """Load a glTF 2.0 / GLB / VRM / VRMA file.

    Recoverable problems are kept in ``Asset.warnings`` and issued as
    :class:`TwinStageWarning`.

    Raises
    ------
    GltfError
        The file is malformed, unsafe, or needs an unsupported extension; the message
        names the file, the JSON pointer and what is wrong.
    """
    p = Path(path)
    container = read_container(p)
    asset = GltfLoader(p, container).load(_format(p, container.is_glb))
    for w in asset.warnings:
        warnings.warn(f"{p.name}: {w.pointer}: {w.message}", TwinStageWarning, stacklevel=2)
    return asset


@dataclass(frozen=True, slots=True)
class Report:
    """Outcome of :func:`validate`: every problem found and the warnings."""

    path: str
    errors: tuple[GltfError, ...]
    warnings: tuple[LoadWarning, ...]
    asset: Asset | None

    @property
    def ok(self) -> bool:
        """No errors."""
        return not self.errors


def validate(path: str | os.PathLike[str]) -> Report:
    """Check a model fully (all independent problems, images decoded) without raising
    for bad input."""
    p = Path(path)
    try:
        container = read_container(p)
    except GltfError as exc:
        return Report(str(p), (exc,), (), None)
    loader = GltfLoader(p, container, collect=True)
    asset = None
    try:
        asset = loader.load(_format(p, container.is_glb))
    except GltfError as exc:
        if str(exc) not in {str(e) for e in loader.errors}:
            loader.errors.append(exc)
    errors = list(loader.errors)
    if asset is not None:
        from twinstage.model.images import ImageDataError

        for i, image in enumerate(asset.images):
            if image.width:
                try:
                    _ = image.pixels
                except ImageDataError as exc:
                    errors.append(GltfError(p, f"/images/{i}", str(exc)))
        if errors:
            asset = None
    return Report(str(p), tuple(errors), tuple(loader.warnings), asset)
