"""Validity of keyframe data: the rules a track's times and values must meet before
anything samples them (glTF 2.0 section 3.11, "Animations").

Pure numpy. :func:`check_keys` diagnoses and raises :class:`AssetError` naming the
file and channel; :func:`times_valid` and :func:`values_finite` are the cheap tests
the loader runs on every sampler, calling :func:`check_keys` only when one fails.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from twinstage.errors import AssetError

__all__ = ["INTERPOLATIONS", "check_keys", "times_valid", "values_finite"]

INTERPOLATIONS: Final = ("STEP", "LINEAR", "CUBICSPLINE")
"""Interpolation names of glTF 2.0 animation samplers."""

_CUBIC_ROLES: Final = ("in-tangent", "value", "out-tangent")


def _values_per_key(interpolation: str) -> int:
    return 3 if interpolation == "CUBICSPLINE" else 1


def check_keys(
    times: ArrayLike, values: ArrayLike, interpolation: str, *, file: str, where: str
) -> None:
    """Check keyframe data before it is sampled.

    Parameters
    ----------
    times : (N,) float, seconds
        Key times (a sampler's ``input``); finite and strictly increasing, N >= 1.
        Negative times are accepted.
    values : (K,) or (K, C) float
        Key values (a sampler's ``output``), all finite. K == N for STEP and LINEAR;
        K == 3 N for CUBICSPLINE (in-tangent, value, out-tangent of each key in turn).
    interpolation : str
        One of :data:`INTERPOLATIONS`.
    file, where : str
        File name and JSON pointer used in the error message.

    Raises
    ------
    AssetError
        Naming ``file``, ``where`` and the first problem found, e.g.
        ``key times are not strictly increasing at key 3 (1.5 after 1.5)``.
    """

    if _keys_look_valid(times, values, interpolation):
        return

    def fail(what: str) -> AssetError:
        return AssetError(file, where, what)

    if interpolation not in INTERPOLATIONS:
        raise fail(f"unknown interpolation {interpolation!r}, expected one of "
                   + ", ".join(INTERPOLATIONS))
    t = np.asarray(times)
    v = np.asarray(values)
    for name, a in (("input", t), ("output", v)):
        if a.dtype.kind not in "iuf":
            raise fail(f"{name} is not numeric (dtype {a.dtype})")
    if t.ndim != 1:
        raise fail(f"input accessor must be one-dimensional, got shape {t.shape}")
    n = t.shape[0]
    if n == 0:
        raise fail("input accessor has 0 keys")
    bad = np.flatnonzero(~np.isfinite(t))
    if bad.size:
        k = int(bad[0])
        raise fail(f"key time {k} is {'NaN' if np.isnan(t[k]) else 'infinite'}")
    bad = np.flatnonzero(~(np.diff(t.astype(np.float64)) > 0))  # float: no unsigned wrap
    if bad.size:
        k = int(bad[0]) + 1
        # str() of a numpy scalar is its shortest text in its own precision (float32 0.1).
        raise fail(f"key times are not strictly increasing at key {k} "
                   f"({t[k]!s} after {t[k - 1]!s})")
    if v.ndim not in (1, 2):
        raise fail(f"output must be one- or two-dimensional, got shape {v.shape}")
    per_key = _values_per_key(interpolation)
    if v.shape[0] != per_key * n:
        raise fail(f"output has {v.shape[0]} values, expected {per_key * n} "
                   f"for {n} {interpolation} key{'s' if n != 1 else ''}")
    finite = np.isfinite(v) if v.ndim == 1 else np.isfinite(v).all(axis=1)
    bad = np.flatnonzero(~finite)
    if bad.size:
        i = int(bad[0])
        row = np.atleast_1d(v[i])
        kind = "NaN" if np.isnan(row).any() else "infinite"
        role = f" ({_CUBIC_ROLES[i % 3]} of key {i // 3})" if per_key == 3 else ""
        raise fail(f"value {i}{role} is {kind}")


def times_valid(times: NDArray[np.floating]) -> bool:
    """Whether float key times ``(N,)`` are non-empty, finite and strictly increasing.

    Strictly increasing times with finite ends are all finite: NaN fails every
    comparison. Cheap enough to run per accessor on load.
    """
    n = times.shape[0] if times.ndim == 1 else 0
    if n == 0 or times.dtype.kind != "f":
        return False
    if not (math.isfinite(times[0]) and math.isfinite(times[-1])):
        return False
    return n == 1 or bool((times[1:] > times[:-1]).all())


def values_finite(values: NDArray[np.floating]) -> bool:
    """Whether every float value is finite, in one reduction: a float64 sum of
    float32 data cannot overflow, so it is finite exactly when every value is."""
    if values.dtype.kind != "f":
        return False
    if values.dtype.itemsize > 4:
        return bool(np.isfinite(values).all())
    return math.isfinite(float(values.sum(dtype=np.float64)))


def _keys_look_valid(times: ArrayLike, values: ArrayLike, interpolation: str) -> bool:
    """The common, valid case in two cheap reductions; :func:`check_keys` diagnoses
    the rest."""
    t = np.asarray(times)
    v = np.asarray(values)
    return (interpolation in INTERPOLATIONS and v.ndim in (1, 2) and t.ndim == 1
            and v.shape[0] == _values_per_key(interpolation) * t.shape[0]
            and times_valid(t) and values_finite(v))
