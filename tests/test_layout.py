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


def _imported(nodes: list[ast.stmt]) -> set[tuple[str, str]]:
    return {
        (node.module or "", alias.name)
        for node in nodes
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def _local_imports(path: Path) -> list[str]:
    """Project imports inside functions that the file does not declare at its top."""
    tree = ast.parse(path.read_text("utf-8"))
    top = [n for n in tree.body if isinstance(n, ast.ImportFrom)]
    for guard in tree.body:  # ``if TYPE_CHECKING:`` blocks
        if isinstance(guard, ast.If) and ast.unparse(guard.test) == "TYPE_CHECKING":
            top += [n for n in guard.body if isinstance(n, ast.ImportFrom)]
    declared = _imported(list(top))
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            if not isinstance(node, ast.ImportFrom):
                continue
            if (node.module or "").startswith(PRODUCT) and not _imported([node]) <= declared:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.module}")
    return found


def test_only_entry_points_import_project_modules_inside_functions() -> None:
    """A function-local import hides a dependency from a reader and the layer check, unless the
    file declares it at its top (under ``TYPE_CHECKING``): that is done for what is slow to load
    and most runs never use (the GitHub client). Only the composition roots defer freely (to
    print their first line before Dagster loads)."""
    local = [
        hit
        for package in PRODUCT
        for path in sorted((ROOT / package).rglob("*.py"))
        if "cli" not in path.relative_to(ROOT).parts
        for hit in _local_imports(path)
    ]
    assert local == []


def test_the_cli_loads_the_asset_graph_without_the_github_client_or_bm25() -> None:
    """Dagster's import is the CLI's critical path; what a generation from the command line
    never uses stays unloaded until a GitHub step or pattern ranking needs it."""
    code = (
        "import sys, codegen_assets.orchestration.embedded, definitions; "
        "print(sorted({'githubkit', 'hishel', 'bm25s', 'numpy', 'httpx'} & set(sys.modules)))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_wheel_holds_the_product_and_no_test_double(tmp_path: Path) -> None:
    (wheel,) = WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
    names = zipfile.ZipFile(wheel).namelist()
    modules = {n for n in names if n.endswith(".py")}
    assert {"definitions.py", "codegen_assets/cli/generate.py", "github_app/server.py"} <= modules
    assert not any(n.startswith("tests/") for n in names)
    assert not any("fake_consul" in n or "local_stack" in n for n in names)
    doubles = {n for n in modules if "fake" in Path(n).name or "local" in Path(n).name}
    assert doubles == {
        "github_app/demo/fake_github.py",
        "github_app/demo/fake_git.py",
        "github_app/demo/local.py",
    }
