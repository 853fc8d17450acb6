"""``python -m acceptance.migrate`` brings the database at DATABASE_URL to head."""

import os
from pathlib import Path

from itpm_common.migrations import upgrade


def main() -> None:
    upgrade(Path(__file__).parent / "migrations",
            os.environ.get("DATABASE_URL", "sqlite:///data/acceptance.sqlite3"))


if __name__ == "__main__":
    main()
