"""Entry named by issue 4: ``python -m bench.import_households [rows]``; see bench/household_import.py."""

from bench.household_import import main, run  # noqa: F401

if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv))
