"""Events this service consumes (its queue's bindings): all of them, for the
event log that timelines and the external feed are drawn from."""

from itpm_common.events import TYPE_PREFIX

SUBSCRIBES = (f"{TYPE_PREFIX}.#",)
