"""``python -m gateway.seed``: the demonstration users, one per role.

Idempotent: a user that exists keeps its password (someone may have changed
it) and gets its name, role and unit brought back to the list below;
``--reset-passwords`` sets every listed user's password to the demo one.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from itpm_common.db import make_engine

from .auth import hash_password
from .migrate import DEFAULT_DATABASE_URL
from .models import User

DEMO_PASSWORD = "Demo@2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    role: str
    unit_id: str
    unit_name: str


DEMO_USERS = (
    DemoUser("zwb", "王政务", "ZWB", "zwb", "市政务服务管理办公室"),
    DemoUser("wx", "李网安", "WX", "wx", "市委网信办"),
    DemoUser("fg", "张建国", "FG", "fg", "市发展和改革委员会"),
    DemoUser("gx", "刘志强", "GX", "gx", "市工业和信息化局"),
    DemoUser("cz", "陈晓燕", "CZ", "cz", "市财政局"),
    DemoUser("sj", "赵明审", "SJ", "sj", "市审计局"),
    DemoUser("lg", "周国华", "LG", "lg", "领导小组"),
    DemoUser("lgo", "孙立平", "LGO", "lgo", "领导小组办公室"),
    DemoUser("police", "郑海涛", "UNIT", "police", "市公安局"),
    DemoUser("edu", "何文静", "UNIT", "edu", "市教育局"),
    DemoUser("health", "林卫东", "UNIT", "health", "市卫健委"),
    DemoUser("bm", "吴保密", "BM", "bm", "市国家保密局"),
    DemoUser("jl", "钱监理", "JL", "jl-lyg", "连云港信息工程监理有限公司"),
    DemoUser("arch", "冯档案", "ARCH", "arch", "市档案馆"),
    DemoUser("tp", "韩咨询", "TP", "tp-lyg", "江苏某信息化咨询有限公司"),
)


def seed(session: Session, reset_passwords: bool = False, now: datetime | None = None) -> dict[str, int]:
    now = (now or datetime.now(UTC)).astimezone(UTC)
    counts = {"created": 0, "updated": 0}
    for demo in DEMO_USERS:
        user = session.get(User, demo.username)
        if user is None:
            session.add(User(username=demo.username, name=demo.name, role=demo.role, unit_id=demo.unit_id,
                             unit_name=demo.unit_name, password_hash=hash_password(DEMO_PASSWORD),
                             active=True, created_at=now, updated_at=now))
            counts["created"] += 1
            continue
        changed = (user.name, user.role, user.unit_id, user.unit_name, user.active) != (
            demo.name, demo.role, demo.unit_id, demo.unit_name, True)
        user.name, user.role, user.unit_id, user.unit_name, user.active = (
            demo.name, demo.role, demo.unit_id, demo.unit_name, True)
        if reset_passwords:
            user.password_hash = hash_password(DEMO_PASSWORD)
            changed = True
        if changed:
            user.updated_at = now
            counts["updated"] += 1
    session.commit()
    return counts


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m gateway.seed", description="写入演示用户（幂等）")
    parser.add_argument("--reset-passwords", action="store_true", help=f"把演示用户的密码重置为 {DEMO_PASSWORD}")
    args = parser.parse_args(argv)
    engine = make_engine(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    try:
        with Session(engine) as session:
            counts = seed(session, reset_passwords=args.reset_passwords)
    finally:
        engine.dispose()
    print(f"演示用户：新建 {counts['created']} 个，更新 {counts['updated']} 个（共 {len(DEMO_USERS)} 个）")


if __name__ == "__main__":
    main()
