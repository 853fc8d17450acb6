"""marshmallow schemas of funds' RPC inputs."""

from marshmallow import fields, validate

from itpm_common.schemas import StrictSchema


class ProjectionFilterSchema(StrictSchema):
    state = fields.String(load_default=None, validate=validate.Length(min=1, max=40))
    plan_year = fields.Integer(load_default=None, strict=True, validate=validate.Range(2020, 2100))
    page = fields.Integer(load_default=1, strict=True, validate=validate.Range(min=1))
    page_size = fields.Integer(load_default=20, strict=True, validate=validate.Range(min=1, max=200))
