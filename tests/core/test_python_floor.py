"""Generated code fits the target repository's Python: its floor is read as ruff reads it
(``target-version``, else the nearest ``requires-python``), only syntax valid for it is rendered,
and a floor below what the node needs at run time is a named warning."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from codegen_assets.core.models import FileSet, GenerationOptions, StyleConfig, Target
from codegen_assets.core.pipeline import render_files
from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.validation.runner import ruff_bin
from codegen_assets.core.validation.style import (
    find_config,
    floor_warnings,
    place_config,
    python_floor,
)
from codegen_assets.core.validation.workspace import write_tree
from tests.support.corpus import CORPUS

# One prompt of each node type.
PROMPTS = ("seed_store_effect", "vat_structured", "balances_structured", "fulfilment_steps")
PYENV = Path("/root/.pyenv/versions")


def _interpreter(minor: int) -> Path | None:
    """An installed CPython 3.<minor>, to compile the node with (pyenv's, where there is one)."""
    found = sorted(PYENV.glob(f"3.{minor}.*/bin/python")) if PYENV.is_dir() else []
    if found:
        return found[-1]
    for name in (f"/usr/bin/python3.{minor}", f"/usr/local/bin/python3.{minor}"):
        if Path(name).is_file():
            return Path(name)
    return None


def _tree(tmp_path: Path, files: FileSet, style: StyleConfig | None) -> Path:
    root = tmp_path / "repo"
    write_tree(root, files)
    place_config(root, style)
    return root


def _ruff(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ruff_bin(), "check", "--no-cache", "."],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("target", ["py311", "py312", "py313", None])
@pytest.mark.parametrize("profile", [Target.ONEX, Target.STANDALONE])
def test_generated_nodes_pass_ruff_and_compile_for_the_targets_python(
    tmp_path: Path, target: str | None, profile: Target
) -> None:
    text = f'target-version = "{target}"\n'
    style = StyleConfig(filename="ruff.toml", text=text) if target else None
    minor = int(target[3:]) if target else None
    python = _interpreter(minor) if minor else None
    for index, name in enumerate(PROMPTS):
        files = render_files(CORPUS[name][1], GenerationOptions(target=profile), style)[1]
        root = _tree(tmp_path / str(index), files, style)
        checked = _ruff(root)
        assert checked.returncode == 0, (name, checked.stdout[-2000:])
        if python is not None:
            compiled = subprocess.run(
                [str(python), "-m", "compileall", "-q", "."],
                cwd=root,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert compiled.returncode == 0, (name, str(python), compiled.stdout[-2000:])


def test_a_py311_floor_renders_no_pep_695_syntax() -> None:
    style = StyleConfig(filename="ruff.toml", text='target-version = "py311"\n')
    files = render_files(CORPUS["seed_store_effect"][1], GenerationOptions(), style)[1]
    resilience = next(text for path, text in files.files.items() if path.endswith("resilience.py"))
    assert "def call_with_retry(" in resilience and 'T = TypeVar("T")' in resilience
    newest = render_files(CORPUS["seed_store_effect"][1], GenerationOptions())[1]
    modern = next(text for path, text in newest.files.items() if path.endswith("resilience.py"))
    assert "def call_with_retry[T](" in modern


def _ruffs_target(directory: Path, cwd: Path) -> str:
    """The target version ruff itself resolves for a file in ``directory``, run from ``cwd``
    (the repository's root, as its pre-commit runs it)."""
    probe = directory / "probe.py"
    probe.write_text("x = 1\n", encoding="utf-8")
    shown = subprocess.run(
        [ruff_bin(), "check", "--show-settings", str(probe)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    probe.unlink()
    line = next(x for x in shown.splitlines() if x.startswith("linter.unresolved_target_version"))
    return line.split("=", 1)[1].strip()


LAYOUTS: dict[str, dict[str, str]] = {
    "ruff target-version": {"pyproject.toml": '[tool.ruff]\ntarget-version = "py311"\n'},
    "requires-python, no ruff table": {
        "pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.11"\n'
    },
    "ruff.toml beside a pyproject": {
        "ruff.toml": "line-length = 100\n",
        "pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.12,<4"\n',
    },
    "nested ruff table, floor further up": {
        "pyproject.toml": '[project]\nname = "x"\nrequires-python = "~=3.11"\n',
        "sub/pyproject.toml": '[project]\nname = "y"\n[tool.ruff]\nline-length = 90\n',
    },
    "target-version wins over requires-python": {
        "pyproject.toml": (
            '[project]\nname = "x"\nrequires-python = ">=3.11"\n'
            '[tool.ruff]\ntarget-version = "py313"\n'
        )
    },
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_floor_is_the_one_ruff_resolves(tmp_path: Path, layout: str) -> None:
    repo = tmp_path / "repo"
    for rel, text in LAYOUTS[layout].items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")
    start = repo / "sub" / "out" if (repo / "sub").is_dir() else repo / "out"
    start.mkdir(parents=True)
    style = find_config(start)
    floor = python_floor(style)
    assert floor is not None
    assert _ruffs_target(start, repo) == f"{floor[0]}.{floor[1]}"
    # the validation copy resolves the same floor
    copy = tmp_path / "copy" / "repo"
    copy.mkdir(parents=True)
    place_config(copy, style)
    assert _ruffs_target(copy, copy) == f"{floor[0]}.{floor[1]}"


def test_no_configuration_means_no_floor(tmp_path: Path) -> None:
    assert find_config(tmp_path) is None
    assert python_floor(None) is None and floor_warnings(None, onex=True) == ()


def test_a_floor_below_what_the_node_needs_is_a_named_warning() -> None:
    py311 = StyleConfig(filename="ruff.toml", text='target-version = "py311"\n', source="ruff.toml")
    py310 = StyleConfig(filename="ruff.toml", text='target-version = "py310"\n')
    py312 = StyleConfig(filename="ruff.toml", text='target-version = "py312"\n')
    (onex,) = floor_warnings(py311, onex=True)
    assert onex.startswith("python floor:") and "omnibase-core" in onex and "3.12" in onex
    assert floor_warnings(py311, onex=False) == ()
    assert floor_warnings(py312, onex=True) == ()
    (old,) = floor_warnings(py310, onex=False)
    assert "3.10" in old and ">= 3.11" in old
    spec = parse_prompt(CORPUS["vat_structured"][1], GenerationOptions(), py311)
    assert onex in spec.warnings
