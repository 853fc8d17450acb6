"""The portal in a real browser: Playwright's test runner (Node.js) drives Debian's headless Chromium against
the whole suite started by the run command. The scenarios are in portal.spec.js; this test starts the suite,
runs them and fails with their report when any of them fails. (Playwright is driven from Node.js in a
subprocess: the Python package would run inside this eventlet-patched process.)"""

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from itpm_common.clock import SHANGHAI

from ..e2e.suite import REPO
from . import bureau_seed

pytestmark = pytest.mark.e2e

PORTAL = REPO / "gateway" / "portal"
HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("ITPM_CHROMIUM", "/usr/bin/chromium")


def test_the_portal_in_a_browser(suite, tmp_path):
    runner = PORTAL / "node_modules" / ".bin" / "playwright"
    assert runner.exists(), "run scripts/test.sh (it runs npm ci in gateway/portal) before the browser tests"
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium fonts-wqy-microhei"
    page = suite.run_script("status")
    assert "gateway" in page.stdout and "RUNNING" in page.stdout, page.stdout

    # bureau-reviews.spec.js starts from FSR and PD submissions that approval does not yet have routes for.
    seeded = bureau_seed.seed(suite, datetime.now(SHANGHAI).year + 4)
    env = {**os.environ, "ITPM_BASE_URL": suite.base_url, "ITPM_CHROMIUM": CHROMIUM,
           "ITPM_BUREAU_SEED": json.dumps(seeded, ensure_ascii=False),
           "ITPM_BROWSER_OUTPUT": str(tmp_path / "results"),
           # approval-full.spec.js reads the downloaded 批复 with pypdf, from this interpreter.
           "ITPM_PYTHON": sys.executable,
           # The specs live outside the portal's folder; they find @playwright/test in its node_modules.
           "NODE_PATH": str(PORTAL / "node_modules"), "CI": "1"}
    # ITPM_BROWSER_SPEC=bureau-reviews.spec.js runs one spec (the suite still starts whole).
    only = [os.environ["ITPM_BROWSER_SPEC"]] if os.environ.get("ITPM_BROWSER_SPEC") else []
    result = subprocess.run([str(runner), "test", "--config", str(HERE / "playwright.config.js"), *only],
                            cwd=PORTAL, env=env, capture_output=True, text=True, timeout=1200)
    report = result.stdout[-20000:] + result.stderr[-5000:]
    print(report)
    assert result.returncode == 0, report
