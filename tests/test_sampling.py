"""Keyframe sampling (glTF 2.0 section 3.11, Appendix C); expected values derived by hand."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.typing import ArrayLike, NDArray

from twinstage.anim.sampling import INTERPOLATIONS, check_keys, sample, slerp
from twinstage.errors import AssetError

IDENTITY = (0.0, 0.0, 0.0, 1.0)
S45, C45 = math.sin(math.radians(45)), math.cos(math.radians(45))
S22, C22 = math.sin(math.radians(22.5)), math.cos(math.radians(22.5))
Y90 = (0.0, S45, 0.0, C45)  # 90 degrees about +Y
Y45 = (0.0, S22, 0.0, C22)  # 45 degrees about +Y


def _readonly(a: ArrayLike, dtype: type = np.float32) -> NDArray[Any]:
    arr: NDArray[Any] = np.array(a, dtype=dtype)
    arr.setflags(write=False)
    return arr


# -- STEP ------------------------------------------------------------------------------


def test_step_holds_until_the_next_key_and_switches_exactly_on_it() -> None:
    times, values = [0.0, 1.0, 2.5], [[10.0], [20.0], [30.0]]
    just_before_1 = np.nextafter(1.0, 0.0)
    got = sample(times, values, "STEP", [0.0, 0.5, just_before_1, 1.0, 2.4, 2.5])
    np.testing.assert_array_equal(got[:, 0], [10, 10, 10, 20, 20, 30])


def test_step_rotation_returns_the_key_quaternion_unchanged() -> None:
    q = [[0.0, 0.0, 0.0, 2.0], [0.0, 1.0, 0.0, 0.0]]  # not normalised on purpose
    np.testing.assert_array_equal(sample([0.0, 1.0], q, "STEP", 0.5, rotation=True), q[0])


# -- LINEAR ----------------------------------------------------------------------------


def test_linear_midpoints_and_unequal_intervals() -> None:
    times = [0.0, 2.0, 3.0]
    values = [[0.0, 10.0], [4.0, 10.0], [2.0, -10.0]]
    got = sample(times, values, "LINEAR", [1.0, 0.5, 2.5, 2.75])
    # t=1: halfway 0..2; t=0.5: a quarter of the way; t=2.5: halfway 2..3; t=2.75: 3/4.
    np.testing.assert_allclose(got, [[2.0, 10.0], [1.0, 10.0], [3.0, 0.0], [2.5, -5.0]])


def test_linear_holds_a_constant_segment_exactly() -> None:
    # (1 - s) v + s v rounds away from v for many s; a held pose must not jitter.
    v = float.fromhex("-0x1.9620d8efcf9abp+2")
    ts = np.concatenate([[float.fromhex("0x1.9c4c2dab8707cp-3")], np.linspace(0.0, 1.0, 1001)])
    got = sample([0.0, 1.0], [[v], [v]], "LINEAR", ts)
    np.testing.assert_array_equal(got[:, 0], v)


@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
def test_clamps_before_first_and_after_last_key(interpolation: str) -> None:
    times = [1.0, 2.0, 4.0]
    vals = [[5.0], [7.0], [-3.0]]
    if interpolation == "CUBICSPLINE":  # tangents must not leak into the clamped value
        vals = [[99.0], [5.0], [99.0], [99.0], [7.0], [99.0], [99.0], [-3.0], [99.0]]
    got = sample(times, vals, interpolation, [-100.0, 0.0, 1.0, 4.0, 4.5, math.inf])
    np.testing.assert_array_equal(got[:, 0], [5, 5, 5, -3, -3, -3])
    assert sample(times, vals, interpolation, -math.inf)[0] == 5.0


@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
def test_single_key_returns_that_key_at_any_time(interpolation: str) -> None:
    vals = [[1.0, 2.0, 3.0]]
    if interpolation == "CUBICSPLINE":
        vals = [[9.0, 9.0, 9.0], [1.0, 2.0, 3.0], [8.0, 8.0, 8.0]]
    got = sample([0.5], vals, interpolation, [-1.0, 0.5, 7.0])
    np.testing.assert_array_equal(got, [[1, 2, 3]] * 3)


# -- CUBICSPLINE -----------------------------------------------------------------------

# Keys at t = 0, 2, 3 (intervals 2 s and 1 s); rows are (in-tangent, value, out-tangent).
CUBIC_TIMES = [0.0, 2.0, 3.0]
CUBIC_VALUES = [[9.0], [1.0], [0.5], [2.0], [3.0], [-1.0], [4.0], [0.0], [7.0]]


@pytest.mark.parametrize(
    ("t", "expected"),
    [
        # t=1: k=0, td=2, s=0.5: h00=0.5, h10=0.125, h01=0.5, h11=-0.125
        #   0.5*1 + 2*0.125*0.5 + 0.5*3 + 2*(-0.125)*2 = 0.5 + 0.125 + 1.5 - 0.5
        (1.0, 1.625),
        # t=0.5: k=0, td=2, s=0.25: h00=0.84375, h10=0.140625, h01=0.15625, h11=-0.046875
        #   0.84375*1 + 2*0.140625*0.5 + 0.15625*3 + 2*(-0.046875)*2
        (0.5, 1.265625),
        # t=2.5: k=1, td=1, s=0.5: 0.5*3 + 0.125*(-1) + 0.5*0 + (-0.125)*4
        (2.5, 0.875),
        # on keys: the value itself, whatever the tangents
        (0.0, 1.0),
        (2.0, 3.0),
        (3.0, 0.0),
    ],
)
def test_cubicspline_hermite_with_tangents_scaled_by_interval(t: float, expected: float) -> None:
    assert sample(CUBIC_TIMES, CUBIC_VALUES, "CUBICSPLINE", t)[0] == pytest.approx(expected)


def test_cubicspline_tangents_are_per_second() -> None:
    # value 0 -> 4 over 2 s with both tangents 2 units/s is the straight line p(t) = 2 t.
    values = [[0.0], [0.0], [2.0], [2.0], [4.0], [0.0]]
    got = sample([0.0, 2.0], values, "CUBICSPLINE", [0.5, 1.0, 1.5])
    np.testing.assert_allclose(got[:, 0], [1.0, 2.0, 3.0])


def test_cubicspline_rotation_is_normalised() -> None:
    # Zero tangents, identity -> 90 deg about Y; at s=0.5 the raw Hermite value is the
    # plain average (0, S45/2, 0, (1+C45)/2), whose direction is the 45 degree rotation.
    zero = [0.0, 0.0, 0.0, 0.0]
    values = [zero, IDENTITY, zero, zero, Y90, zero]
    got = sample([0.0, 1.0], values, "CUBICSPLINE", 0.5, rotation=True)
    np.testing.assert_allclose(got, Y45, atol=1e-12)


# -- rotations -------------------------------------------------------------------------


def test_slerp_90_degrees_about_y_halfway() -> None:
    np.testing.assert_allclose(slerp(IDENTITY, Y90, 0.5), [0.0, S22, 0.0, C22], atol=1e-12)


def test_slerp_takes_the_shortest_arc() -> None:
    # -Y90 is the same rotation as Y90; the long way round would pass through 225 degrees.
    minus_y90 = [-c for c in Y90]
    np.testing.assert_allclose(slerp(IDENTITY, minus_y90, 0.5), Y45, atol=1e-12)
    got = sample([0.0, 1.0], [IDENTITY, minus_y90], "LINEAR", 0.5, rotation=True)
    np.testing.assert_allclose(got, Y45, atol=1e-12)


def test_slerp_endpoints_and_constant_speed() -> None:
    s = np.array([0.0, 0.25, 1.0])
    got = slerp(np.array([IDENTITY] * 3), np.array([Y90] * 3), s)
    # 0.25 of a 90 degree turn is 22.5 degrees: half-angle 11.25.
    s11, c11 = math.sin(math.radians(11.25)), math.cos(math.radians(11.25))
    np.testing.assert_allclose(got, [IDENTITY, [0, s11, 0, c11], Y90], atol=1e-12)


def test_slerp_nearly_parallel_is_finite_and_between() -> None:
    tiny = 1e-9  # radians: below the slerp fallback threshold
    q1 = [0.0, math.sin(tiny / 2), 0.0, math.cos(tiny / 2)]
    got = slerp(IDENTITY, q1, 0.5)
    np.testing.assert_allclose(got, [0.0, math.sin(tiny / 4), 0.0, math.cos(tiny / 4)],
                               rtol=1e-9, atol=1e-18)
    np.testing.assert_array_equal(slerp(IDENTITY, IDENTITY, 0.3), IDENTITY)


@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
def test_rotation_output_has_unit_length(interpolation: str) -> None:
    # Random unit key quaternions (random tangents for CUBICSPLINE), unequal intervals.
    per_key = 3 if interpolation == "CUBICSPLINE" else 1
    keys = np.random.default_rng(7).normal(size=(5 * per_key, 4))
    keys /= np.linalg.norm(keys, axis=1, keepdims=True)
    times = np.array([0.0, 0.3, 1.0, 1.1, 2.0])
    got = sample(times, keys, interpolation, np.linspace(-0.5, 2.5, 61), rotation=True)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-12)


# -- shapes, dtypes, inputs ------------------------------------------------------------


@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
@pytest.mark.parametrize("rotation", [False, True])
def test_vector_t_matches_scalar_t(interpolation: str, rotation: bool) -> None:
    rng = np.random.default_rng(3)
    times = np.array([0.0, 0.4, 1.0, 2.5])
    values = rng.normal(size=(len(times) * (3 if interpolation == "CUBICSPLINE" else 1), 4))
    ts = np.array([-1.0, 0.0, 0.1, 0.4, 0.7, 1.0, 2.0, 2.5, 3.0])
    got = sample(times, values, interpolation, ts, rotation=rotation)
    assert got.shape == (len(ts), 4)
    for i, t in enumerate(ts):
        one = sample(times, values, interpolation, float(t), rotation=rotation)
        assert one.shape == (4,)
        np.testing.assert_array_equal(got[i], one)


def test_float32_readonly_inputs_give_float64_and_stay_untouched() -> None:
    times = _readonly([0.0, 1.0])
    values = _readonly([[0.0, 1.0], [0.5, 3.0]])
    for interpolation in ("STEP", "LINEAR"):
        got = sample(times, values, interpolation, _readonly([0.0, 0.5, 1.0]))
        assert got.dtype == np.float64 and got.flags.writeable
        assert not np.shares_memory(got, values)
    np.testing.assert_array_equal(values, [[0.0, 1.0], [0.5, 3.0]])
    f64 = _readonly([[0.0, 1.0], [0.5, 3.0]], np.float64)
    got = sample(times, f64, "STEP", 0.2)
    got[:] = 42.0  # the result is a copy: writing to it leaves the keys alone
    np.testing.assert_array_equal(f64, [[0.0, 1.0], [0.5, 3.0]])


def test_one_dimensional_values_are_one_component() -> None:
    assert sample([0.0, 1.0], [0.0, 2.0], "LINEAR", [0.25]).tolist() == [[0.5]]


def test_sample_rejects_programming_errors() -> None:
    with pytest.raises(ValueError, match="unknown interpolation"):
        sample([0.0], [[1.0]], "BEZIER", 0.0)
    with pytest.raises(ValueError, match="do not match"):
        sample([0.0, 1.0], [[1.0], [2.0]], "CUBICSPLINE", 0.0)
    with pytest.raises(ValueError, match="NaN"):
        sample([0.0, 1.0], [[1.0], [2.0]], "LINEAR", [0.0, math.nan])


# -- check_keys ------------------------------------------------------------------------

FILE, WHERE = "/models/walk.glb", "/animations/0/samplers/3"


@pytest.mark.parametrize(
    ("times", "values", "interpolation", "message"),
    [
        ([], [], "LINEAR", "input accessor has 0 keys"),
        ([[0.0, 1.0]], [[1.0], [2.0]], "LINEAR", r"one-dimensional, got shape \(1, 2\)"),
        ([0.0, math.nan], [1.0, 2.0], "LINEAR", "key time 1 is NaN"),
        ([0.0, math.inf], [1.0, 2.0], "STEP", "key time 1 is infinite"),
        ([0.0, 1.0, 1.5, 1.5], [1.0] * 4, "LINEAR",
         r"not strictly increasing at key 3 \(1.5 after 1.5\)"),
        ([0.0, 2.0, 1.0], [1.0] * 3, "STEP", r"at key 2 \(1.0 after 2.0\)"),
        ([0.0, 1.0, 2.0], [[1.0]] * 7, "CUBICSPLINE",
         "output has 7 values, expected 9 for 3 CUBICSPLINE keys"),
        ([0.0, 1.0], [[1.0]] * 3, "LINEAR", "output has 3 values, expected 2 for 2 LINEAR keys"),
        ([0.0, 1.0, 2.0, 3.0, 4.0], [[0.0, 0.0]] * 4 + [[0.0, math.nan]], "LINEAR",
         "value 4 is NaN"),
        ([0.0, 1.0], [[0.0]] * 5 + [[-math.inf]], "CUBICSPLINE",
         r"value 5 \(out-tangent of key 1\) is infinite"),
        ([0.0], [[1.0]], "HERMITE", "unknown interpolation 'HERMITE'"),
        ([0.0], [["a"]], "STEP", "output is not numeric"),
        ([0.0], np.zeros((1, 2, 2)), "STEP", r"got shape \(1, 2, 2\)"),
    ],
)
def test_check_keys_rejects(times: ArrayLike, values: ArrayLike, interpolation: str,
                            message: str) -> None:
    with pytest.raises(AssetError, match=message) as info:
        check_keys(times, values, interpolation, file=FILE, where=WHERE)
    assert str(info.value).startswith(f"walk.glb: {WHERE}: ")


def test_check_keys_reports_float32_times_as_written() -> None:
    times = np.array([0.0, 0.1, 0.1], dtype=np.float32)
    with pytest.raises(AssetError, match=r"at key 2 \(0.1 after 0.1\)"):
        check_keys(times, np.zeros((3, 3)), "LINEAR", file=FILE, where=WHERE)


def test_check_keys_accepts_valid_data() -> None:
    check_keys(_readonly([0.5]), _readonly([[1.0, 2.0, 3.0]]), "STEP", file=FILE, where=WHERE)
    check_keys([-1.0, 0.0, 2.0], np.zeros((9, 4)), "CUBICSPLINE", file=FILE, where=WHERE)
    check_keys(np.array([0, 1], dtype=np.uint8), [1.0, 2.0], "LINEAR", file=FILE, where=WHERE)


def test_check_keys_unsigned_times_do_not_wrap() -> None:
    with pytest.raises(AssetError, match="at key 1"):
        check_keys(np.array([3, 1], dtype=np.uint8), [1.0, 2.0], "LINEAR", file=FILE, where=WHERE)


# -- properties ------------------------------------------------------------------------

_TIME_STEPS = st.lists(st.floats(1e-3, 100.0), min_size=1, max_size=12)
_VALUE = st.one_of(st.sampled_from([-2.5, 0.0, 1.0]), st.floats(-1e6, 1e6))  # repeats likely


@st.composite
def _linear_track(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    start = draw(st.floats(-50.0, 50.0))
    times = start + np.concatenate([[0.0], np.cumsum(draw(_TIME_STEPS))])
    times = np.unique(times)  # rounding in cumsum could in principle repeat a time
    channels = draw(st.integers(1, 3))
    values = np.array(draw(st.lists(st.lists(_VALUE, min_size=channels, max_size=channels),
                                    min_size=len(times), max_size=len(times))))
    return times, values


@given(_linear_track())
def test_linear_at_key_times_returns_the_keys(track: tuple[np.ndarray, np.ndarray]) -> None:
    times, values = track
    check_keys(times, values, "LINEAR", file=FILE, where=WHERE)
    np.testing.assert_array_equal(sample(times, values, "LINEAR", times), values)


@given(_linear_track(), st.lists(st.floats(-200.0, 1500.0), min_size=1, max_size=20))
def test_linear_stays_within_the_value_range(track: tuple[np.ndarray, np.ndarray],
                                             ts: list[float]) -> None:
    times, values = track
    got = sample(times, values, "LINEAR", np.array(ts))
    assert np.all(got >= values.min(axis=0)) and np.all(got <= values.max(axis=0))
