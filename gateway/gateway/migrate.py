"""``python -m gateway.migrate`` brings the database at DATABASE_URL to head."""

import os
from pathlib import Path

from itpm_common.migrations import upgrade

DEFAULT_DATABASE_URL = "sqlite:///data/gateway.sqlite3"


def main() -> None:
    upgrade(Path(__file__).parent / "migrations", os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))


if __name__ == "__main__":
    main()
