"""The warm interpreter: a forked child per command, each as ``python <argv>`` would run it,
isolated from the others, killed at its timeout, sandboxed as a validator is."""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codegen_assets.core.models import FileSet, NodeType
from codegen_assets.core.stages.validation_report import validate_files
from codegen_assets.core.validation import warm_python
from codegen_assets.core.validation.runner import scrubbed_env
from codegen_assets.core.validation.sandbox import bwrap_works
from codegen_assets.core.validation.settings import ValidationSettings
from codegen_assets.core.validation.warm_python import ServerGoneError, WarmPython
from tests.core.test_render import render_all
from tests.support.spy import SPY


@pytest.fixture
def tmp_path() -> Iterator[Path]:
    """A short temporary directory in place of pytest's: a kept interpreter's socket is beside
    the mypy cache, and a socket path over 100 bytes makes the interpreter private instead
    (``shared_dir``), which pytest's paths can exceed (an xdist worker's are longer still)."""
    path = Path(tempfile.mkdtemp(prefix="nodegen-warm-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(params=[False, True] if bwrap_works() else [False], ids=["plain", "bwrap"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WarmPython]:
    started = WarmPython(request.param, tmp_path / "mypy", scrubbed_env(tmp_path))
    yield started
    started.close()


def run(server: WarmPython, code: str, timeout: float = 60) -> tuple[bool, str]:
    work = Path(server.base) / "work"
    work.mkdir(exist_ok=True)
    return server.run(["-c", code, "an-argument"], work, scrubbed_env(work), timeout)


def test_a_command_runs_as_python_would_with_its_output_and_exit_status(
    server: WarmPython,
) -> None:
    code = "import os, sys; print(sys.argv[1:], os.getcwd()); sys.exit(3)"
    ok, output = run(server, code)
    assert not ok
    assert output == f"['an-argument'] {server.base / 'work'}\n"
    assert run(server, "import sys; print('fine', file=sys.stderr)") == (True, "fine\n")
    ok, output = run(server, "raise ValueError('broken')")
    assert not ok and "ValueError: broken" in output


def test_commands_do_not_see_each_others_state_or_the_callers_secrets(
    server: WarmPython, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_secret")
    assert run(server, "import json; json.leaked = 1")[0]
    ok, output = run(server, "import json, os; print(hasattr(json, 'leaked'), os.environ.keys())")
    assert ok and output.startswith("False ")
    assert "GITHUB_TOKEN" not in output and "HOME" in output


def test_a_hung_command_is_killed_at_its_timeout_and_a_stopped_run_kills_the_rest(
    server: WarmPython,
) -> None:
    started = time.monotonic()
    ok, output = run(server, "import time; time.sleep(60)", timeout=0.5)
    assert not ok and "timed out after 0.5 s" in output
    assert time.monotonic() - started < 10

    results: list[tuple[bool, str]] = []
    sleeper = threading.Thread(target=lambda: results.append(run(server, "input()")))
    sleeper.start()
    time.sleep(1)
    server.kill_all()
    sleeper.join(timeout=10)
    assert results and not results[0][0]


def test_a_command_needing_another_environment_is_not_run_here(server: WarmPython) -> None:
    env = scrubbed_env(server.base)
    assert server.accepts(env)
    assert not server.accepts({**env, "PYTHONPATH": "/elsewhere"})


def test_when_the_interpreter_dies_commands_fail_fast_and_the_next_use_starts_another(
    tmp_path: Path,
) -> None:
    first = warm_python.warm_python(False, tmp_path / "mypy", scrubbed_env(tmp_path))
    assert first.process is not None
    first.process.kill()
    first.process.wait()
    with pytest.raises(ServerGoneError):
        run(first, "pass")
    second = warm_python.warm_python(False, tmp_path / "mypy", scrubbed_env(tmp_path))
    assert second is not first and run(second, "print(1)") == (True, "1\n")
    second.close()


def _which(argv: list[str]) -> str:
    """The check a command is: pytest (``-c`` runner), mypy, coverage, or the gates' script
    (``static`` or ``node`` gates)."""
    if argv[0] == "-m":
        return argv[1]
    return "pytest" if argv[0] == "-c" else f"gates {argv[1]}"


@pytest.mark.e2e
def test_a_node_validated_warm_gets_the_report_a_new_interpreter_per_check_gives(
    shared_mypy_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files: FileSet = render_all(
        "Operation `alpha` takes amount (int) and count (int) and returns total = amount + count.",
        NodeType.COMPUTE,
    )
    ran_warm: list[str] = []
    run_warm = WarmPython.run

    def spied(self: WarmPython, argv: list[str], *args: Any) -> tuple[bool, str]:
        ran_warm.append(_which(argv))
        return run_warm(self, argv, *args)

    monkeypatch.setattr(WarmPython, "run", spied)
    warm = validate_files(
        files, ValidationSettings(timeout=300, mypy_cache=shared_mypy_cache, warm=True)
    )
    cold = validate_files(files, ValidationSettings(timeout=300, mypy_cache=shared_mypy_cache))
    assert warm.passed and warm.quality_score == cold.quality_score == 1.0
    assert [(c.name, c.passed) for c in warm.checks] == [(c.name, c.passed) for c in cold.checks]
    assert (warm.coverage_pct, warm.max_complexity) == (cold.coverage_pct, cold.max_complexity)
    assert sorted(ran_warm) == ["coverage", "gates node", "gates static", "mypy", "pytest"]


@pytest.mark.skipif(not bwrap_works(), reason="bubblewrap is not available here")
def test_a_sandboxed_warm_command_sees_no_host_process_network_or_file(
    secret_holder: str, tmp_path: Path
) -> None:
    server = WarmPython(True, tmp_path / "mypy", scrubbed_env(tmp_path))
    private = tmp_path / "home" / "artifacts.sqlite3"
    private.parent.mkdir()
    private.write_text("queued webhook bodies")
    work = server.base / "work"
    work.mkdir()
    (work / "spy.py").write_text(SPY)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        argv = ["spy.py", str(port), str(private)]
        ok, out = server.run(argv, work, scrubbed_env(work), timeout=60)
    server.close()
    lines = dict(line.split(" ", 1) for line in out.splitlines())
    assert ok, out
    assert secret_holder.encode().hex() not in lines["ENVIRON"]
    assert len(lines["PIDS"].split()) <= 3  # bubblewrap's init, the server, this command
    assert lines["NETWORK"].startswith("closed")
    assert lines["NOREAD"].startswith(str(private))
    assert not (private.parent / "written-from-sandbox").exists()


def test_installed_modules_a_command_imports_are_loaded_for_the_next_and_remembered(
    tmp_path: Path,
) -> None:
    remember = tmp_path / "warm-modules.txt"
    server = WarmPython(False, tmp_path / "mypy", scrubbed_env(tmp_path), remember)
    work = server.base / "work"
    work.mkdir()
    (work / "node_own.py").write_text("VALUE = 1\n")
    loaded = "import sys; print('colorsys' in sys.modules, 'node_own' in sys.modules)"
    assert run(server, loaded) == (True, "False False\n")
    assert run(server, "import colorsys, node_own")[0]
    assert run(server, loaded) == (True, "True False\n")  # the node's own module: never
    server.close()
    assert "colorsys" in remember.read_text().split()
    assert "node_own" not in remember.read_text().split()

    again = WarmPython(False, tmp_path / "mypy", scrubbed_env(tmp_path), remember)
    assert run(again, loaded) == (True, "True False\n")
    again.close()


@pytest.mark.skipif(not bwrap_works(), reason="bubblewrap is not available here")
def test_the_interpreter_outlives_the_thread_that_started_it(tmp_path: Path) -> None:
    started: list[WarmPython] = []  # as in a Dagster step, whose thread ends with the run
    thread = threading.Thread(
        target=lambda: started.append(WarmPython(True, tmp_path / "mypy", scrubbed_env(tmp_path)))
    )
    thread.start()
    thread.join()
    time.sleep(1)
    assert started[0].alive
    assert run(started[0], "print(1)") == (True, "1\n")
    started[0].close()


def test_a_preloaded_function_fills_its_cache_once_for_every_child(server: WarmPython) -> None:
    filled = "import platform; print(platform._uname_cache is not None)"
    assert run(server, filled) == (True, "False\n")
    server.preload(["platform:uname", "json:no_such_function", "not-a:name()"])
    assert run(server, filled) == (True, "True\n")
    assert run(server, "print('still serving')") == (True, "still serving\n")


def test_children_start_with_loaded_modules_indexed_and_out_of_the_collectors_reach(
    server: WarmPython,
) -> None:
    server.preload(["colorsys"])
    indexed = "import colorsys as c, inspect as i; print(i.getabsfile(c) in i.modulesbyfile)"
    assert run(server, indexed) == (True, "True\n")
    frozen = "import colorsys, gc; print(any(o is colorsys for o in gc.get_objects()))"
    assert run(server, frozen) == (True, "False\n")  # frozen objects are not tracked


def _server_pid(server: WarmPython) -> str:
    return run(server, "import os; print(os.getppid())")[1]


_LOADED = "import sys; print('colorsys' in sys.modules)"


@pytest.mark.parametrize("sandboxed", [False, True] if bwrap_works() else [False])
def test_a_kept_interpreter_serves_later_clients_warm_then_ends_when_unused(
    tmp_path: Path, sandboxed: bool
) -> None:
    first = WarmPython(sandboxed, tmp_path / "mypy", scrubbed_env(tmp_path), keep_seconds=2)
    first.preload(["colorsys"])
    first.close()  # as a process that used it ends
    second = WarmPython(sandboxed, tmp_path / "mypy", scrubbed_env(tmp_path), keep_seconds=2)
    assert second.process is None and second.base == first.base
    assert run(second, _LOADED) == (True, "True\n")  # the same interpreter, still warm
    second.close()
    socket_file = first.base / "server.sock"
    assert socket_file.exists()
    deadline = time.monotonic() + 20
    while socket_file.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not socket_file.exists()
    assert first.process is not None and first.process.wait(timeout=10) == 0
    third = WarmPython(sandboxed, tmp_path / "mypy", scrubbed_env(tmp_path), keep_seconds=2)
    assert third.process is not None and run(third, _LOADED) == (True, "False\n")
    third.close()
    third.process.kill()


def test_stop_ends_every_kept_interpreter_at_once_and_kills_its_commands(tmp_path: Path) -> None:
    env = scrubbed_env(tmp_path)
    kept = WarmPython(False, tmp_path / "mypy", env, keep_seconds=600)
    other = WarmPython(False, tmp_path / "mypy", {**env, "PYTHONPATH": str(tmp_path)}, None, 600)
    hung = threading.Thread(target=run, args=(kept, "import time; time.sleep(60)"), daemon=True)
    hung.start()
    time.sleep(0.5)
    stopped = warm_python.stop_shared(tmp_path / "mypy")
    assert sorted(stopped) == sorted([kept.base, other.base])
    for server in (kept, other):
        assert server.process is not None and server.process.wait(timeout=10) == 0
        assert not (server.base / "server.sock").exists()
    hung.join(timeout=10)
    assert not hung.is_alive()  # its command was killed, not waited for
    assert warm_python.stop_shared(tmp_path / "mypy") == []
    for server in (kept, other):
        server.close()


def test_a_kept_interpreter_is_one_per_toolchain_and_environment_and_a_dead_one_is_replaced(
    tmp_path: Path,
) -> None:
    env = scrubbed_env(tmp_path)
    one = WarmPython(False, tmp_path / "mypy", env, keep_seconds=60)
    other = WarmPython(False, tmp_path / "mypy", {**env, "PYTHONPATH": str(tmp_path)}, None, 60)
    assert other.base != one.base and _server_pid(other) != _server_pid(one)
    assert one.process is not None
    one.process.kill()  # a server that died, leaving its socket file behind
    one.process.wait()
    assert (one.base / "server.sock").exists()
    with pytest.raises(ServerGoneError):
        run(one, "pass")
    again = WarmPython(False, tmp_path / "mypy", env, keep_seconds=60)
    assert again.base == one.base and again.process is not None
    assert run(again, "print(1)") == (True, "1\n")
    for server in (again, other):
        server.close()
        assert server.process is not None
        server.process.kill()


def test_an_interpreter_that_cannot_start_leaves_each_check_to_a_new_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken_server.py"
    broken.write_text("raise SystemExit('no server today')\n")
    monkeypatch.setattr(warm_python, "SCRIPT", broken)
    with pytest.raises(ServerGoneError, match="did not start: no server today"):
        WarmPython(False, tmp_path / "mypy", scrubbed_env(tmp_path), keep_seconds=30)
    files = FileSet(files={"tiny.py": "VALUE: int = 1\n"})
    report = validate_files(
        files,
        ValidationSettings(
            timeout=120, mypy_cache=tmp_path / "mypy", sandbox="none", warm=True, keep_seconds=30
        ),
    )
    mypy = report.check("mypy")
    assert mypy.passed and "Success: no issues found in 1 source file" in mypy.output


def test_a_client_that_leaves_has_its_commands_killed_and_the_others_are_still_served(
    tmp_path: Path,
) -> None:
    leaving = WarmPython(False, tmp_path / "mypy", scrubbed_env(tmp_path), keep_seconds=30)
    staying = WarmPython(False, tmp_path / "mypy", scrubbed_env(tmp_path), keep_seconds=30)
    pid_file = tmp_path / "pid"
    code = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    ended: list[BaseException] = []

    def left_running() -> None:
        try:
            run(leaving, code)
        except ServerGoneError as exc:
            ended.append(exc)

    waiting = threading.Thread(target=left_running)
    waiting.start()
    deadline = time.monotonic() + 20
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    pid = int(pid_file.read_text())
    leaving.close()  # as a command that ends, or is killed, while its check runs
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists()
    assert run(staying, "print('still here')") == (True, "still here\n")
    waiting.join(timeout=20)
    assert ended  # the command that was left did not complete, and says so
    staying.close()
    assert leaving.process is not None
    leaving.process.kill()


def test_a_kept_interpreters_directory_that_is_a_symlink_is_not_used(tmp_path: Path) -> None:
    env = scrubbed_env(tmp_path)
    base = warm_python.shared_dir(False, tmp_path / "mypy", env)
    assert base is not None and base.is_dir()
    base.rmdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    base.symlink_to(elsewhere)  # someone else's directory in its place
    assert warm_python.shared_dir(False, tmp_path / "mypy", env) is None
    private = WarmPython(False, tmp_path / "mypy", env, keep_seconds=30)
    assert not private.shared and private.base != base  # its own server, as with keep 0
    private.close()


_FORGED_LIST = """
import __main__
open("planted_mod.py", "w").write("import os; os.environ['PLANTED'] = '1'\\n")
__main__._learnable = lambda *args: ["os:abort", "planted_mod", "colorsys:nothing_here"]
"""


def test_the_server_learns_only_what_it_checks_and_never_calls_what_a_child_names(
    server: WarmPython,
) -> None:
    assert run(server, _FORGED_LIST)[0]  # the child replaced the list it leaves for the server
    assert server.alive  # os:abort was not called
    seen = "import os, sys; print('planted_mod' in sys.modules, os.environ.get('PLANTED'))"
    assert run(server, seen) == (True, "False None\n")  # nor the planted module imported
    assert run(server, "print('still serving')") == (True, "still serving\n")


@pytest.mark.skipif(not bwrap_works(), reason="bubblewrap is not available here")
def test_nothing_can_be_planted_beside_the_sandboxs_mounts(tmp_path: Path) -> None:
    # /work or /root exist inside the jail only as the parents of its read-only mounts
    jailed = WarmPython(True, tmp_path / "mypy", scrubbed_env(tmp_path))
    script_parent = warm_python.SCRIPT.parent.parent
    plant = f"open({str(script_parent / 'planted_mod.py')!r}, 'w').write('x = 1')"
    ok, output = run(jailed, plant)
    assert not ok and "Read-only file system" in output, output
    jailed.close()


def test_the_servers_import_path_holds_no_directory_a_command_can_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writable = tmp_path / "editable-checkout"  # as an editable install puts on sys.path
    writable.mkdir()
    env = {**scrubbed_env(tmp_path), "PYTHONPATH": str(writable)}
    server = WarmPython(False, tmp_path / "mypy", env)
    work = server.base / "work"
    work.mkdir()
    shown = f"import sys; print({str(writable)!r} in sys.path)"
    assert server.run(["-c", shown], work, env, 60) == (True, "False\n")
    server.close()
