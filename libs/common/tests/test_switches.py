import pytest

from itpm_common.switches import parse_switch


@pytest.mark.parametrize("value, expected", [
    (True, True), (False, False), ("true", True), (" ON ", True), ("yes", True), ("1", True),
    ("false", False), ("Off", False), ("no", False), ("0", False), (None, "default"), ("", "default")])
def test_words_and_defaults(value, expected):
    assert parse_switch(value, default="default") == expected


def test_anything_else_stops_the_service_with_the_key_named():
    with pytest.raises(ValueError, match="ADHOC_COUNTS_AS_PLAN_LISTED"):
        parse_switch("perhaps", False, "ADHOC_COUNTS_AS_PLAN_LISTED")
