"""A repository's ruff configuration is untrusted input: it may only name files inside its own
directory, and ruff never runs on it outside the sandbox, so nothing of the host it could read
reaches a message, a report or a post."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codegen_assets.cli.generate import EXIT_INPUT, main
from codegen_assets.core.models import FileSet, GenerationOptions, StyleConfig
from codegen_assets.core.pipeline import render_files
from codegen_assets.core.validation.runner import ruff_bin
from codegen_assets.core.validation.sandbox import bwrap_works
from codegen_assets.core.validation.style import StyleConfigError, find_config, format_files
from tests.support.corpus import CORPUS

CANARY = "canary-7f3a9c-not-for-posting"
PROMPT = CORPUS["vat_structured"][1]


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    """A host file with a token in it, outside the repository."""
    path = tmp_path / "host" / "token.txt"
    path.parent.mkdir()
    path.write_text(f"{CANARY}\n", encoding="utf-8")
    return path


HOSTILE = {
    "extend": 'extend = "{secret}"\n',
    "extend, relative escape": 'extend = "../host/token.txt"\n',
    "extend, home": 'extend = "~/.ssh/id_rsa"\n',
    "extend, environment": 'extend = "$HOME/token"\n',
    "cache-dir": 'cache-dir = "/proc/self"\n',
    "src": 'src = ["src", "/etc"]\n',
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_path_setting_outside_the_configurations_directory_is_refused_by_name(
    tmp_path: Path, secret_file: Path, case: str
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "ruff.toml").write_text(HOSTILE[case].format(secret=secret_file), encoding="utf-8")
    with pytest.raises(StyleConfigError) as raised:
        find_config(repo)
    message = str(raised.value)
    key = case.split(",")[0]
    assert f"`{key}`" in message and "outside the configuration's directory" in message
    assert CANARY not in message


def test_a_pyprojects_ruff_table_is_checked_the_same_way(tmp_path: Path, secret_file: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.ruff]\nextend = "{secret_file}"\n', encoding="utf-8"
    )
    with pytest.raises(StyleConfigError, match="`extend`"):
        find_config(tmp_path)


def test_a_configuration_extending_a_file_inside_its_directory_is_used_whole(
    tmp_path: Path,
) -> None:
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "ruff-base.toml").write_text(
        'line-length = 72\n[lint]\nextend-select = ["S101"]\n', encoding="utf-8"
    )
    (tmp_path / "ruff.toml").write_text('extend = "tools/ruff-base.toml"\n', encoding="utf-8")
    style = find_config(tmp_path)
    assert style is not None and style.includes == {
        "tools/ruff-base.toml": 'line-length = 72\n[lint]\nextend-select = ["S101"]\n'
    }
    flat = StyleConfig(filename="ruff.toml", text="line-length = 72\n")
    default, extended, inline = (
        render_files(PROMPT, GenerationOptions(), config)[1].files for config in (None, style, flat)
    )
    python = sorted(path for path in default if path.endswith(".py"))
    assert [extended[p] for p in python] == [inline[p] for p in python]  # formatted at 72
    assert [extended[p] for p in python] != [default[p] for p in python]


def test_an_extended_file_that_extends_outside_is_refused(tmp_path: Path) -> None:
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "base.toml").write_text('extend = "../../up.toml"\n', encoding="utf-8")
    (tmp_path / "ruff.toml").write_text('extend = "tools/base.toml"\n', encoding="utf-8")
    with pytest.raises(StyleConfigError, match="`extend`"):
        find_config(tmp_path)


@pytest.mark.skipif(not bwrap_works(), reason="bubblewrap is not available here")
def test_ruff_formats_the_node_in_the_sandbox_where_no_host_file_is(tmp_path: Path) -> None:
    # Bypassing the checks above, a configuration naming a host file: outside the sandbox ruff
    # would read it (and apply it); inside, the file is not there and nothing it says is passed on.
    host = tmp_path / "host-ruff.toml"
    host.write_text(f"line-length = 40  # {CANARY}\n", encoding="utf-8")
    config = StyleConfig(filename="ruff.toml", text=f'extend = "{host}"\n')
    files = FileSet(files={"pkg/module.py": "x=1\n"})
    with pytest.raises(StyleConfigError) as raised:
        format_files(files, config, ruff_bin())
    assert CANARY not in str(raised.value)


def test_the_cli_refuses_a_hostile_configuration_before_any_run(
    tmp_path: Path,
    secret_file: Path,
    nodegen_home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "ruff.toml").write_text(f'extend = "{secret_file}"\n', encoding="utf-8")
    code = main([PROMPT, "--output-dir", str(repo / "out"), "--json"])
    out = capsys.readouterr()
    result = json.loads(out.out.strip().splitlines()[-1])
    assert code == EXIT_INPUT and result["error_code"] == "INVALID_CONFIG"
    assert "`extend`" in result["error_message"]
    assert CANARY not in out.out + out.err
    assert not (nodegen_home / "dagster").exists()  # nothing was started
