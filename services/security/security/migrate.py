"""``python -m security.migrate`` brings the database at DATABASE_URL to head."""

import os
from pathlib import Path

from itpm_common.migrations import upgrade

MIGRATIONS = Path(__file__).parent / "migrations"


def main() -> None:
    upgrade(MIGRATIONS, os.environ.get("DATABASE_URL", "sqlite:///data/security.sqlite3"))


if __name__ == "__main__":
    main()
