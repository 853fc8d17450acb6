from funds.models import Base
from itpm_common.migrations import run_env

run_env(Base.metadata)
