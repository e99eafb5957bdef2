"""``python -m parlour`` and the ``parlour`` command run the command line."""

import sys


def entry() -> None:
    """The console script's entry point.

    The command line is imported here, not at the top: probing workers are spawned
    processes that re-import the script's module, and this keeps them from loading
    the whole command line (SQLAlchemy, pydantic) for nothing.
    """
    from parlour.cli import main  # noqa: PLC0415

    sys.exit(main())


if __name__ == "__main__":
    entry()
