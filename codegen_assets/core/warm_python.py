"""Validators' Python commands in a warm interpreter, for code the generator wrote.

A node's tests, mypy, coverage and the ecosystem's gates each started a new interpreter that
imported omnibase-core, omnibase-infra, pytest and mypy again: most of a validation's 8.5 s
(py-spy; README). ``python_server.py`` imports them once, inside the same sandbox a validator
gets (its jail's only writable paths are its own directory, which holds every validation's
copy, and the shared mypy cache), and forks a child per command. A child is a copy of the warm
interpreter, so one command never sees another's state. Code with hand edits never runs here:
it gets a new sandbox per command, as before.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from codegen_assets.core.sandbox import Jail

SCRIPT = Path(__file__).resolve().with_name("python_server.py")
# bubblewrap's --die-with-parent follows the thread that started it, and Dagster runs steps in
# threads that end with the run: the server is started from this thread, which lives on.
_SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warm-python-start")
_PER_COMMAND = ("HOME", "TMPDIR")  # what a command's environment may set differently
_GRACE_SECONDS = 10.0


class ServerGoneError(RuntimeError):
    """The warm interpreter exited; the command did not run."""


class WarmPython:
    """One ``python_server.py`` process in its own jail; commands run in forked children."""

    def __init__(
        self,
        sandboxed: bool,
        mypy_cache: Path,
        env: Mapping[str, str],
        remember: Path | None = None,
    ) -> None:
        """``remember``: a file of the modules commands imported, kept across processes (read at
        start-up, so a new process's interpreter starts as warm as the last one ended)."""
        self.base = Path(tempfile.mkdtemp(prefix="nodegen-python-"))
        self.env = {**env, "HOME": str(self.base), "TMPDIR": str(self.base)}
        mypy_cache.mkdir(parents=True, exist_ok=True)
        self.jail = Jail(self.base, sandboxed, writable=(mypy_cache,), readonly=(SCRIPT.parent,))
        command = self.jail.command([sys.executable, str(SCRIPT)], self.base, self.env)
        with (self.base / "server.log").open("w") as log:
            self.process = _SPAWNER.submit(
                subprocess.Popen,
                command,
                cwd=self.base,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,
            ).result()
        self._ids = itertools.count(1)
        self._waiting: dict[int, Future[int]] = {}
        self._preloaded: set[str] = set()
        self._lock = threading.Lock()
        self._remember = remember
        threading.Thread(target=self._read_answers, name="warm-python", daemon=True).start()
        if remember is not None and remember.is_file():
            self.preload(remember.read_text("utf-8").split())

    def accepts(self, env: Mapping[str, str]) -> bool:
        """Whether a command with ``env`` can run here: set at start-up, an interpreter's
        environment (``PYTHONPATH``, say) cannot change afterwards."""
        ignored = set(_PER_COMMAND)
        same = {k: v for k, v in env.items() if k not in ignored}
        return self.alive and same == {k: v for k, v in self.env.items() if k not in ignored}

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def preload(self, modules: list[str]) -> None:
        """Import ``modules`` in the warm interpreter (once each)."""
        with self._lock:
            new = [m for m in modules if m not in self._preloaded]
            self._preloaded.update(new)
            if new:
                self._send({"preload": new})

    def run(
        self, argv: list[str], cwd: Path, env: Mapping[str, str], timeout: float
    ) -> tuple[bool, str]:
        """``python <argv>`` in a forked child; (exit status 0, output). Killed at ``timeout``."""
        answer: Future[int] = Future()
        with self._lock:
            request_id = next(self._ids)
            output = Path(env["TMPDIR"]) / f"python-{request_id}.out"
            self._waiting[request_id] = answer
            self._send(
                {
                    "id": request_id,
                    "argv": argv,
                    "cwd": str(cwd),
                    "env": dict(env),
                    "output": str(output),
                    "timeout": timeout,
                }
            )
        try:
            code = answer.result(timeout=timeout + _GRACE_SECONDS)
        except FutureTimeout:
            self.kill(request_id)
            return False, _read(output) + f"\ntimed out after {timeout:g} s"
        timed_out = f"\ntimed out after {timeout:g} s" if code == -9 else ""
        return code == 0, _read(output) + timed_out

    def kill(self, request_id: int) -> None:
        with self._lock:
            if self.alive:
                self._send({"kill": request_id})

    def kill_all(self) -> None:
        """Kill every command still running (a run was stopped)."""
        with self._lock:
            waiting = list(self._waiting)
        for request_id in waiting:
            self.kill(request_id)

    def close(self) -> None:
        """Stop the interpreter (its children are killed) and remove its directory."""
        if self.alive and self.process.stdin is not None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.base, ignore_errors=True)

    def _learn(self, modules: list[str]) -> None:
        """Note modules the server imported after a command did; keep them in ``remember``."""
        new = sorted(set(modules) - self._preloaded)
        if not new:
            return
        self._preloaded.update(new)
        if self._remember is not None:
            with contextlib.suppress(OSError):
                self._remember.parent.mkdir(parents=True, exist_ok=True)
                temporary = self._remember.with_suffix(".tmp")
                temporary.write_text("\n".join(sorted(self._preloaded)), encoding="utf-8")
                temporary.replace(self._remember)

    def _send(self, message: Mapping[str, object]) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write((json.dumps(message) + "\n").encode())
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError) as exc:
            raise ServerGoneError("the warm Python exited") from exc

    def _read_answers(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            message = json.loads(line)
            with self._lock:
                answer = self._waiting.pop(message["id"], None)
                self._learn(message.get("learned", []))
            if answer is not None:
                answer.set_result(int(message["code"]))
        with self._lock:
            waiting, self._waiting = self._waiting, {}
        for answer in waiting.values():
            answer.set_exception(ServerGoneError("the warm Python exited"))


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8", errors="replace")
    except OSError:
        return ""


_servers: dict[tuple[bool, Path], WarmPython] = {}
_servers_lock = threading.Lock()


def warm_python(sandboxed: bool, mypy_cache: Path, env: Mapping[str, str]) -> WarmPython:
    """This process's warm interpreter for the sandbox mode and mypy cache (started on first
    use, and again if it exited). The modules its commands import are remembered beside the
    mypy cache."""
    key = (sandboxed, mypy_cache.resolve())
    with _servers_lock:
        server = _servers.get(key)
        if server is None or not server.alive:
            if server is not None:
                server.close()
            remember = mypy_cache.with_name(f"{mypy_cache.name}-warm-modules.txt")
            server = _servers[key] = WarmPython(sandboxed, mypy_cache, env, remember)
        return server


def kill_all() -> None:
    """Kill every command the warm interpreters are running."""
    with _servers_lock:
        servers = list(_servers.values())
    for server in servers:
        server.kill_all()


@atexit.register
def _close_all() -> None:
    with _servers_lock:
        servers = list(_servers.values())
        _servers.clear()
    for server in servers:
        server.close()
