import pytest

from itpm_common.vhosts import create_vhost, delete_vhost

from .suite import start_suite


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    """One running suite per test module, isolated in its own broker vhost."""
    vhost, uri = create_vhost("itpm_e2e")
    running = start_suite(tmp_path_factory.mktemp("suite"), uri)
    try:
        running.open_call(2027)
        yield running
    finally:
        running.run_script("stop", timeout=120)
        delete_vhost(vhost)
