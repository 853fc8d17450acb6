"""发改's service (市发改部门, Art 4(三)): project code, project proposal (项目建议书),
FSR (可行性研究报告), preliminary design and investment estimate (初步设计方案 + 投资概算),
the simplified paths, Art 11 exemptions, cross-department framework gating (Art 12),
cross-level declarations (Art 13), the information resource catalog gate (Art 14),
adjustment filings (Art 25), re-security and termination.

For now it keeps a local projection of the project facts it will gate on (rules.md §8.2)."""
