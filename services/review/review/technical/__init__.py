"""政务办's technical review before 发改 approves (第十条 "经市政务服务管理部门牵头组织审核", R-10-2, A-09)."""
