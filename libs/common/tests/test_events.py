"""The CloudEvents 1.0 envelope, versioned types and the kombu serializer."""

from __future__ import annotations

import json
from datetime import datetime

import kombu.serialization
import pytest

from itpm_common.events import (
    CONTENT_TYPE,
    SERIALIZER,
    CloudEvent,
    event_name,
    event_type,
    parse_type,
)

# Catalog names of rules.md §8.1 whose CamelCase contains an acronym
# (FSR = 可行性研究报告, OM = 运维, LG = 领导小组, FG = 发改).
ACRONYM_NAMES = [
    ("FSRApproved", "fsr_approved"),
    ("FSRSubmitted", "fsr_submitted"),
    ("OMFundingRequested", "om_funding_requested"),
    ("OMFundingGranted", "om_funding_granted"),
    ("OMFundingRefused", "om_funding_refused"),
    ("AnnualPlanSubmittedToLG", "annual_plan_submitted_to_lg"),
    ("AnnualPlanCopiedToFG", "annual_plan_copied_to_fg"),
]
PLAIN_NAMES = [
    ("PlanApplicationSubmitted", "plan_application_submitted"),
    ("PreliminaryDesignApproved", "preliminary_design_approved"),
    ("Art11FlagsChanged", "art11_flags_changed"),
    ("ReApprovalGranted", "re_approval_granted"),
    ("SelfEvaluationWindowOpened", "self_evaluation_window_opened"),
    ("ProjectSuspended", "project_suspended"),
]


def make_event(**overrides) -> CloudEvent:
    fields = dict(
        type=event_type("planning", "PlanApplicationSubmitted"),
        source="/itpm/planning",
        subject="p-001",
        data={"name": "一网通办平台", "estimate_fen": 123456789, "classified": False,
              "items": [{"k": None}]},
        id="0b8f8f3e-1111-4c4c-9999-000000000001",
        time="2024-10-10T15:02:11+08:00",
        unitid="unit-001",
        article="第七条",
        actorid="u-unit-1",
        actorrole="UNIT",
        visibility="internal",
    )
    fields.update(overrides)
    return CloudEvent(**fields)


# ------------------------------------------------------------ type names


@pytest.mark.parametrize(("name", "snake"), PLAIN_NAMES + ACRONYM_NAMES)
def test_event_type_snake_cases_the_name(name, snake):
    assert event_type("approval", name) == f"cn.gov.lyg.itpm.approval.{snake}.v1"


def test_event_type_version():
    assert event_type("funds", "PaymentExecuted", 2) == "cn.gov.lyg.itpm.funds.payment_executed.v2"


def test_parse_type_splits_service_name_version():
    assert parse_type("cn.gov.lyg.itpm.funds.om_funding_granted.v12") == ("funds", "om_funding_granted", 12)


@pytest.mark.parametrize("bad", [
    "com.example.funds.payment_executed.v1",
    "cn.gov.lyg.itpm.funds.PaymentExecuted.v1",
    "cn.gov.lyg.itpm.funds.payment_executed",
    "cn.gov.lyg.itpm.funds.payment_executed.v",
    "cn.gov.lyg.itpm.funds.payment_executed.v1.extra",
    "cn.gov.lyg.itpm.Funds.payment_executed.v1",
    "",
])
def test_parse_type_refuses_foreign_types(bad):
    with pytest.raises(ValueError):
        parse_type(bad)


@pytest.mark.parametrize(("name", "snake"), PLAIN_NAMES)
def test_event_name_round_trips_plain_names(name, snake):
    assert event_name(event_type("planning", name)) == name


@pytest.mark.parametrize(("name", "snake"), ACRONYM_NAMES)
def test_event_name_round_trips_catalog_names_with_acronyms(name, snake):
    # Consumers dispatch on event.name against catalog names; "FsrApproved"
    # would never match "FSRApproved" and the event would be dropped silently.
    assert event_name(event_type("approval", name)) == name


def test_event_name_does_not_depend_on_what_this_process_built():
    # A process that only receives a type (the gateway, a DLQ listing, a v2
    # nobody here emits) never called event_type() for it; the catalog name
    # must still come back as written in rules.md §8.1.
    received = [f"cn.gov.lyg.itpm.approval.{snake}.v7" for _, snake in ACRONYM_NAMES]
    assert [event_name(t) for t in received] == [name for name, _ in ACRONYM_NAMES]


def test_cloud_event_name_is_the_catalog_name_used_for_dispatch():
    ev = make_event(type=event_type("approval", "FSRApproved"), source="/itpm/approval")
    assert ev.service == "approval"
    assert ev.name == "FSRApproved"


def test_service_and_name_properties():
    ev = make_event()
    assert ev.service == "planning"
    assert ev.name == "PlanApplicationSubmitted"


# ------------------------------------------------------------ envelope


