"""``python -m twinstage`` runs the command line."""

from twinstage.cli.main import main

raise SystemExit(main())
