"""``python -m data``: the store's operator CLI; its body is ``app.cli.data``."""

from app.cli import run
from app.cli.data import main

if __name__ == "__main__":
    raise SystemExit(run(main))
