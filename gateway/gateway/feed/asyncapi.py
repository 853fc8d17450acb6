"""The AsyncAPI 2.6 document of the feed's AMQP channel, served at ``/api/asyncapi.json``."""

from __future__ import annotations

from .amqp import EXTERNAL_EXCHANGE
from .redaction import EXTERNAL


def document(amqp_host: str = "rabbitmq.itpm.lyg.gov.cn:5672") -> dict:
    messages = {}
    for _, (service, name, _view) in sorted(EXTERNAL.items()):
        messages[f"{service}.{name}"] = {
            "name": name, "title": f"{service} · {name}", "contentType": "application/cloudevents+json",
            "payload": {"$ref": "#/components/schemas/ExternalEvent"},
        }
    return {
        "asyncapi": "2.6.0",
        "info": {"title": "市级信息化项目管理系统 外部事件订阅（AMQP）", "version": "1.0.0",
                 "description": "对外发布的项目事件（rules.md §8.3）：涉密项目的事件一律不发布；"
                                "不含安全细节、文档内容、个人信息，金额仅有批复概算总额。"
                                "每条事件带 feedposition（无间断递增），"
                                "订阅方按事件 id 或 feedposition 去重。"},
        "servers": {"egov": {"url": amqp_host, "protocol": "amqp", "protocolVersion": "0-9-1",
                             "description": "电子政务外网内的 RabbitMQ"}},
        "channels": {
            "{type}.{unitid}": {
                "description": f"主题交换机 {EXTERNAL_EXCHANGE} 的路由键：事件类型加建设单位代码（无单位为 none）。"
                               "按类型订阅绑定 `<type>.#`，按单位订阅绑定 `#.<unitid>`。",
                "parameters": {"type": {"schema": {"type": "string"}, "description": "CloudEvents type"},
                               "unitid": {"schema": {"type": "string"}, "description": "建设单位代码"}},
                "bindings": {"amqp": {"is": "routingKey", "exchange": {
                    "name": EXTERNAL_EXCHANGE, "type": "topic", "durable": True, "autoDelete": False}}},
                "subscribe": {"operationId": "receiveProjectEvent",
                              "message": {"oneOf": [{"$ref": f"#/components/messages/{k}"} for k in messages]}},
            }
        },
        "components": {
            "messages": messages,
            "schemas": {"ExternalEvent": {
                "type": "object", "required": ["specversion", "id", "source", "type", "time", "data", "feedposition"],
                "properties": {
                    "specversion": {"const": "1.0"}, "id": {"type": "string", "description": "与原事件相同"},
                    "source": {"type": "string"}, "type": {"type": "string"}, "subject": {"type": ["string", "null"]},
                    "time": {"type": "string", "format": "date-time"}, "unitid": {"type": ["string", "null"]},
                    "article": {"type": ["string", "null"], "description": "所依据的条款"},
                    "feedposition": {"type": "integer", "minimum": 1, "description": "在外部事件流中的位置"},
                    "data": {"type": "object"}}}},
        },
    }
