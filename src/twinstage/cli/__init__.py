"""Command line and tester API (headless; never needs a display).

:mod:`main` parses arguments and owns the exit-status contract; :mod:`commands`
holds one function per subcommand; :mod:`summary` builds ``inspect`` output.
"""
