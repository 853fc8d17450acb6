"""The ~1 KB JSON document every case carries.

It is shaped like a real filing (a project with amounts in fen, a unit, a
few budget lines) rather than random bytes, so that JSON encoding and
decoding cost what they cost in the suite. Every transport sends it as
``json.dumps(PAYLOAD)`` (ASCII-escaped, as kombu's JSON serializer does for
nameko), so the request bytes are the same for nameko, pika and grpcio.
"""

from __future__ import annotations

import json

PAYLOAD: dict = {
    "project_id": "LYG-2025-XX-000123",
    "name": "连云港市政务数据共享交换平台升级改造项目",
    "unit_id": "U-320700-0042",
    "unit_name": "连云港市大数据管理局",
    "category": "infrastructure",
    "budget_fen": 1234567800,
    "self_funded_fen": 0,
    "planned_start": "2025-03-01",
    "planned_end": "2025-12-31",
    "contact": {"name": "张三", "phone": "0518-85000000", "email": "itpm@example.invalid"},
    "lines": [
        {"code": f"L{i:02d}", "item": f"server-rack-{i}", "quantity": i + 1,
         "unit_price_fen": 1000000 + i, "note": "cloud migration capacity"}
        for i in range(4)
    ],
    "tags": ["data-sharing", "cloud", "security-level-3"],
    "version": 3,
}

PAYLOAD_JSON: str = json.dumps(PAYLOAD)
PAYLOAD_BYTES: int = len(PAYLOAD_JSON.encode())
