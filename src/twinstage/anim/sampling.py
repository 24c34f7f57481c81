"""Keyframe sampling: STEP, LINEAR and CUBICSPLINE (glTF 2.0 section 3.11, Appendix C).

Design
------
Sampling is a pure function of ``(times, values, interpolation, t)``; it holds no state
and never writes into its inputs, so decoded accessors can stay read-only. It is used
by the ``pose`` command now and by the animation mixer later.

- :func:`check_keys` validates keyframe data once, when a track is built, and raises
  :class:`~twinstage.errors.AssetError` naming the file and the JSON pointer.
  :func:`sample` trusts checked data and only guards against programming errors
  (``ValueError``), so the per-frame path stays cheap.
- :func:`sample` is vectorised over sample times: one ``np.searchsorted`` finds the key
  interval of every time, then the interpolation is evaluated on whole arrays.
- Times outside the key range clamp to the first / last key value (glTF 3.11).
- ``rotation=True`` treats values as ``(x, y, z, w)`` quaternions: LINEAR uses
  :func:`slerp` along the shortest arc, CUBICSPLINE normalises its result, STEP returns
  the key value unchanged.
- CUBICSPLINE tangents are in value units per second: they are multiplied by the
  interval length ``t[k+1] - t[k]`` before entering the Hermite basis (Appendix C).

All arithmetic is float64 whatever the input dtype.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from twinstage.model.keyframes import INTERPOLATIONS, check_keys
from twinstage.model.transform import quat_normalize

__all__ = ["INTERPOLATIONS", "check_keys", "sample", "slerp"]

F64 = NDArray[np.float64]


_SLERP_MIN_ANGLE: Final = 1e-6
"""Below this angle (radians, between the 4-vectors) slerp falls back to normalised lerp."""


def slerp(q0: ArrayLike, q1: ArrayLike, s: ArrayLike) -> F64:
    """Spherical linear interpolation of quaternions along the shortest arc.

    Parameters
    ----------
    q0, q1 : (..., 4) float
        Quaternions ``(x, y, z, w)``; normalised before use.
    s : (...) float
        Interpolation parameter in [0, 1] (0 gives ``q0``, 1 gives ``q1`` up to sign);
        broadcast against the leading axes of ``q0`` and ``q1``.

    Returns
    -------
    (..., 4) float64
        Unit quaternions. When ``dot(q0, q1) < 0``, ``-q1`` is used so that the path
        is the shorter of the two arcs. Nearly parallel inputs use normalised lerp.
    """
    a = quat_normalize(q0)
    b = quat_normalize(q1)
    w = np.asarray(s, dtype=np.float64)[..., None]
    b = np.where(np.sum(a * b, axis=-1, keepdims=True) < 0, -b, b)
    # Angle between the 4-vectors via atan2: accurate for tiny and large angles alike,
    # unlike arccos(dot) near dot == 1.
    theta = 2.0 * np.arctan2(
        np.linalg.norm(a - b, axis=-1, keepdims=True),
        np.linalg.norm(a + b, axis=-1, keepdims=True),
    )
    near = theta < _SLERP_MIN_ANGLE
    sin_theta = np.where(near, 1.0, np.sin(theta))
    w0 = np.where(near, 1.0 - w, np.sin((1.0 - w) * theta) / sin_theta)
    w1 = np.where(near, w, np.sin(w * theta) / sin_theta)
    return quat_normalize(w0 * a + w1 * b)


def sample(
    times: ArrayLike,
    values: ArrayLike,
    interpolation: str,
    t: float | ArrayLike,
    *,
    rotation: bool = False,
) -> F64:
    """Sample keyframes at one time or many.

    Parameters
    ----------
    times : (N,) float32 or float64, seconds
        Key times, strictly increasing (see :func:`check_keys`).
    values : (N, C) or (3 N, C) float32 or float64
        Key values; (3 N, C) for CUBICSPLINE in glTF order (in-tangent ``a_k``, value
        ``v_k``, out-tangent ``b_k`` for each key k). Tangents are in value units per
        second. A one-dimensional array is read as C = 1.
    interpolation : str
        ``"STEP"``, ``"LINEAR"`` or ``"CUBICSPLINE"``.
    t : float or (M,) float, seconds
        Sample time(s); must not be NaN. Any array shape works; M is the common case.
    rotation : bool
        Values are quaternions ``(x, y, z, w)`` (C == 4): LINEAR slerps along the
        shortest arc, CUBICSPLINE normalises its result, STEP returns the key value.

    Returns
    -------
    (C,) float64 for scalar ``t``, ``t.shape + (C,)`` float64 otherwise
        A new array. Before the first key the first key value is returned, after the
        last key the last. STEP holds key k on ``[t_k, t_(k+1))``. CUBICSPLINE on
        key interval k with ``td = t_(k+1) - t_k`` and ``s = (t - t_k) / td``::

            p(s) = (2s^3 - 3s^2 + 1) v_k + td (s^3 - 2s^2 + s) b_k
                 + (-2s^3 + 3s^2) v_(k+1) + td (s^3 - s^2) a_(k+1)

    Raises
    ------
    ValueError
        Unknown interpolation, shapes that do not match, or a NaN sample time.
    """
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"unknown interpolation {interpolation!r}")
    key_t = np.asarray(times, dtype=np.float64)
    vals = np.asarray(values, dtype=np.float64)
    if vals.ndim == 1:
        vals = vals[:, None]
    n = key_t.shape[0] if key_t.ndim == 1 else 0
    per_key = 3 if interpolation == "CUBICSPLINE" else 1
    if n == 0 or vals.ndim != 2 or vals.shape[0] != per_key * n:
        raise ValueError(f"times {key_t.shape} and values {vals.shape} do not match "
                         f"for {interpolation}")
    if rotation and vals.shape[1] != 4:
        raise ValueError(f"rotation values must have 4 components, got {vals.shape[1]}")
    tq = np.asarray(t, dtype=np.float64)
    if np.isnan(tq).any():
        raise ValueError("sample time is NaN")
    flat = tq.reshape(-1)
    v = vals[1::3] if per_key == 3 else vals

    if n == 1 or interpolation == "STEP":
        i = np.clip(np.searchsorted(key_t, flat, side="right") - 1, 0, n - 1)
        out = v[i]  # fancy indexing copies, so the input is never aliased
    else:
        # Interval k holds t_k <= t < t_(k+1); the last interval also takes t == t_(N-1).
        k = np.clip(np.searchsorted(key_t, flat, side="right") - 1, 0, n - 2)
        td = key_t[k + 1] - key_t[k]
        s = np.clip((flat - key_t[k]) / td, 0.0, 1.0)
        if interpolation == "LINEAR":
            out = _lerp(v[k], v[k + 1], s, rotation)
        else:
            out = _hermite(v[k], vals[3 * k + 2], v[k + 1], vals[3 * (k + 1)], s, td)
            if rotation:
                out = quat_normalize(out)
    return out.reshape((*tq.shape, vals.shape[1]))


def _lerp(v0: F64, v1: F64, s: F64, rotation: bool) -> F64:
    """LINEAR between rows ``v0`` and ``v1`` (M, C) at ``s`` (M,).

    ``(1 - s) v0 + s v1`` is exact at s = 0 and s = 1; the clip keeps rounding from
    leaving the range spanned by the two keys.
    """
    if rotation:
        return slerp(v0, v1, s)
    w = s[:, None]
    out = (1.0 - w) * v0 + w * v1
    return np.clip(out, np.minimum(v0, v1), np.maximum(v0, v1))


def _hermite(v0: F64, b0: F64, v1: F64, a1: F64, s: F64, td: F64) -> F64:
    """Cubic Hermite segment (glTF Appendix C); tangents ``b0``, ``a1`` are per second."""
    s2 = s * s
    s3 = s2 * s
    h00 = 2.0 * s3 - 3.0 * s2 + 1.0
    h10 = (s3 - 2.0 * s2 + s) * td
    h01 = -2.0 * s3 + 3.0 * s2
    h11 = (s3 - s2) * td
    return h00[:, None] * v0 + h10[:, None] * b0 + h01[:, None] * v1 + h11[:, None] * a1
