"""The subcommands. Each takes the parsed arguments and returns an exit status;
bad input raises :class:`AssetError`, which :func:`twinstage.cli.main.main` prints."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path
from typing import Any

from twinstage.errors import AssetError, GltfError

MODEL_SUFFIXES = (".gltf", ".glb", ".vrm", ".vrma")


def _load(path: str) -> Any:
    """Load a model, turning OS-level path problems into :class:`GltfError`."""
    from twinstage.gltf import load

    p = Path(path)
    if p.suffix.lower() not in MODEL_SUFFIXES:
        raise GltfError(p, "", f"unsupported file type {p.suffix or '(none)'!r}; expected "
                               f"{', '.join(MODEL_SUFFIXES)}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        asset = load(p)
    for w in asset.warnings:
        print(f"warning: {p.name}: {w.pointer}: {w.message}", file=sys.stderr)
    return asset


def _dump(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, allow_nan=False)
    sys.stdout.write("\n")


def cmd_inspect(args: argparse.Namespace) -> int:
    """``twinstage inspect MODEL [--json]``."""
    from twinstage.cli.summary import format_summary, summarize

    summary = summarize(_load(args.model))
    if args.json:
        _dump(summary)
    else:
        sys.stdout.write(format_summary(summary, Path(args.model).name))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """``twinstage validate PATH [--json]``: exit 0 valid, 1 with problems listed."""
    from twinstage.gltf import validate

    p = Path(args.path)
    if p.suffix.lower() not in MODEL_SUFFIXES:
        raise GltfError(p, "", f"unsupported file type {p.suffix or '(none)'!r}; validate "
                               f"checks {', '.join(MODEL_SUFFIXES)} files")
    report = validate(p)
    if args.json:
        _dump({
            "path": str(p), "valid": report.ok,
            "errors": [{"pointer": e.where, "message": e.what} for e in report.errors],
            "warnings": [{"pointer": w.pointer, "message": w.message} for w in report.warnings],
        })
    else:
        for w in report.warnings:
            print(f"warning: {p.name}: {w.pointer}: {w.message}", file=sys.stderr)
        for e in report.errors:
            print(e, file=sys.stderr)
        if report.ok:
            print(f"{p.name}: valid")
    return 0 if report.ok else 1


def cmd_pose(args: argparse.Namespace) -> int:
    """``twinstage pose MODEL --time T [--animation I|NAME] --json``."""
    import math

    from twinstage.anim.pose import evaluate
    from twinstage.model.conventions import matrix_to_gltf

    if not math.isfinite(args.time):
        print(f"twinstage pose: error: --time must be a finite number, got {args.time}",
              file=sys.stderr)
        return 2
    asset = _load(args.model)
    index = None
    if args.animation is not None:
        try:
            index = asset.find_animation(args.animation)
        except KeyError as exc:
            raise AssetError(args.model, "/animations", str(exc.args[0])) from None
    elif asset.animations:
        index = 0
    pose = evaluate(asset, args.time, index)
    nodes = [{"index": i, "name": n.name, "world": matrix_to_gltf(pose.world[i])}
             for i, n in enumerate(asset.nodes)]
    if args.json:
        _dump({"time": args.time, "animation": index, "nodes": nodes})
    else:
        clip = "rest pose" if index is None else f"animation {index}"
        print(f"{Path(args.model).name} at t={args.time:g} s ({clip}): world translation")
        for n in nodes:
            w = n["world"]
            print(f"{n['index']:4d} {n['name'][:24]:24s} t=({w[12]:+.4f}, {w[13]:+.4f}, "
                  f"{w[14]:+.4f})")
    return 0
