"""rules.md §7.2's base read rule for unit-owned records."""

import pytest
from sqlalchemy import Boolean, Column, MetaData, String, Table, create_engine, insert, select

from itpm_common.identity import Identity
from itpm_common.visibility import may_see, visible


@pytest.mark.parametrize("role, unit, sees", [
    ("UNIT", "unit-a", True), ("UNIT", "unit-b", False),
    ("ZWB", "zwb", True), ("WX", "wx", True), ("FG", "fg", True), ("GX", "gx", True),
    ("CZ", "cz", True), ("SJ", "sj", True), ("LG", "lg", False), ("LGO", "lgo", False),
    ("JL", "unit-a", False), ("BM", "bm", False), ("TP", "tp", False), ("ZG", "zg", False),
])
def test_section_7_2_visibility(role, unit, sees):
    ident = Identity(user_id="u", name="n", role=role, unit_id=unit, unit_name="")
    assert may_see(ident, "unit-a") is sees


def test_unit_token_without_a_unit_sees_nothing():
    nobody = Identity(user_id="u", name="n", role="UNIT", unit_id="", unit_name="")
    assert may_see(nobody, "") is False


@pytest.mark.parametrize("role, unit, expected", [
    ("UNIT", "unit-a", ["p-a"]), ("UNIT", "", []), ("ZWB", "zwb", ["p-a", "p-b", "p-x"]), ("JL", "unit-a", []),
])
def test_sql_condition_matches_may_see(role, unit, expected):
    t = Table("records", MetaData(), Column("id", String, primary_key=True), Column("unit_id", String))
    engine = create_engine("sqlite://")
    t.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(t), [{"id": "p-a", "unit_id": "unit-a"}, {"id": "p-b", "unit_id": "unit-b"},
                                 {"id": "p-x", "unit_id": ""}])
        ident = Identity(user_id="u", name="n", role=role, unit_id=unit, unit_name="")
        rows = conn.execute(select(t.c.id).where(visible(ident, t.c.unit_id)).order_by(t.c.id)).scalars().all()
    assert rows == expected
    assert rows == [r for r in ("p-a", "p-b", "p-x") if may_see(ident, {"p-a": "unit-a", "p-b": "unit-b",
                                                                          "p-x": ""}[r])]


@pytest.mark.parametrize("role, sees_open, sees_classified", [
    ("SJ", True, False), ("BM", False, True), ("ZWB", True, True), ("UNIT", True, True), ("LG", False, False),
])
def test_classified_projects_follow_section_7_2(role, sees_open, sees_classified):
    ident = Identity(user_id="u", name="n", role=role, unit_id="unit-a", unit_name="")
    assert may_see(ident, "unit-a", classified=False) is sees_open
    assert may_see(ident, "unit-a", classified=True) is sees_classified
    t = Table("projects", MetaData(), Column("id", String, primary_key=True), Column("unit_id", String),
              Column("classified", Boolean))
    engine = create_engine("sqlite://")
    t.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(t), [{"id": "open", "unit_id": "unit-a", "classified": False},
                                 {"id": "secret", "unit_id": "unit-a", "classified": True}])
        rows = conn.execute(select(t.c.id).where(visible(ident, t.c.unit_id, t.c.classified))
                            .order_by(t.c.id)).scalars().all()
    assert rows == [name for name, sees in (("open", sees_open), ("secret", sees_classified)) if sees]
