"""``python -m metrics``: rankings and profiles; its body is ``app.cli.metrics``."""

from app.cli import run
from app.cli.metrics import main

if __name__ == "__main__":
    raise SystemExit(run(main))
