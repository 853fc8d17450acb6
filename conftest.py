"""Root conftest: nameko's pytest plugin does not monkey-patch, and a plain
pytest run hangs on the first broker call unless eventlet patches first."""

import eventlet

eventlet.monkey_patch()

pytest_plugins = ["itpm_common.testing"]
