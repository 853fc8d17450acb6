"""funds' own tables."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from itpm_common.projection import projection_table
from itpm_common.tables import add_infrastructure_tables


class Base(DeclarativeBase):
    pass


infra = add_infrastructure_tables(Base.metadata)
project_projection = projection_table(Base.metadata)
