import pytest

from itpm_common.vhosts import create_vhost, delete_vhost

from ..e2e.suite import start_suite


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """The whole suite as the run command starts it, in its own broker vhost and port."""
    vhost, uri = create_vhost("itpm_browser")
    running = start_suite(tmp_path_factory.mktemp("suite"), uri)
    try:
        yield running
    finally:
        running.run_script("stop", timeout=120)
        delete_vhost(vhost)
