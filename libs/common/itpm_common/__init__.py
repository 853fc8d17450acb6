"""Contracts shared by every service of the 市级信息化项目管理系统.

Only contracts live here (event envelope, refusal error, identity tokens,
outbox/inbox, audit chain, money, legal dates, document storage, clock).
Domain rules live in the service that enforces them.
"""
