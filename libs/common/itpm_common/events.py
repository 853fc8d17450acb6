"""CloudEvents 1.0 envelope with versioned types (design.md "Contracts").

Every event leaves a service as a structured-mode CloudEvent:
``{"specversion": "1.0", "id", "source", "type", "subject", "time",
"datacontenttype", "data", ...extensions}``. The type carries the owning
service, the event name and a version, e.g.
``cn.gov.lyg.itpm.planning.plan_application_submitted.v1``; a breaking
change is a new version, an added field is not.

Extension attributes (lowercase alphanumerics, as CloudEvents requires)
carry what rules.md §0.3 asks of an event: the unit, the article, the actor
and whether the event may ever leave the e-government network.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import kombu.serialization

from .clock import SHANGHAI

SPEC_VERSION = "1.0"
TYPE_PREFIX = "cn.gov.lyg.itpm"
EXCHANGE = "itpm.events"
CONTENT_TYPE = "application/cloudevents+json"
SERIALIZER = "cloudevents"

_TYPE_RE = re.compile(r"^cn\.gov\.lyg\.itpm\.([a-z]+)\.([a-z0-9_]+)\.v(\d+)$")
_CAMEL_RE = re.compile(r"(?<!^)(?=[A-Z][a-z])|(?<=[a-z0-9])(?=[A-Z])")

VISIBILITY_INTERNAL = "internal"
VISIBILITY_EXTERNAL = "external"


# Catalog names as written (rules.md §8.1), keyed by type: "FSRApproved" cannot
# be recovered from "fsr_approved" by capitalising.
_CATALOG_NAMES: dict[str, str] = {}
# Types this process never built (a DLQ listing, the gateway): the catalog's acronyms.
_ACRONYMS = {"fsr": "FSR", "om": "OM", "lg": "LG", "fg": "FG"}


def event_type(service: str, name: str, version: int = 1) -> str:
    """``event_type("planning", "PlanApplicationSubmitted")`` →
    ``cn.gov.lyg.itpm.planning.plan_application_submitted.v1``."""
    snake = _CAMEL_RE.sub("_", name).lower()
    type_ = f"{TYPE_PREFIX}.{service}.{snake}.v{version}"
    _CATALOG_NAMES[type_] = name
    return type_


def parse_type(type_: str) -> tuple[str, str, int]:
    """Split a type into (service, snake_name, version); ValueError if foreign."""
    m = _TYPE_RE.match(type_)
    if not m:
        raise ValueError(f"not an itpm event type: {type_!r}")
    return m.group(1), m.group(2), int(m.group(3))


def event_name(type_: str) -> str:
    """The catalog name (rules.md §8.1) of a type: PlanApplicationSubmitted."""
    if type_ in _CATALOG_NAMES:
        return _CATALOG_NAMES[type_]
    _, snake, _ = parse_type(type_)
    return "".join(_ACRONYMS.get(part, part.capitalize()) for part in snake.split("_"))


@dataclass(frozen=True)
class CloudEvent:
    type: str
    source: str
    subject: str | None
    data: dict[str, Any]
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: str = field(default_factory=lambda: datetime.now(SHANGHAI).isoformat())
    unitid: str | None = None
    article: str | None = None
    actorid: str | None = None
    actorrole: str | None = None
    visibility: str = VISIBILITY_INTERNAL

    def __post_init__(self):
        parse_type(self.type)
        if self.visibility not in (VISIBILITY_INTERNAL, VISIBILITY_EXTERNAL):
            raise ValueError(f"visibility must be internal or external: {self.visibility}")

    @property
    def service(self) -> str:
        return parse_type(self.type)[0]

    @property
    def name(self) -> str:
        return event_name(self.type)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "specversion": SPEC_VERSION,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "subject": self.subject,
            "time": self.time,
            "datacontenttype": "application/json",
            "data": self.data,
            "visibility": self.visibility,
        }
        for ext in ("unitid", "article", "actorid", "actorrole"):
            value = getattr(self, ext)
            if value is not None:
                out[ext] = value
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> CloudEvent:
        if raw.get("specversion") != SPEC_VERSION:
            raise ValueError(f"unsupported CloudEvents specversion: {raw.get('specversion')!r}")
        for required in ("id", "source", "type"):
            if not raw.get(required):
                raise ValueError(f"CloudEvent attribute missing: {required}")
        return cls(
            id=raw["id"],
            source=raw["source"],
            type=raw["type"],
            subject=raw.get("subject"),
            time=raw.get("time") or datetime.now(SHANGHAI).isoformat(),
            data=raw.get("data") or {},
            unitid=raw.get("unitid"),
            article=raw.get("article"),
            actorid=raw.get("actorid"),
            actorrole=raw.get("actorrole"),
            visibility=raw.get("visibility", VISIBILITY_INTERNAL),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> CloudEvent:
        return cls.from_dict(json.loads(text))


def _encode(value) -> str:
    if isinstance(value, CloudEvent):
        return value.to_json()
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _decode(text):
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return json.loads(text)


def register_serializer() -> None:
    """Let kombu (and so nameko consumers) decode structured-mode CloudEvents."""
    kombu.serialization.register(
        SERIALIZER, _encode, _decode, content_type=CONTENT_TYPE, content_encoding="utf-8"
    )


register_serializer()
