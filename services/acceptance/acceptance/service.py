"""acceptance's nameko entrypoints: thin; the projection's reads come from
itpm_common.projection until this service's own rules arrive."""

from __future__ import annotations

from itpm_common.consumer import consume_events
from itpm_common.events import CloudEvent
from itpm_common.projection import ProjectionQueries
from itpm_common.service import ServiceBase
from itpm_common.uow import Transactions

from .models import infra, project_projection
from .topology import SUBSCRIBES


class AcceptanceService(ServiceBase, ProjectionQueries):
    name = "acceptance"
    tx = Transactions(infra)
    projection = project_projection

    @consume_events(SUBSCRIBES)
    def on_event(self, event: CloudEvent):
        self.apply_projection(event)
