from datetime import datetime

import pytest

from itpm_common.clock import SHANGHAI
from itpm_common.vhosts import create_vhost, delete_vhost

from ..e2e.suite import start_suite


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The whole suite as the run command starts it, in its own broker vhost and port."""
    vhost, uri = create_vhost("itpm_browser")
    running = start_suite(tmp_path_factory.mktemp("suite"), uri)
    try:
        # 政务办's call for next year's plan (R-7-5), which the departments' applications need.
        running.open_call(datetime.now(SHANGHAI).year + 1)
        yield running
    finally:
        running.run_script("stop", timeout=120)
        delete_vhost(vhost)
