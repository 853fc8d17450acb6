"""网信's service (市网信部门, Art 4(二)), also used by the 保密行政管理部门 (Art 28):
cybersecurity review, security and crypto compliance holds, crypto application plans
and assessments, graded protection (等级保护) and classified tiered protection
(分级保护) reports, classified-project review (Art 28) and periodic testing.

For now it keeps a local projection of the project facts it will gate on (rules.md §8.2)."""
