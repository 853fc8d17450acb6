"""Service boundaries (design.md "Shape"): a service never imports another service's code.

A service may import itself, ``itpm_common`` (contracts only) and third-party libraries; it reaches other
services over nameko RPC and events. ``libs/common`` imports no service at all. Every import statement is
read with ``ast`` (so a commented-out import is not flagged and a late import inside a function is), and
``importlib.import_module("x")`` / ``__import__("x")`` with a literal name count as imports too.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# package -> folder
SERVICES = {
    "planning": "services/planning",
    "review": "services/review",
    "approval": "services/approval",
    "funds": "services/funds",
    "acceptance": "services/acceptance",
    "security": "services/security",
    "gateway": "gateway",
}
DOMAIN_SERVICES = [name for name in SERVICES if name != "gateway"]
SKIP_DIRS = {"__pycache__", "node_modules", ".venv", "build", "dist", ".ruff_cache", ".pytest_cache"}


def python_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.py")
                  if not any(part in SKIP_DIRS or part.endswith(".egg-info") for part in path.parts))


def imports(source: str, filename: str = "<string>") -> list[tuple[int, str]]:
    """(line, top-level package) of every absolute import in the source."""
    tree = ast.parse(source, filename=filename)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = node.args[0]
            if called in ("import_module", "__import__") and isinstance(first, ast.Constant) \
                    and isinstance(first.value, str) and not first.value.startswith("."):
                found.append((node.lineno, first.value.split(".")[0]))
    return found


def foreign_imports(folder: Path, allowed: str | None) -> list[str]:
    violations = []
    for path in python_files(folder):
        rel = path.relative_to(REPO)
        try:
            found = imports(path.read_text(encoding="utf-8"), str(rel))
        except SyntaxError as exc:
            violations.append(f"{rel}: cannot be parsed: {exc}")
            continue
        violations += [f"{rel}:{line} imports {package}" for line, package in found
                       if package in SERVICES and package != allowed]
    return violations


def test_the_detector_sees_every_form_of_import():
    source = (
        "import review\n"
        "import funds.models as fm\n"
        "from approval.rules import x\n"
        "from . import rules\n"
        "from .models import Project\n"
        "def late():\n"
        "    from security import schemas\n"
        "importlib.import_module('acceptance.topology')\n"
        "__import__('gateway')\n"
        "# import planning\n"
    )
    assert sorted(package for _, package in imports(source)) == sorted(["review", "funds", "approval", "security",
                                                                        "acceptance", "gateway"])


@pytest.mark.parametrize("package", SERVICES)
def test_service_imports_no_other_service(package):
    folder = REPO / SERVICES[package]
    assert folder.is_dir(), f"{SERVICES[package]}/ is missing"
    files = python_files(folder)
    assert files, f"{SERVICES[package]}/ has no Python files"
    violations = foreign_imports(folder, allowed=package)
    assert not violations, "a service may import only itself, itpm_common and third-party libraries:\n" + \
        "\n".join(violations)


def test_common_library_imports_no_service():
    folder = REPO / "libs" / "common"
    assert python_files(folder)
    violations = foreign_imports(folder, allowed=None)
    assert not violations, "libs/common holds contracts only and imports no service:\n" + "\n".join(violations)


@pytest.mark.parametrize("package", SERVICES)
def test_service_depends_on_no_other_service_package(package):
    pyproject = REPO / SERVICES[package] / "pyproject.toml"
    assert pyproject.is_file(), f"{SERVICES[package]}/pyproject.toml is missing"
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    others = {f"itpm-{name}" for name in SERVICES if name != package}
    names = {dep.split("==")[0].split(">")[0].split("<")[0].split("[")[0].strip().lower()
             for dep in project.get("dependencies", [])}
    assert not names & others, f"{package} depends on {sorted(names & others)}"


def _required(package: str) -> list[str]:
    folder = SERVICES[package]
    common = [f"{folder}/config.yaml", f"{folder}/Dockerfile", f"{folder}/pyproject.toml", f"{folder}/tests/",
              f"{folder}/{package}/__init__.py", f"{folder}/{package}/service.py",
              f"{folder}/{package}/models.py", f"{folder}/{package}/migrate.py",
              f"{folder}/{package}/migrations/env.py", f"{folder}/{package}/migrations/versions/"]
    if package == "gateway":
        # scripts/run.sh and the gateway's Dockerfile run `python -m gateway.seed`.
        return common + [f"{folder}/{package}/seed.py|{folder}/{package}/seed/__main__.py"]
    # topology.py lists the events it consumes, which deploy/declare_topology.py declares before anyone
    # publishes. A service that takes commands keeps the articles it enforces in rules.py and the shapes of
    # its inputs in schemas.py.
    required = common + [f"{folder}/{package}/topology.py"]
    if "@command(" in (REPO / folder / package / "service.py").read_text(encoding="utf-8"):
        required += [f"{folder}/{package}/rules.py", f"{folder}/{package}/schemas.py"]
    return required


@pytest.mark.parametrize("package", SERVICES)
def test_service_has_the_standard_layout(package):
    missing = []
    for entry in _required(package):
        alternatives = entry.split("|")
        if not any((REPO / alt).is_dir() if alt.endswith("/") else (REPO / alt).is_file() for alt in alternatives):
            missing.append(" or ".join(alternatives))
    assert not missing, f"{package} lacks: " + ", ".join(missing)


@pytest.mark.parametrize("package", SERVICES)
def test_service_has_tests(package):
    tests = REPO / SERVICES[package] / "tests"
    assert any(tests.rglob("test_*.py")), f"{SERVICES[package]}/tests has no test_*.py file"


@pytest.mark.parametrize("package", SERVICES)
def test_service_tests_folder_is_not_a_package_named_tests(package):
    # scripts/test.sh collects every service's tests and the root tests/ (a package) in one pytest session;
    # a second top-level package called "tests" would shadow the first and break its relative imports.
    init = REPO / SERVICES[package] / "tests" / "__init__.py"
    assert not init.exists(), f"{init.relative_to(REPO)} makes a second package named 'tests'; remove it"
