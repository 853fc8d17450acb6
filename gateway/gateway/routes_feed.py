"""HTTP routes of the external feed's webhook channel (rules.md §8.3): 政务办 registers subscribers, rotates
their secrets, deactivates them, and sees and re-sends parked deliveries. The gateway decides these itself."""

from __future__ import annotations

from marshmallow import fields

from itpm_common.schemas import StrictSchema

from . import auth
from .feed import webhooks
from .http import ApiDoc, idempotency_key, read_json, read_query, route

TAG = "外部订阅"
TAGS = [{"name": TAG, "description": "外部系统订阅对外事件（rules.md §8.3）：签名 Webhook 的订阅方登记、"
                                     "密钥更换与投递补发，仅政务办"}]


class WebhookSubscriberSchema(StrictSchema):
    id = fields.String()
    name = fields.String()
    url = fields.String()
    event_types = fields.List(fields.String())
    unit_ids = fields.List(fields.String())
    plan_years = fields.List(fields.Integer())
    active = fields.Boolean()
    feed_position = fields.Integer(metadata={"description": "已检视到的对外事件流位置"})
    previous_secret_valid_until = fields.String(allow_none=True,
                                                metadata={"description": "更换前的旧密钥仍同时签名至此时刻"})
    lease_holder = fields.String(allow_none=True, metadata={
        "description": "正在向其投递的网关实例（主机:进程号:启动标记）；近期无投递时为空"})
    lease_expires_at = fields.String(allow_none=True,
                                     metadata={"description": "该实例的投递租约到期时刻；到期后可由其他实例接手"})
    created_at = fields.String()
    updated_at = fields.String()


class WebhookSubscriberWithSecretSchema(WebhookSubscriberSchema):
    secret = fields.String(metadata={"description": "签名密钥，只在登记和更换时显示一次"})


class WebhookSubscriberListSchema(StrictSchema):
    items = fields.List(fields.Nested(WebhookSubscriberSchema))


class WebhookDeliverySchema(StrictSchema):
    id = fields.Integer()
    subscriber_id = fields.String()
    feed_position = fields.Integer()
    event_id = fields.String()
    subject = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": [webhooks.PENDING, webhooks.DELIVERED, webhooks.PARKED]})
    attempts = fields.Integer()
    next_attempt_at = fields.String(allow_none=True)
    last_status = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    delivered_at = fields.String(allow_none=True)
    parked_at = fields.String(allow_none=True)


class WebhookDeliveryListSchema(StrictSchema):
    items = fields.List(fields.Nested(WebhookDeliverySchema))


ZWB_ONLY = "仅政务办（rules.md §7.1 gateway 行：登记订阅方并设定事件白名单），其他角色 403 AUTH-FORBIDDEN。"


class FeedRoutes:
    """Mixed into GatewayService: the session's user acts; nothing here goes to another service."""

    def _feed_user(self, request) -> auth.CurrentUser:
        return auth.authenticate(self.tx, request)

    @route("POST", "/api/webhooks/subscribers", ApiDoc(
        "登记 Webhook 订阅方", TAG, body=webhooks.WebhookRegistrationSchema, idempotent=True,
        responses={201: WebhookSubscriberWithSecretSchema}, errors=(403, 409),
        description=ZWB_ONLY + "事件类型须为对外事件类型；可按单位、计划年度过滤。密钥由系统生成，只在此处显示一次；"
                    "投递以 X-ITPM-Signature: sha256=HMAC(密钥, 时间戳 + \".\" + 请求体) 签名。"))
    def register_webhook_subscriber(self, request):
        user = self._feed_user(request)
        key = idempotency_key(request)
        payload = read_json(request, self.settings.max_body_bytes)
        return 201, webhooks.register(self.tx, user, payload, key)

    @route("GET", "/api/webhooks/subscribers", ApiDoc(
        "Webhook 订阅方列表", TAG, responses={200: WebhookSubscriberListSchema}, errors=(403,),
        description=ZWB_ONLY + "不显示密钥；显示每个订阅方当前由哪个网关实例投递"
                                 "（多实例部署时每个订阅方同一时刻只由一个实例投递）。"))
    def list_webhook_subscribers(self, request):
        return webhooks.list_subscribers(self.tx, self._feed_user(request))

    @route("POST", "/api/webhooks/subscribers/<subscriber_id>/rotate-secret", ApiDoc(
        "更换订阅方密钥", TAG, idempotent=True, responses={200: WebhookSubscriberWithSecretSchema},
        errors=(403, 404, 409),
        description=ZWB_ONLY + "新密钥只显示一次；宽限期（WEBHOOK_SECRET_GRACE_SECONDS）内每次投递同时附新旧两个签名，"
                    "订阅方在此期间换用新密钥即可。"))
    def rotate_webhook_secret(self, request, subscriber_id):
        user = self._feed_user(request)
        key = idempotency_key(request)
        return webhooks.rotate_secret(self.tx, user, subscriber_id, key, self.settings.webhooks.secret_grace_seconds)

    @route("POST", "/api/webhooks/subscribers/<subscriber_id>/deactivate", ApiDoc(
        "停用订阅方", TAG, idempotent=True, responses={200: WebhookSubscriberSchema}, errors=(403, 404, 409),
        description=ZWB_ONLY + "停用后不再投递。"))
    def deactivate_webhook_subscriber(self, request, subscriber_id):
        user = self._feed_user(request)
        key = idempotency_key(request)
        return webhooks.deactivate(self.tx, user, subscriber_id, key)

    @route("GET", "/api/webhooks/deliveries", ApiDoc(
        "Webhook 投递列表", TAG, query=webhooks.DeliveryQuerySchema, responses={200: WebhookDeliveryListSchema},
        errors=(400, 403),
        description=ZWB_ONLY + "默认列出已搁置（PARKED）的投递：多次重试仍失败的事件，同一项目其后的事件暂停投递，"
                    "直至重新投递成功。"))
    def list_webhook_deliveries(self, request):
        user = self._feed_user(request)
        return webhooks.list_deliveries(self.tx, user, read_query(request, webhooks.DeliveryQuerySchema()))

    @route("POST", "/api/webhooks/deliveries/<int:delivery_id>/resend", ApiDoc(
        "重新投递", TAG, idempotent=True, responses={200: WebhookDeliverySchema}, errors=(403, 404, 409),
        description=ZWB_ONLY + "已搁置的投递重新排队，立即投递，重试次数重新计算。"))
    def resend_webhook_delivery(self, request, delivery_id):
        user = self._feed_user(request)
        key = idempotency_key(request)
        return webhooks.resend(self.tx, user, delivery_id, key)
