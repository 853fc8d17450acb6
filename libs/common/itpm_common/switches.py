"""Yes/no settings as YAML or the environment give them (rules.md §10 switches)."""

from __future__ import annotations

TRUE_WORDS = ("true", "yes", "on", "1")
FALSE_WORDS = ("false", "no", "off", "0")


def parse_switch(value, default: bool, key: str = "setting") -> bool:
    """``True``/``False`` from a bool or a word; unset or empty gives ``default``; anything else is an error,
    so a misspelt switch stops the service instead of silently meaning 'off'."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"{key} must be true or false, got {value!r}")
