from itpm_common.migrations import run_env
from security.models import Base

run_env(Base.metadata)
