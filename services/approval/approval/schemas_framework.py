"""What the lead sends to draft or edit a framework (§6.5), what a participant
sends to confirm, and the list filters. Sections may be empty in a draft: their
absence is R-12-2's incompleteness, judged at determination, not a VALIDATION."""

from __future__ import annotations

from marshmallow import fields, validate

from itpm_common.schemas import StrictSchema

ID = validate.Length(min=1, max=64)
NAME = validate.Length(min=1, max=200)
TEXT = validate.Length(max=20_000)


class ParticipantSchema(StrictSchema):
    unit_id = fields.String(required=True, validate=ID)
    unit_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    sub_project_id = fields.String(required=True, validate=ID)


class DataFlowSchema(StrictSchema):
    # None: the overall engineering (总体工程) rather than another department.
    counterpart_unit_id = fields.String(load_default=None, allow_none=True, validate=ID)
    direction = fields.String(required=True, validate=validate.OneOf(("IN", "OUT")))
    content = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class InterfaceSchema(StrictSchema):
    name = fields.String(required=True, validate=NAME)
    counterpart_unit_id = fields.String(load_default=None, allow_none=True, validate=ID)
    direction = fields.String(required=True, validate=validate.OneOf(("PROVIDES", "CONSUMES")))
    description = fields.String(load_default="", validate=validate.Length(max=2000))


class DepartmentSectionSchema(StrictSchema):
    """One department's relation to the overall engineering: 业务流, 数据流, 系统接口."""

    unit_id = fields.String(required=True, validate=ID)
    business_flow = fields.String(load_default="", validate=TEXT)
    data_flows = fields.List(fields.Nested(DataFlowSchema), load_default=list, validate=validate.Length(max=200))
    interfaces = fields.List(fields.Nested(InterfaceSchema), load_default=list, validate=validate.Length(max=200))


class CatalogResourceSchema(StrictSchema):
    """An entry of the preliminary data catalog (初步形成数据目录) and the department providing it."""

    resource_code = fields.String(required=True, validate=ID)
    name = fields.String(required=True, validate=NAME)
    provider_unit_id = fields.String(required=True, validate=ID)
    data_items = fields.List(fields.String(validate=validate.Length(min=1, max=200)), load_default=list,
                             validate=validate.Length(max=500))
    summary = fields.String(load_default="", validate=validate.Length(max=2000))


class AllocationItemSchema(StrictSchema):
    """A content item of the allocation matrix: one taxonomy code, exactly one department."""

    item_id = fields.String(required=True, validate=ID)
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=NAME)
    unit_id = fields.String(required=True, validate=ID)
    description = fields.String(load_default="", validate=validate.Length(max=2000))


class EquivalenceSchema(StrictSchema):
    """Items the departments declare to be the same content under different names."""

    item_ids = fields.List(fields.String(validate=ID), required=True, validate=validate.Length(min=2, max=50))
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class FrameworkContentSchema(StrictSchema):
    title = fields.String(required=True, validate=NAME)
    overall_project_id = fields.String(required=True, validate=ID)
    goals = fields.String(load_default="", validate=TEXT)
    main_content = fields.String(load_default="", validate=TEXT)
    participants = fields.List(fields.Nested(ParticipantSchema), required=True, validate=validate.Length(max=50))
    departments = fields.List(fields.Nested(DepartmentSectionSchema), load_default=list,
                              validate=validate.Length(max=51))
    data_catalog = fields.List(fields.Nested(CatalogResourceSchema), load_default=list,
                               validate=validate.Length(max=1000))
    allocation = fields.List(fields.Nested(AllocationItemSchema), load_default=list,
                             validate=validate.Length(max=1000))
    equivalences = fields.List(fields.Nested(EquivalenceSchema), load_default=list,
                               validate=validate.Length(max=500))


class FrameworkEditSchema(FrameworkContentSchema):
    # R-0-2: the version the lead edited; a version saved meanwhile makes this edit stale.
    version_no = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class FrameworkConfirmSchema(StrictSchema):
    version_no = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    opinion = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class FrameworkDetermineSchema(StrictSchema):
    version_no = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class FrameworkFilterSchema(StrictSchema):
    # mine: frameworks the caller's department is in; awaiting_me: those waiting for its confirmation.
    scope = fields.String(load_default=None, validate=validate.OneOf(("mine", "awaiting_me")))
    status = fields.String(load_default=None, validate=validate.OneOf(("DRAFTING", "DETERMINED")))
    page = fields.Integer(load_default=1, strict=True, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=20, strict=True, validate=validate.Range(min=1, max=200))
