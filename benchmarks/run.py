"""Run every ``benchmarks/bench_*.py`` and write the results (``make bench``).

    python benchmarks/run.py [--quick] [--out benchmarks/results/latest.json] [--only load]

Each benchmark module exposes ``run(quick: bool) -> list[dict]``; its rows go into one
JSON file (``{"machine", "when", "quick", "rows"}``), a Markdown table beside it
(same name, ``.md``) and, when matplotlib is importable, a bar plot (``.png``).
A module that fails is reported on stderr, the others still run, and the exit
status is 1. See ``benchmarks/README.md`` for how to read the results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results" / "latest.json"


def discover(only: list[str] | None = None) -> list[Path]:
    """The ``bench_*.py`` files beside this script, sorted; ``only`` keeps those named
    (``load`` or ``bench_load``)."""
    paths = sorted(HERE.glob("bench_*.py"))
    if only:
        names = {n.removeprefix("bench_").removesuffix(".py") for n in only}
        paths = [p for p in paths if p.stem.removeprefix("bench_") in names]
    return paths


def import_path(path: Path) -> ModuleType:
    """Import a benchmark module from its file."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def _version(name: str) -> str | None:
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:
        return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    affinity = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(affinity) if affinity is not None else None,
        "cpu": _cpu_model(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "numpy": _version("numpy"),
        "twinstage": _version("twinstage") or _module_version("twinstage"),
        "trimesh": _version("trimesh"),
        "pygltflib": _version("pygltflib"),
        "pillow": _version("pillow"),
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
    }


def _module_version(name: str) -> str | None:
    try:
        return str(__import__(name).__version__)
    except Exception:
        return None


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 100 else f"{value:.1f}"
    return str(value)


def markdown(result: dict[str, Any]) -> str:
    """One Markdown table per suite: a line per case, a time and a ratio per peer.

    Notes are numbered once each below the tables and referenced from the lines.
    """
    m = result["machine"]
    lines = [
        f"# Benchmarks ({'quick' if result['quick'] else 'full'} run, {result['when']})",
        "",
        f"{m['cpu']}, {m['cpu_count']} CPUs, Python {m['python']}, numpy {m['numpy']}, "
        f"{m['platform']}",
        "",
        "Times in ms; ratio = twinstage / peer (below 1: twinstage is faster).",
    ]
    notes: list[str] = []

    def ref(note: str) -> str:
        if note not in notes:
            notes.append(note)
        return str(notes.index(note) + 1)

    suites = list(dict.fromkeys(r.get("suite", "") for r in result["rows"]))
    for suite in suites:
        rows = [r for r in result["rows"] if r.get("suite", "") == suite]
        peers = list(dict.fromkeys(r.get("peer", "") for r in rows))
        head = ["case", "twinstage"]
        for peer in peers:
            head += [peer, "ratio"]
        head += ["n", "notes"]
        lines += [
            "",
            f"## {suite}",
            "",
            "| " + " | ".join(head) + " |",
            "|---|" + "---:|" * (len(head) - 3) + "---:|---|",
        ]
        for case in dict.fromkeys(r.get("case", "") for r in rows):
            of_case = [r for r in rows if r.get("case", "") == case]
            own = sorted({_fmt(r.get("twinstage_ms")) for r in of_case})
            cells = [str(case), " / ".join(own)]
            for peer in peers:
                hit = [r for r in of_case if r.get("peer", "") == peer]
                cells += (
                    [_fmt(hit[0].get("peer_ms")), _fmt(hit[0].get("ratio"))] if hit else ["", ""]
                )
            refs = dict.fromkeys(ref(r["note"]) for r in of_case if r.get("note"))
            cells += [" / ".join(sorted({_fmt(r.get("n")) for r in of_case})), ",".join(refs)]
            lines.append("| " + " | ".join(cells) + " |")
    if notes:
        lines += ["", "Notes:", ""]
        lines += [f"{i}. {n}" for i, n in enumerate(notes, 1)]
    if result.get("failures"):
        lines += ["", "Failed benchmarks:", ""]
        lines += [f"- {name}: {err}" for name, err in result["failures"].items()]
    return "\n".join(lines) + "\n"


def plot(result: dict[str, Any], out: Path) -> bool:
    """A horizontal bar chart of twinstage / peer ratios (log scale) per suite and case;
    ``False`` when matplotlib is not installed (it is optional)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    rows = [r for r in result["rows"] if r.get("ratio")]
    if not rows:
        return False
    peers = sorted({r["peer"] for r in rows})
    cases = list(dict.fromkeys(f"{r['suite']}: {r['case']}" for r in rows))
    height = 0.8 / len(peers)
    fig, ax = plt.subplots(figsize=(9, 1.5 + 0.3 * len(cases) * len(peers)))
    for k, peer in enumerate(peers):
        ratio = {f"{r['suite']}: {r['case']}": r["ratio"] for r in rows if r["peer"] == peer}
        ys = [i + k * height for i, c in enumerate(cases) if c in ratio]
        ax.barh(ys, [ratio[c] for c in cases if c in ratio], height, label=peer)
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yticks([i + 0.4 - height / 2 for i in range(len(cases))], cases, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("twinstage time / peer time (below 1: twinstage faster)")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON file to write")
    parser.add_argument(
        "--only", nargs="+", metavar="NAME", help="run only these benchmarks (e.g. load)"
    )
    args = parser.parse_args(argv)

    modules = discover(args.only)
    if not modules:
        parser.error("no benchmark modules matched")
    rows: list[dict[str, Any]] = []
    failures: dict[str, str] = {}
    started = time.perf_counter()
    for path in modules:
        t0 = time.perf_counter()
        print(f"{path.stem} ...", file=sys.stderr, flush=True)
        try:
            new = import_path(path).run(quick=args.quick)
        except Exception as exc:
            traceback.print_exc()
            failures[path.stem] = f"{type(exc).__name__}: {exc}"
            continue
        rows.extend(new)
        print(
            f"{path.stem}: {len(new)} rows in {time.perf_counter() - t0:.1f} s",
            file=sys.stderr,
            flush=True,
        )

    result: dict[str, Any] = {
        "machine": machine(),
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "seconds": round(time.perf_counter() - started, 2),
        "rows": rows,
    }
    if failures:
        result["failures"] = failures
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(markdown(result), encoding="utf-8")
    written = [out, out.with_suffix(".md")]
    if plot(result, out.with_suffix(".png")):
        written.append(out.with_suffix(".png"))
    print("wrote " + ", ".join(str(p) for p in written), file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
