import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("planning_sample", Path(__file__).with_name("sample.py"))
_sample = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sample)


@pytest.fixture
def application():
    """Factory of complete, valid plan applications (rules.md §6.1)."""
    return _sample.valid_application
