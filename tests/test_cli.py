"""The command-line contract of DESIGN.md: outputs, exit status, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import CORPUS, ROOT, corpus_path, write_gltf

INSPECT_KEYS = {"format", "generator", "scenes", "nodes", "meshes", "primitives", "vertices",
                "triangles", "materials", "textures", "images", "skins", "morph_targets",
                "animations", "extensions_used", "extensions_required", "vrm"}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, "-m", "twinstage", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def assert_clean_failure(proc: subprocess.CompletedProcess[str], code: int) -> None:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip()


@pytest.mark.corpus
def test_inspect_json_contract() -> None:
    proc = run("inspect", str(corpus_path("CesiumMan/CesiumMan.glb")), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) >= INSPECT_KEYS
    assert data["format"] == "glb"
    assert data["skins"] == [{"name": data["skins"][0]["name"], "joints": 19}]
    assert data["animations"][0]["channels"] == 57
    assert data["vertices"] == 3273 and data["triangles"] == 4672
    assert data["vrm"] is None


@pytest.mark.corpus
def test_inspect_vrm_permissions() -> None:
    proc = run("inspect", str(corpus_path("VRM0_Cryptovoxels/cryptovoxels.vrm")), "--json")
    assert proc.returncode == 0, proc.stderr
    vrm = json.loads(proc.stdout)["vrm"]
    assert vrm["version"] == "0.x" and vrm["humanoid_bones"] == 43
    assert vrm["title"] == "cryptovoxels" and vrm["authors"] == ["jin"]
    assert vrm["permissions"]["avatar_permission"] == "everyone"
    text = run("inspect", str(corpus_path("VRM0_Cryptovoxels/cryptovoxels.vrm")))
    assert "VRM 0.x" in text.stdout and "43 humanoid bones" in text.stdout


@pytest.mark.corpus
def test_inspect_text_output() -> None:
    proc = run("inspect", str(corpus_path("Duck/Duck.glb")))
    assert proc.returncode == 0
    assert proc.stdout.startswith("Duck.glb  (glb")
    assert "triangles" in proc.stdout


@pytest.mark.corpus
def test_pose_json_contract() -> None:
    proc = run("pose", str(corpus_path("SimpleSkin/SimpleSkin.gltf")), "--time", "1.0",
               "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["time"] == 1.0 and data["animation"] == 0
    assert [n["index"] for n in data["nodes"]] == [0, 1, 2]
    world = data["nodes"][2]["world"]
    assert len(world) == 16
    # Column-major: translation at 12..14; node 2 sits 1 m up, turned 90° about Z, so
    # its x axis (first column) points along +Y.
    assert world[12:15] == pytest.approx([0, 1, 0], abs=1e-6)
    assert world[0:3] == pytest.approx([0, 1, 0], abs=1e-3)


@pytest.mark.corpus
def test_pose_animation_by_name_and_unknown_name() -> None:
    path = str(corpus_path("InterpolationTest/InterpolationTest.glb"))
    ok = run("pose", path, "--time", "0.5", "--animation", "Step Translation", "--json")
    assert json.loads(ok.stdout)["animation"] == 6
    bad = run("pose", path, "--time", "0.5", "--animation", "Moonwalk", "--json")
    assert_clean_failure(bad, 1)
    assert "Moonwalk" in bad.stderr and "Step Scale" in bad.stderr


@pytest.mark.corpus
def test_validate_exit_status() -> None:
    ok = run("validate", str(corpus_path("Box/Box.glb")))
    assert ok.returncode == 0 and "valid" in ok.stdout
    bad = run("validate", str(CORPUS / "invalid/skin__ibm_invalid_count/ibm_invalid_count.gltf"),
              "--json")
    assert bad.returncode == 1
    data = json.loads(bad.stdout)
    assert data["valid"] is False
    assert data["errors"][0]["pointer"] == "/skins/2/inverseBindMatrices"


def test_bad_input_is_one_line_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "broken.gltf"
    bad.write_text("{ nope")
    proc = run("inspect", str(bad))
    assert_clean_failure(proc, 1)
    assert proc.stderr.strip().count("\n") == 0
    assert proc.stderr.startswith("broken.gltf: line 1 column 3: invalid JSON")
    missing = run("pose", str(tmp_path / "absent.glb"), "--time", "0")
    assert_clean_failure(missing, 1)
    assert "not found" in missing.stderr


def test_warnings_go_to_stderr(tmp_path: Path) -> None:
    path = write_gltf(tmp_path, {"extensionsUsed": ["EXT_unknown"], "nodes": [{}]})
    proc = run("inspect", str(path), "--json")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["extensions_used"] == ["EXT_unknown"]
    assert "warning: model.gltf: /extensionsUsed/0" in proc.stderr


@pytest.mark.parametrize("args", [(), ("inspect",), ("pose", "x.glb"), ("frobnicate",),
                                  ("pose", "x.glb", "--time", "soon")])
def test_wrong_usage_exits_2(args: tuple[str, ...]) -> None:
    assert_clean_failure(run(*args), 2)


def test_unsupported_file_type(tmp_path: Path) -> None:
    (tmp_path / "song.mp3").write_bytes(b"ID3")
    assert_clean_failure(run("inspect", str(tmp_path / "song.mp3")), 1)


def test_help_lists_commands() -> None:
    proc = run("--help")
    assert proc.returncode == 0
    for command in ("inspect", "validate", "pose"):
        assert command in proc.stdout
