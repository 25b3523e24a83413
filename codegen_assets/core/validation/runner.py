"""Running a validator's command in its jail: a scrubbed environment (no tokens, secrets or
user configuration), the warm interpreter when it takes the command, killed at its timeout; and
the result file a check wrote, read without following links.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import threading
from pathlib import Path

from codegen_assets.core.validation import warm_python
from codegen_assets.core.validation.sandbox import Jail
from codegen_assets.core.validation.warm_python import ServerGoneError


class ValidatorMissingError(RuntimeError):
    """A validator executable is not installed beside this interpreter."""


def ruff_bin() -> str:
    """The ruff executable installed with this package (its version defines the output bytes)."""
    candidate = Path(sysconfig.get_path("scripts")) / "ruff"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("ruff")
    if found is None:
        raise ValidatorMissingError("ruff is not installed; reinstall onex-nodegen")
    return found


_running: set[subprocess.Popen[str]] = set()
_running_lock = threading.Lock()


def scrubbed_env(sandbox: Path) -> dict[str, str]:
    """A minimal environment: no tokens, secrets or user configuration reach the validators."""
    return {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.defpath}",
        "HOME": str(sandbox),
        "TMPDIR": str(sandbox),
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "NO_COLOR": "1",
    }


def terminate_running() -> None:
    """Kill every validator process group still running (used when a run is stopped)."""
    warm_python.kill_all()
    with _running_lock:
        procs = list(_running)
    for proc in procs:
        _kill(proc)


def _kill(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def execute(args: list[str], cwd: Path, timeout: float, jail: Jail) -> tuple[bool, str]:
    """Run ``args`` in ``jail``; (exit status 0, output). Killed at ``timeout``."""
    env = scrubbed_env(jail.root)
    server = jail.server
    if server is not None and args[0] == sys.executable and server.accepts(env):
        # -P (no working directory on sys.path) guards against files of code the generator did
        # not write; the warm interpreter runs only the generator's own.
        argv = args[2:] if args[1] == "-P" else args[1:]
        with contextlib.suppress(ServerGoneError):  # then in a new interpreter, as below
            return server.run(argv, cwd, env, timeout)
    proc = subprocess.Popen(
        jail.command(args, cwd, env),
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    with _running_lock:
        _running.add(proc)
    try:
        output, _ = proc.communicate(timeout=timeout)
        return proc.returncode == 0, output
    except subprocess.TimeoutExpired:
        _kill(proc)
        return False, proc.communicate()[0] + f"\ntimed out after {timeout:g} s"
    finally:
        with _running_lock:
            _running.discard(proc)


def read_result(path: Path) -> str | None:
    """A result file a check wrote (None when there is none): opened without following a
    symbolic link, and only as a regular file, so no process in a jail can point it elsewhere."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as result:
        if not stat.S_ISREG(os.fstat(result.fileno()).st_mode):
            return None
        return result.read().decode("utf-8", errors="replace")
