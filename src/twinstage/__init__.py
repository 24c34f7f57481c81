"""TwinStage: an avatar-concert viewer and show player.

Each performer has two bodies, the *member* (a real-likeness model) and the
*avatar* (a stylised digital twin). Layers, bottom up: ``model`` (the typed scene
description), ``gltf`` (loading), ``anim`` (sampling, poses), ``cli``; rendering,
audio, shows and the desktop app sit above them. See ``docs/`` and DESIGN.md.

>>> import twinstage
>>> asset = twinstage.load("CesiumMan.glb")        # doctest: +SKIP
"""

from __future__ import annotations

from twinstage.errors import (
    AssetError,
    AudioError,
    GltfError,
    ShowError,
    TwinStageError,
    TwinStageWarning,
)
from twinstage.gltf import Report, load, validate
from twinstage.model.scene import Asset

__version__ = "0.1.0"

__all__ = [
    "Asset",
    "AssetError",
    "AudioError",
    "GltfError",
    "Report",
    "ShowError",
    "TwinStageError",
    "TwinStageWarning",
    "__version__",
    "load",
    "validate",
]
