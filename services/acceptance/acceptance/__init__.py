"""Acceptance service, organised by 发改 (Art 26) with 政务办, 工信 and 网信 taking part:
completion declaration (建成), completion acceptance (竣工验收), deferral (延期验收),
archive acceptance (档案验收), performance evaluation reports (Art 22),
self-evaluation (Art 29) and post-evaluation (后评价).

For now it keeps a local projection of the project facts it will gate on (rules.md §8.2)."""
