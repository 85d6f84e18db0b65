"""Frozen entry point: the same command line as the ``myeloma-desk`` console script."""

from myeloma_desk.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
