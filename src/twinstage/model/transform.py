"""Transform maths on numpy arrays: quaternions ``(x, y, z, w)`` and T·R·S matrices.

All functions accept a single value or a stack (leading axes) and are pure.
Conventions are those of :mod:`twinstage.model.conventions`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

F64 = NDArray[np.float64]


def quat_normalize(q: ArrayLike) -> F64:
    """Unit quaternions ``(..., 4)``; a zero quaternion becomes the identity."""
    q = np.asarray(q, dtype=np.float64)
    big = np.max(np.abs(q), axis=-1, keepdims=True)  # pre-scale: the norm of 1e200 overflows
    q = np.divide(q, big, out=np.zeros_like(q), where=big > 0)
    n = np.linalg.norm(q, axis=-1, keepdims=True)
    out = np.divide(q, n, out=np.zeros_like(q), where=n > 0)
    out[..., 3] = np.where(n[..., 0] > 0, out[..., 3], 1.0)
    return np.asarray(out, dtype=np.float64)


def quat_to_matrix3(q: ArrayLike) -> F64:
    """``(..., 3, 3)`` rotation matrices from unit quaternions ``(..., 4)`` ``(x, y, z, w)``."""
    x, y, z, w = np.moveaxis(np.asarray(q, dtype=np.float64), -1, 0)
    xx, yy, zz = x * x, y * y, z * z
    xy, xz, yz = x * y, x * z, y * z
    wx, wy, wz = w * x, w * y, w * z
    m = np.stack(
        [
            1 - 2 * (yy + zz), 2 * (xy - wz), 2 * (xz + wy),
            2 * (xy + wz), 1 - 2 * (xx + zz), 2 * (yz - wx),
            2 * (xz - wy), 2 * (yz + wx), 1 - 2 * (xx + yy),
        ],
        axis=-1,
    )
    return m.reshape((*m.shape[:-1], 3, 3))


def trs_matrix(t: ArrayLike, r: ArrayLike, s: ArrayLike) -> F64:
    """``(..., 4, 4)`` matrices T·R·S from translations ``(..., 3)``, unit quaternions
    ``(..., 4)`` and scales ``(..., 3)`` (glTF 2.0 section 3.5.3)."""
    t = np.asarray(t, dtype=np.float64)
    s = np.asarray(s, dtype=np.float64)
    rot = quat_to_matrix3(r)
    shape = np.broadcast_shapes(t.shape[:-1], s.shape[:-1], rot.shape[:-2])
    m = np.zeros((*shape, 4, 4))
    m[..., :3, :3] = rot * s[..., None, :]
    m[..., :3, 3] = t
    m[..., 3, 3] = 1.0
    return m


def matrix_to_quat(m: ArrayLike) -> F64:
    """Unit quaternion ``(x, y, z, w)`` of the rotation part of a ``(3, 3)`` or ``(4, 4)``
    matrix whose columns may carry a positive scale."""
    a = np.asarray(m, dtype=np.float64)[:3, :3]
    a = a / np.linalg.norm(a, axis=0, keepdims=True)
    tr = a[0, 0] + a[1, 1] + a[2, 2]
    if tr > 0:
        s = 2.0 * np.sqrt(tr + 1.0)
        q = [(a[2, 1] - a[1, 2]) / s, (a[0, 2] - a[2, 0]) / s, (a[1, 0] - a[0, 1]) / s, 0.25 * s]
    elif a[0, 0] > a[1, 1] and a[0, 0] > a[2, 2]:
        s = 2.0 * np.sqrt(1.0 + a[0, 0] - a[1, 1] - a[2, 2])
        q = [0.25 * s, (a[0, 1] + a[1, 0]) / s, (a[0, 2] + a[2, 0]) / s, (a[2, 1] - a[1, 2]) / s]
    elif a[1, 1] > a[2, 2]:
        s = 2.0 * np.sqrt(1.0 + a[1, 1] - a[0, 0] - a[2, 2])
        q = [(a[0, 1] + a[1, 0]) / s, 0.25 * s, (a[1, 2] + a[2, 1]) / s, (a[0, 2] - a[2, 0]) / s]
    else:
        s = 2.0 * np.sqrt(1.0 + a[2, 2] - a[0, 0] - a[1, 1])
        q = [(a[0, 2] + a[2, 0]) / s, (a[1, 2] + a[2, 1]) / s, 0.25 * s, (a[1, 0] - a[0, 1]) / s]
    return quat_normalize(q)


def decompose(m: ArrayLike) -> tuple[F64, F64, F64]:
    """Translation ``(3,)``, quaternion ``(4,)`` and scale ``(3,)`` of an affine ``(4, 4)``
    matrix without shear. A negative determinant flips the sign of the x scale."""
    a = np.asarray(m, dtype=np.float64)
    t = a[:3, 3].copy()
    s = np.linalg.norm(a[:3, :3], axis=0)
    if np.linalg.det(a[:3, :3]) < 0:
        s[0] = -s[0]
    rot = a[:3, :3] / np.where(s == 0, 1.0, s)
    return t, matrix_to_quat(rot), s
