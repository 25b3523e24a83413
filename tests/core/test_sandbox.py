"""Validators in bubblewrap: no other process, no network, no host files, no secrets; without a
sandbox, code the generator did not write is checked statically only; secrets are redacted from
everything the App posts to GitHub."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from codegen_assets.core.models import FileSet
from codegen_assets.core.stages.validation_report import validate_files
from codegen_assets.core.validation import sandbox as sandbox_module
from codegen_assets.core.validation.checks import NOT_EXECUTED
from codegen_assets.core.validation.markdown import report_markdown
from codegen_assets.core.validation.sandbox import (
    Jail,
    SandboxUnavailableError,
    bwrap_works,
    use_bwrap,
)
from codegen_assets.core.validation.settings import ValidationSettings
from github_app.client import installation_client
from github_app.demo.fake_github import FakeGitHub
from github_app.demo.local import REPO, SECRET
from github_app.settings import AppSettings
from tests.support.spy import SPY


@pytest.fixture
def bwrap() -> None:
    if not bwrap_works():
        if os.environ.get("CI"):
            pytest.fail("bubblewrap is missing: .ci/run installs it (apt-get install bubblewrap)")
        pytest.skip("bubblewrap is not available here (apt-get install bubblewrap)")


def test_sandbox_hides_processes_network_and_host_files(
    bwrap: None, secret_holder: str, tmp_path: Path
) -> None:
    root = tmp_path / "work"
    root.mkdir()
    (root / "spy.py").write_text(SPY)
    private = tmp_path / "home" / "artifacts.sqlite3"
    private.parent.mkdir()
    private.write_text("queued webhook bodies")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        env = {"PATH": "/usr/bin:/bin", "HOME": str(root)}
        argv = [sys.executable, "spy.py", str(port), str(private)]
        command = Jail(root=root, sandboxed=True).command(argv, root, env)
        out = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True).stdout
    lines = dict(line.split(" ", 1) for line in out.splitlines())
    assert secret_holder.encode().hex() not in lines["ENVIRON"]
    assert len(lines["PIDS"].split()) <= 3  # bubblewrap's init, python: nothing of the host
    assert lines["NETWORK"].startswith("closed")
    assert lines["NOREAD"].startswith(str(private))
    assert lines["NOWRITE"] in {"PermissionError", "OSError", "FileNotFoundError"}
    assert not (private.parent / "written-from-sandbox").exists()


def test_without_the_sandbox_the_same_spy_sees_the_secret(
    secret_holder: str, tmp_path: Path
) -> None:
    """The control: what the sandbox prevents really is visible to a plain subprocess."""
    (tmp_path / "spy.py").write_text(SPY)
    out = subprocess.run(
        [sys.executable, "spy.py", "1", str(tmp_path / "nothing")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    ).stdout
    assert secret_holder.encode().hex() in out


def _hand_edited(tmp_path: Path) -> FileSet:
    """A tiny node whose hand-pushed test would leave a mark if it ever ran."""
    mark = tmp_path / "executed"
    return FileSet(
        files={
            "calc.py": "def double(x: int) -> int:\n    return 2 * x\n",
            "tests/__init__.py": "",
            "tests/test_calc.py": (
                "import pathlib\n\nfrom calc import double\n\n\n"
                "def test_double() -> None:\n"
                f"    pathlib.Path({str(mark)!r}).write_text('ran')\n"
                "    assert double(2) == 4\n"
            ),
        }
    )


def test_untrusted_code_is_checked_statically_without_a_sandbox(
    tmp_path: Path, shared_mypy_cache: Path
) -> None:
    files = _hand_edited(tmp_path)
    report = validate_files(
        files,
        ValidationSettings(timeout=120, mypy_cache=shared_mypy_cache, sandbox="none"),
        trusted=False,
    )
    assert not (tmp_path / "executed").exists()
    assert report.static_only and not report.sandboxed and not report.passed
    for name in ("pytest", "coverage"):
        check = report.check(name)
        assert check.skipped and not check.passed and check.output == NOT_EXECUTED
    assert report.check("mypy").passed and report.check("ruff").passed
    assert "**Static checks only:**" in report_markdown(report, [], [])


def test_trusted_code_runs_without_a_sandbox(tmp_path: Path, shared_mypy_cache: Path) -> None:
    report = validate_files(
        _hand_edited(tmp_path),
        ValidationSettings(timeout=120, mypy_cache=shared_mypy_cache, sandbox="none"),
    )
    assert (tmp_path / "executed").read_text() == "ran"
    assert report.check("pytest").passed and not report.static_only


def test_untrusted_code_runs_inside_the_sandbox(
    bwrap: None, tmp_path: Path, shared_mypy_cache: Path
) -> None:
    files = _hand_edited(tmp_path)
    report = validate_files(
        files,
        ValidationSettings(timeout=120, mypy_cache=shared_mypy_cache, sandbox="bwrap"),
        trusted=False,
    )
    assert report.sandboxed and not report.static_only
    # it ran, but the path outside its copy does not even exist in there
    assert "FileNotFoundError" in report.check("pytest").output
    assert not (tmp_path / "executed").exists()


def test_required_sandbox_that_cannot_run_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sandbox_module, "bwrap_works", lambda: False)
    with pytest.raises(SandboxUnavailableError, match="apt-get install bubblewrap"):
        use_bwrap("bwrap")
    assert use_bwrap("auto") is False and use_bwrap("none") is False


def test_secrets_are_redacted_from_everything_posted(
    github_env: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NODEGEN_DATABASE_URL", "postgresql://app:db-pass-123@db:5432/app")
    monkeypatch.setenv("THIRD_PARTY_API_TOKEN", "tok-abcdef")
    settings = AppSettings()
    gh = installation_client(settings, 4343)
    owner, repo = REPO.split("/")
    key_line = settings.private_key_pem().splitlines()[1]
    text = f"leak {SECRET} and {key_line} and db-pass-123 and tok-abcdef; keep this"
    gh.rest.issues.create_comment(owner, repo, 7, data={"body": text})
    (posted,) = [c["body"] for c in github_env.repos[REPO].comments.values()]
    assert posted == "leak *** and *** and *** and ***; keep this"
