"""``python -m charts deck ...``: the DT Day deck's CLI; its body is ``app.cli.charts``."""

from app.cli import run
from app.cli.charts import main

__all__ = ["main"]

if __name__ == "__main__":
    raise SystemExit(run(main))
