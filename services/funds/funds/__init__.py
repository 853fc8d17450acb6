"""财政's service (市财政部门, Art 4(四)): budget allocation, funding confirmation
(资金落实确认, Art 9), estimate review (概算审核, Art 10), government procurement and
contracts, treasury payments (国库集中支付), O&M funding (运行维护经费) with the Art 30
gate, final accounts (竣工财务决算) and surplus return.

For now it keeps a local projection of the project facts it will gate on (rules.md §8.2)."""
