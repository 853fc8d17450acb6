"""网信's service (市网信部门, Art 4(二)), also used by the 保密行政管理部门 (Art 28):
cybersecurity review, security and crypto compliance holds, crypto application plans
and assessments, graded protection (等级保护) and classified tiered protection
(分级保护) reports, classified-project review (Art 28) and periodic testing.

So far: the cybersecurity review of the security chapter of every FSR, PD and
package (第十四条), and a local projection of the project facts (rules.md §8.2)."""
