"""``twinstage`` command line: argument parsing, dispatch and the exit-status contract.

Exit status: 0 success; 1 invalid input (one line per problem on stderr naming the
file, the JSON pointer and what is wrong, no traceback); 2 wrong usage. Commands
import the heavy layers lazily so ``twinstage --help`` starts fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from twinstage.errors import AssetError

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2

_EPILOG = """\
exit status: 0 success, 1 invalid input (problems on stderr), 2 wrong usage.
Values that start with a minus are written --time=-1.
Documentation: docs/cli.md"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    from twinstage import __version__

    p = _Parser(prog="twinstage", description="Avatar-concert viewer and show player: "
                "glTF 2.0 / GLB / VRM / VRMA models, member and avatar twins.",
                epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"twinstage {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    s = sub.add_parser("inspect", help="summary of a .gltf/.glb/.vrm/.vrma")
    s.add_argument("model", metavar="MODEL")
    s.add_argument("--json", action="store_true", help="machine-readable output")

    s = sub.add_parser("validate", help="check a model: exit 0 valid, 1 with problems listed")
    s.add_argument("path", metavar="PATH")
    s.add_argument("--json", action="store_true", help="machine-readable output")

    s = sub.add_parser("pose", help="world matrices of every node at time T")
    s.add_argument("model", metavar="MODEL")
    s.add_argument("--time", type=float, required=True, metavar="T", help="seconds")
    s.add_argument("--animation", metavar="I|NAME",
                   help="animation index or name (default: the first, if any)")
    s.add_argument("--json", action="store_true",
                   help="JSON output (16 column-major floats per node); a table without it")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    from twinstage.cli import commands

    try:
        return int(getattr(commands, f"cmd_{args.command}")(args))
    except AssetError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
