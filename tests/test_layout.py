"""The package layout: layers import only downwards, and the wheel ships no test double."""

from __future__ import annotations

import ast
import subprocess
import sys
import zipfile
from pathlib import Path

from hatchling.builders.wheel import WheelBuilder

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("codegen_assets", "github_app")


def test_layers_and_forbidden_imports_hold() -> None:
    """import-linter's contracts (pyproject.toml): no import from a lower layer to a higher one,
    so no cycle between the packages."""
    lint = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def _local_imports(path: Path) -> list[str]:
    found = []
    for func in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PRODUCT):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.module}")
    return found


def test_only_entry_points_import_project_modules_inside_functions() -> None:
    """A function-local import hides a dependency from the layer check; only the composition
    roots defer one (to print their first line before Dagster loads)."""
    local = [
        hit
        for package in PRODUCT
        for path in sorted((ROOT / package).rglob("*.py"))
        if "cli" not in path.relative_to(ROOT).parts
        for hit in _local_imports(path)
    ]
    assert local == []


def test_wheel_holds_the_product_and_no_test_double(tmp_path: Path) -> None:
    (wheel,) = WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
    names = zipfile.ZipFile(wheel).namelist()
    modules = {n for n in names if n.endswith(".py")}
    assert {"definitions.py", "codegen_assets/cli/generate.py", "github_app/server.py"} <= modules
    assert not any(n.startswith("tests/") for n in names)
    assert not any("fake_consul" in n or "local_stack" in n for n in names)
    doubles = {n for n in modules if "fake" in Path(n).name or "local" in Path(n).name}
    assert doubles == {"github_app/demo/fake_github.py", "github_app/demo/local.py"}
