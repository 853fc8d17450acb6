from itpm_common.migrations import run_env
from planning.models import Base

run_env(Base.metadata)
