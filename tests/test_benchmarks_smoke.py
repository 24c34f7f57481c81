"""The load benchmark runs and reports well-formed rows; the pygltflib peer decodes the
same arrays as TwinStage (so the comparison is of equal work). No timing is asserted."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from tests.conftest import CORPUS, corpus_path, write_gltf

from twinstage.gltf.io import read_container
from twinstage.gltf.loader import GltfLoader

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
ROW_KEYS = {"suite", "case", "twinstage_ms", "peer", "peer_ms", "ratio", "n", "note"}


def _import(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_benchmarks_{name}", BENCHMARKS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench_load() -> ModuleType:
    pytest.importorskip("trimesh")
    pytest.importorskip("pygltflib")
    return _import("bench_load")


@pytest.mark.corpus
def test_load_rows_are_well_formed(bench_load: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus_path("Box/Box.glb")
    monkeypatch.setenv("TWINSTAGE_CORPUS", str(CORPUS))
    rows = bench_load.run(quick=True, models=["Box.glb"])
    assert [r["peer"] for r in rows] == ["trimesh", "pygltflib+numpy"]
    for row in rows:
        assert row.keys() >= ROW_KEYS
        assert row["suite"] == "load"
        assert row["case"] == "Box.glb"
        assert row["n"] == bench_load.REPEATS_QUICK
        for key in ("twinstage_ms", "peer_ms", "ratio"):
            assert isinstance(row[key], float)
            assert math.isfinite(row[key])
            assert row[key] > 0
        assert row["ratio"] == pytest.approx(row["twinstage_ms"] / row["peer_ms"], rel=1e-3)
        assert row["note"]
    json.dumps(rows)  # the runner writes them as JSON


@pytest.mark.corpus
def test_unknown_model_is_refused(bench_load: ModuleType) -> None:
    corpus_path("Box/Box.glb")
    with pytest.raises(FileNotFoundError, match="NoSuchModel"):
        bench_load.run(quick=True, models=["NoSuchModel.glb"])


@pytest.mark.corpus
def test_a_tool_that_fails_is_a_note_not_a_crash(
    bench_load: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = corpus_path("Box/Box.glb")

    def broken(_: Path) -> None:
        raise NotImplementedError("file_type 'glb' not supported")

    monkeypatch.setitem(bench_load.LOADERS, "trimesh", broken)
    monkeypatch.setattr(bench_load, "find_models", lambda: [path])
    rows = {r["peer"]: r for r in bench_load.run(quick=True)}
    assert rows["trimesh"]["peer_ms"] is None
    assert rows["trimesh"]["ratio"] is None
    assert "trimesh cannot load it: NotImplementedError" in rows["trimesh"]["note"]
    assert rows["pygltflib+numpy"]["peer_ms"] > 0


def _twinstage_accessors(path: Path) -> list[np.ndarray]:
    loader = GltfLoader(path, read_container(path))
    return [loader.load_accessor(i) for i in range(len(loader.items("accessors")))]


@pytest.mark.corpus
@pytest.mark.parametrize(
    "rel", ["Box/Box.glb", "SimpleSkin/SimpleSkin.gltf", "VRMA_three-vrm_test/test.vrma"]
)
def test_pygltflib_decode_matches_twinstage(bench_load: ModuleType, rel: str) -> None:
    path = corpus_path(rel)
    ours = _twinstage_accessors(path)
    theirs = bench_load.load_pygltflib(path)
    assert len(theirs) == len(ours) > 0
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(b.reshape(a.shape), a)


def test_pygltflib_decode_applies_sparse_and_normalized(
    bench_load: ModuleType, tmp_path: Path
) -> None:
    base = np.arange(12, dtype=np.float32).reshape(4, 3)
    sparse_index = np.array([1, 3], dtype=np.uint16)
    sparse_values = np.full((2, 3), -1.0, dtype=np.float32)
    colours = np.array([[0, 255], [32767, -32767]], dtype=np.int16)
    blob = base.tobytes() + sparse_index.tobytes() + sparse_values.tobytes() + colours.tobytes()
    offsets = np.cumsum([0, base.nbytes, sparse_index.nbytes, sparse_values.nbytes])
    views = [
        {"buffer": 0, "byteOffset": int(o), "byteLength": int(n)}
        for o, n in zip(
            offsets,
            (base.nbytes, sparse_index.nbytes, sparse_values.nbytes, colours.nbytes),
            strict=True,
        )
    ]
    doc = {
        "bufferViews": views,
        "accessors": [
            {
                "bufferView": 0,
                "componentType": 5126,
                "count": 4,
                "type": "VEC3",
                "sparse": {
                    "count": 2,
                    "indices": {"bufferView": 1, "componentType": 5123},
                    "values": {"bufferView": 2},
                },
            },
            {
                "bufferView": 3,
                "componentType": 5122,
                "count": 2,
                "type": "VEC2",
                "normalized": True,
            },
        ],
    }
    path = write_gltf(tmp_path, doc, blob)
    sparse, norm = bench_load.load_pygltflib(path)
    expected = base.copy()
    expected[[1, 3]] = -1.0
    np.testing.assert_array_equal(sparse, expected)
    np.testing.assert_allclose(norm, [[0, 255 / 32767], [1, -1]], rtol=1e-6)
    assert norm.dtype == np.float32


def test_runner_writes_a_table_per_suite(bench_load: ModuleType) -> None:
    run = _import("run")
    rows = [
        {
            "suite": "load",
            "case": "A.glb",
            "twinstage_ms": 2.0,
            "peer": "trimesh",
            "peer_ms": 4.0,
            "ratio": 0.5,
            "n": 3,
            "note": "median",
        },
        {
            "suite": "load",
            "case": "A.glb",
            "twinstage_ms": 2.0,
            "peer": "pygltflib+numpy",
            "peer_ms": None,
            "ratio": None,
            "n": 3,
            "note": "pygltflib+numpy cannot load it",
        },
    ]
    text = run.markdown({"machine": run.machine(), "when": "now", "quick": True, "rows": rows})
    assert "| case | twinstage | trimesh | ratio | pygltflib+numpy | ratio | n | notes |" in text
    assert "| A.glb | 2.000 | 4.000 | 0.500 | – | – | 3 | 1,2 |" in text
    assert "2. pygltflib+numpy cannot load it" in text
    machine = run.machine()
    assert machine["cpu_count"] >= 1
    assert machine["python"]
    assert machine["numpy"]