def test_to_dict_is_structured_mode_cloudevent():
    raw = make_event().to_dict()
    assert raw["specversion"] == "1.0"
    assert raw["datacontenttype"] == "application/json"
    assert raw["id"] == "0b8f8f3e-1111-4c4c-9999-000000000001"
    assert raw["source"] == "/itpm/planning"
    assert raw["type"] == "cn.gov.lyg.itpm.planning.plan_application_submitted.v1"
    assert raw["subject"] == "p-001"
    assert raw["time"] == "2024-10-10T15:02:11+08:00"
    assert (raw["unitid"], raw["article"], raw["actorid"], raw["actorrole"], raw["visibility"]) == (
        "unit-001", "第七条", "u-unit-1", "UNIT", "internal")


def test_absent_extensions_are_omitted_but_visibility_is_always_present():
    raw = make_event(unitid=None, article=None, actorid=None, actorrole=None).to_dict()
    for ext in ("unitid", "article", "actorid", "actorrole"):
        assert ext not in raw
    assert raw["visibility"] == "internal"


def test_json_round_trip_is_exact():
    ev = make_event(visibility="external")
    text = ev.to_json()
    assert "一网通办平台" in text  # readable Chinese, not \u escapes
    back = CloudEvent.from_json(text)
    assert back == ev
    assert CloudEvent.from_json(text.encode("utf-8")) == ev
    assert back.data["classified"] is False
    assert back.data["items"] == [{"k": None}]


def test_json_round_trip_without_extensions():
    ev = make_event(unitid=None, article=None, actorid=None, actorrole=None, subject=None)
    assert CloudEvent.from_json(ev.to_json()) == ev


def test_default_id_is_unique_and_time_is_shanghai():
    a = CloudEvent(type=event_type("planning", "PlanApplicationSubmitted"), source="/x", subject=None,
                   data={})
    b = CloudEvent(type=a.type, source="/x", subject=None, data={})
    assert a.id != b.id
    assert datetime.fromisoformat(a.time).utcoffset().total_seconds() == 8 * 3600


@pytest.mark.parametrize("missing", ["id", "source", "type"])
def test_required_attributes(missing):
    raw = make_event().to_dict()
    del raw[missing]
    with pytest.raises(ValueError, match=missing):
        CloudEvent.from_dict(raw)
    raw[missing] = ""
    with pytest.raises(ValueError, match=missing):
        CloudEvent.from_dict(raw)


@pytest.mark.parametrize("version", [None, "0.3", "1", 1.0])
def test_specversion_must_be_1_0(version):
    raw = make_event().to_dict()
    if version is None:
        del raw["specversion"]
    else:
        raw["specversion"] = version
    with pytest.raises(ValueError, match="specversion"):
        CloudEvent.from_dict(raw)


def test_foreign_type_is_refused():
    raw = make_event().to_dict()
    raw["type"] = "com.example.order.created"
    with pytest.raises(ValueError):
        CloudEvent.from_dict(raw)


def test_from_dict_defaults():
    raw = make_event().to_dict()
    for key in ("visibility", "data", "subject"):
        del raw[key]
    ev = CloudEvent.from_dict(raw)
    assert ev.visibility == "internal"
    assert ev.data == {}
    assert ev.subject is None


@pytest.mark.parametrize("visibility", ["public", "INTERNAL", "", None])
def test_visibility_must_be_internal_or_external(visibility):
    with pytest.raises(ValueError, match="visibility"):
        make_event(visibility=visibility)
    raw = make_event().to_dict()
    raw["visibility"] = visibility
    with pytest.raises(ValueError, match="visibility"):
        CloudEvent.from_dict(raw)


# ------------------------------------------------------------ kombu serializer


def test_serializer_is_registered_for_the_cloudevents_content_type():
    assert kombu.serialization.registry.name_to_type[SERIALIZER] == CONTENT_TYPE
    assert CONTENT_TYPE == "application/cloudevents+json"


def test_kombu_round_trip_of_a_cloud_event():
    ev = make_event()
    content_type, encoding, body = kombu.serialization.dumps(ev, serializer=SERIALIZER)
    assert content_type == "application/cloudevents+json"
    assert encoding == "utf-8"
    assert json.loads(body) == ev.to_dict()
    # A consumer receives bytes with the content type set by the publisher.
    decoded = kombu.serialization.loads(body.encode("utf-8"), content_type, encoding)
    assert decoded == ev.to_dict()
    assert CloudEvent.from_dict(decoded) == ev


def test_kombu_decodes_a_message_published_by_the_outbox_relay():
    # The relay publishes the stored JSON body as UTF-8 bytes with this content type.
    ev = make_event()
    body = ev.to_json().encode("utf-8")
    decoded = kombu.serialization.loads(body, CONTENT_TYPE, "utf-8", accept=[CONTENT_TYPE])
    assert CloudEvent.from_dict(decoded) == ev


def test_kombu_serializer_encodes_plain_dicts_too():
    _, _, body = kombu.serialization.dumps({"键": [1, True, None]}, serializer=SERIALIZER)
    assert json.loads(body) == {"键": [1, True, None]}
