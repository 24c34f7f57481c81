"""One exception family for everything a user can get wrong.

``TwinStageError`` is the root. ``AssetError`` (also a ``ValueError``) covers bad
input files, with ``GltfError``, ``AudioError`` and ``ShowError`` below it. A
message names the file, the place inside it (a JSON pointer or a line) and what
is wrong, so that the CLI can print it as one line::

    CesiumMan.glb: /animations/0/samplers/3: input accessor 12 has 0 keys

Recoverable problems are ``TwinStageWarning`` warnings instead, and loading goes on.
"""

from __future__ import annotations

from os import PathLike


class TwinStageError(Exception):
    """Root of every error TwinStage raises on purpose."""


class AssetError(TwinStageError, ValueError):
    """A file the user gave is malformed, unsupported or unsafe.

    Parameters
    ----------
    file : path or str
        The file at fault; only its name is shown.
    where : str
        A JSON pointer (``/meshes/0/primitives/1``) or ``line 12``; empty when the
        problem concerns the file as a whole.
    what : str
        What is wrong, with the bad value.
    """

    def __init__(self, file: str | PathLike[str], where: str, what: str) -> None:
        self.file = str(file)
        self.where = where
        self.what = what
        super().__init__(self.format())

    def format(self) -> str:
        from pathlib import PurePath

        name = PurePath(self.file).name or self.file
        return f"{name}: {self.where}: {self.what}" if self.where else f"{name}: {self.what}"


class GltfError(AssetError):
    """A glTF / GLB / VRM / VRMA file breaks the specification or our limits."""


class AudioError(AssetError):
    """An audio file cannot be decoded or analysed."""


class ShowError(AssetError):
    """A show file is malformed or refers to something that is missing."""


class TwinStageWarning(UserWarning):
    """A recoverable problem: the file still loads (an unknown optional extension, say)."""
