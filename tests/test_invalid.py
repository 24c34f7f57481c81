"""Every file in the corpus's invalid/ folder is refused cleanly, at the place the
glTF-Validator's expected report names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import CORPUS

import twinstage

pytestmark = pytest.mark.corpus

INVALID = sorted(
    str(p.relative_to(CORPUS)) for p in (CORPUS / "invalid").rglob("*")
    if p.suffix in (".gltf", ".glb", ".vrm")
) if (CORPUS / "invalid").is_dir() else []


def expected_pointers(model: Path) -> list[str] | None:
    """JSON pointers of the errors in the validator's report, if there is one."""
    report = model.with_name(model.name + ".report.json")
    if not report.exists():
        return None
    messages = json.loads(report.read_text())["issues"]["messages"]
    return [m.get("pointer", "") for m in messages if m["severity"] == 0]


def at_pointer(where: str, pointer: str) -> bool:
    """Our location is the validator's pointer or inside it; a whole-file problem may be
    located more precisely by line (JSON syntax errors)."""
    return where == pointer or where.startswith(pointer + "/") or (
        pointer == "" and where.startswith("line "))


def test_invalid_folder_is_there() -> None:
    assert len(INVALID) >= 18


@pytest.mark.parametrize("rel", INVALID)
def test_load_refuses_with_pointer(rel: str) -> None:
    path = CORPUS / rel
    with pytest.raises(twinstage.GltfError) as info:
        twinstage.load(path)
    err = info.value
    assert isinstance(err, ValueError)
    assert str(err).startswith(path.name + ": ")
    assert err.what and "\n" not in str(err)
    pointers = expected_pointers(path)
    if pointers is not None:
        assert any(at_pointer(err.where, p) for p in pointers), (
            f"{err.where!r} not among validator pointers {pointers}")


@pytest.mark.parametrize("rel", INVALID)
def test_validate_reports_without_raising(rel: str) -> None:
    report = twinstage.validate(CORPUS / rel)
    assert not report.ok
    assert report.asset is None
    pointers = expected_pointers(CORPUS / rel)
    if pointers:
        found = {e.where for e in report.errors}
        assert any(at_pointer(f, p) for f in found for p in pointers)


def test_validate_collects_independent_problems() -> None:
    """Both meshes of the unequal-targets file are reported, not only the first."""
    report = twinstage.validate(
        CORPUS / "invalid/mesh__morph_unequal_targets_count/morph_unequal_targets_count.gltf")
    assert {e.where.split("/primitives")[0] for e in report.errors} == {"/meshes/0", "/meshes/1"}


def test_draco_vrm_names_the_extension() -> None:
    with pytest.raises(twinstage.GltfError, match="KHR_draco_mesh_compression"):
        twinstage.load(CORPUS / "invalid/vrm_broken__draco/draco.vrm")
