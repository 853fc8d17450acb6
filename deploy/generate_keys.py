"""Generate the gateway's identity key pair once: ``python deploy/generate_keys.py PRIVATE_PEM PUBLIC_PEM``.

Existing keys are kept, so re-running a deployment does not log every user out or invalidate tokens in
flight. The private key (0600) is for the gateway alone; services get only the public key.
"""

from __future__ import annotations

import sys
from pathlib import Path

from itpm_common.identity import generate_keypair


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    private, public = Path(argv[0]), Path(argv[1])
    if private.exists() and public.exists():
        print(f"identity keys already present: {private}, {public}")
        return 0
    public.parent.mkdir(parents=True, exist_ok=True)
    generate_keypair(private, public)
    print(f"generated identity keys: {private}, {public}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
