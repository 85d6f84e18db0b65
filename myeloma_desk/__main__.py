"""python -m myeloma_desk runs the command line (no arguments opens the window)."""

from myeloma_desk.cli import main

raise SystemExit(main())
