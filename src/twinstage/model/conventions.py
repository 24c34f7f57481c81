"""Every axis, unit and quaternion-order convention TwinStage relies on, in one place.

glTF 2.0 (section 3.4): right-handed, +Y up, metres, a model's front faces +Z.
Quaternions are stored ``(x, y, z, w)`` everywhere in TwinStage, as in glTF.
Matrices are numpy ``(4, 4)`` arrays acting on column vectors (``M @ v``); glTF
serialises them column-major, so a flat glTF ``matrix`` is ``M.T.ravel()``.

VRM 0.x avatars face -Z (they were authored for Unity); VRM 1.0 avatars and VRMA
clips face +Z like plain glTF. :func:`vrm_to_gltf_facing` gives the rotation that
turns a VRM 0.x avatar to face +Z.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

UP = np.array([0.0, 1.0, 0.0])
"""World up in glTF: +Y."""

FORWARD = np.array([0.0, 0.0, 1.0])
"""Where a glTF model (and a VRM 1.0 avatar) faces: +Z."""

VRM0_FORWARD = np.array([0.0, 0.0, -1.0])
"""Where a VRM 0.x avatar faces: -Z."""

QUAT_IDENTITY = (0.0, 0.0, 0.0, 1.0)
"""Identity rotation in ``(x, y, z, w)`` order."""


def vrm_forward(version: str) -> NDArray[np.float64]:
    """Facing direction of a VRM avatar of ``version`` (``"0.x"`` or ``"1.0"``)."""
    return VRM0_FORWARD.copy() if version == "0.x" else FORWARD.copy()


def vrm_to_gltf_facing(version: str) -> NDArray[np.float64]:
    """``(4, 4)`` rotation that turns a VRM avatar of ``version`` to face +Z.

    VRM 0.x needs a half turn about +Y; VRM 1.0 needs none.
    """
    m = np.eye(4)
    if version == "0.x":
        m[0, 0] = m[2, 2] = -1.0
    return m


def matrix_from_gltf(values: list[float] | tuple[float, ...]) -> NDArray[np.float64]:
    """``(4, 4)`` matrix from glTF's 16 column-major floats."""
    return np.asarray(values, dtype=np.float64).reshape(4, 4).T.copy()


def matrix_to_gltf(m: NDArray[np.floating]) -> list[float]:
    """glTF's 16 column-major floats from a ``(4, 4)`` matrix."""
    return [float(v) for v in np.asarray(m).T.ravel()]


def unity_to_gltf(v: tuple[float, float, float]) -> tuple[float, float, float]:
    """A position or direction in Unity's left-handed axes, in glTF's right-handed ones.

    Both are +Y up in metres; Unity's +Z is glTF's -Z, so this is ``(x, y, -z)``, as
    UniVRM 0.x reads glTF (and three-vrm reads VRM 0.x collider offsets). It is its
    own inverse. VRM 0.x stores spring collider offsets, gravity directions and the
    first-person offset this way. The flip is ``0.0 - z`` so that a zero stays
    ``+0.0``.
    """
    x, y, z = v
    return (x, y, 0.0 - z)


def unity_uv_to_gltf(scale: tuple[float, float], offset: tuple[float, float]
                     ) -> tuple[tuple[float, float], tuple[float, float]]:
    """A Unity texture scale and offset (``_ST``; V up) as glTF UV ``(scale, offset)``.

    glTF's V points down from the top of the image, so the offset's V becomes
    ``1 - offset_v - scale_v``; the scale is unchanged.
    """
    return scale, (offset[0], 1.0 - offset[1] - scale[1])


def srgb_to_linear(c: float) -> float:
    """One sRGB-encoded colour channel in ``[0, 1]`` as linear light (IEC 61966-2-1).

    glTF colour factors are linear; VRM 0.x (Unity) MToon colours are sRGB. Values
    outside ``[0, 1]`` (a broken or HDR file) are clamped first, so the result is
    always in ``[0, 1]``.
    """
    c = min(max(c, 0.0), 1.0)
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
