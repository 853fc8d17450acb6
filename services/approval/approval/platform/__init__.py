"""The provincial online approval platform (江苏省投资项目在线审批监管平台) behind an adapter (Art 15).

``ProjectCodePlatform`` is what approval needs from the province: whether a code it is given is one the
platform issued, and a new code when the department asks approval to request one. ``LocalPlatform`` keeps
the codes in approval's own database, so a machine without a connection to the province still works.
The ``PROJECT_CODE_PLATFORM`` setting chooses the adapter."""

from .base import PlatformAnswer, ProjectCodePlatform
from .local import LocalPlatform

ADAPTERS = {"LOCAL": LocalPlatform}


def platform_for(name: str) -> ProjectCodePlatform:
    try:
        return ADAPTERS[name]()
    except KeyError:
        raise ValueError(f"PROJECT_CODE_PLATFORM must be one of {sorted(ADAPTERS)}, got {name!r}") from None


__all__ = ["ADAPTERS", "LocalPlatform", "PlatformAnswer", "ProjectCodePlatform", "platform_for"]
