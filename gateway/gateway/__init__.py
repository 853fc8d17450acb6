"""The gateway: the only door for people (portal, HTTP API, uploads, timelines)."""
