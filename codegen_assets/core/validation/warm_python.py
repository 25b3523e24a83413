"""Validators' Python commands in a warm interpreter, for code the generator wrote.

A node's tests, mypy, coverage and the ecosystem's gates each started a new interpreter that
imported omnibase-core, omnibase-infra, pytest and mypy again: most of a validation's 8.5 s
(py-spy). ``python_server.py`` imports them once, inside the same sandbox a validator
gets (its jail's only writable paths are its own directory, which holds every validation's
copy, and the shared mypy cache), and forks a child per command. A child is a copy of the warm
interpreter, so one command never sees another's state. Code with hand edits never runs here:
it gets a new sandbox per command, as before.

Importing that toolchain is ~3 s of CPU, which a new ``omninode-generate`` process paid every
time. With ``keep_seconds`` the interpreter is shared: the first process that needs it starts it
in a directory named after everything it depends on (this file's server, the interpreter, the
installed distributions, the sandbox mode, the mypy cache and the environment), later processes
connect to it, and it ends by itself after ``keep_seconds`` with no client. Nothing depends on
it being there: a process that finds none starts one.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import itertools
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from codegen_assets.core.validation.sandbox import Jail

SCRIPT = Path(__file__).resolve().with_name("python_server.py")
# bubblewrap's --die-with-parent follows the thread that started it, and Dagster runs steps in
# threads that end with the run: a server of this process is started from this thread, which
# lives on.
_SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warm-python-start")
_PER_COMMAND = ("HOME", "TMPDIR")  # what a command's environment may set differently
_GRACE_SECONDS = 10.0
_START_SECONDS = 30.0  # for a new server to listen
_MAX_SOCKET_PATH = 100  # bytes; sun_path holds 108


class ServerGoneError(RuntimeError):
    """The warm interpreter exited; the command did not run."""


class WarmPython:
    """A connection to one ``python_server.py`` in its own jail; commands run in forked
    children.

    ``keep_seconds`` 0: the server is this object's own (a private directory; it ends with this
    object or this process). Above 0: the server is shared (see the module's docstring) and
    outlives this process by ``keep_seconds`` once no client is left.
    """

    def __init__(
        self,
        sandboxed: bool,
        mypy_cache: Path,
        env: Mapping[str, str],
        remember: Path | None = None,
        keep_seconds: float = 0.0,
    ) -> None:
        """``remember``: a file of the modules commands imported, kept across processes (read at
        start-up, so a new process's interpreter starts as warm as the last one ended)."""
        mypy_cache.mkdir(parents=True, exist_ok=True)
        shared = shared_dir(sandboxed, mypy_cache, env) if keep_seconds > 0 else None
        self.keep_seconds = keep_seconds if shared is not None else 0.0
        self.base = shared or Path(tempfile.mkdtemp(prefix="nodegen-python-"))
        self.env = {**env, "HOME": str(self.base), "TMPDIR": str(self.base)}
        self.jail = Jail(self.base, sandboxed, writable=(mypy_cache,), readonly=(SCRIPT.parent,))
        self.process: subprocess.Popen[bytes] | None = None  # the server, when this one started it
        self._gone = threading.Event()
        self._connection = self._connect()
        self._ids = itertools.count(1)
        self._waiting: dict[int, Future[int]] = {}
        self._preloaded: set[str] = set()
        self._lock = threading.Lock()
        self._remember = remember
        threading.Thread(target=self._read_answers, name="warm-python", daemon=True).start()
        if remember is not None and remember.is_file():
            self.preload(remember.read_text("utf-8").split())

    @property
    def shared(self) -> bool:
        return self.keep_seconds > 0

    def _connect(self) -> socket.socket:
        """Connect to the server, starting it first when there is none."""
        path = self.base / "server.sock"
        with _locked(path.with_name("server.sock.lock")):
            if self.shared:
                connection = _try_connect(path)
                if connection is not None:
                    return connection
            self.process = self._start(path)
            deadline = time.monotonic() + _START_SECONDS
            while time.monotonic() < deadline and self.process.poll() is None:
                connection = _try_connect(path)
                if connection is not None:
                    return connection
                time.sleep(0.01)
        self._gone.set()
        log = _read(self.base / "server.log")[-2000:]
        raise ServerGoneError(f"the warm Python did not start: {log}")

    def _start(self, path: Path) -> subprocess.Popen[bytes]:
        argv = [sys.executable, str(SCRIPT), str(path), f"{self.keep_seconds:g}"]
        command = self.jail.command(argv, self.base, self.env, die_with_parent=not self.shared)
        with (self.base / "server.log").open("ab") as log:

            def start() -> subprocess.Popen[bytes]:
                return subprocess.Popen(
                    command,
                    cwd=self.base,
                    env=self.env,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                    start_new_session=True,
                )

            return start() if self.shared else _SPAWNER.submit(start).result()

    def accepts(self, env: Mapping[str, str]) -> bool:
        """Whether a command with ``env`` can run here: set at start-up, an interpreter's
        environment (``PYTHONPATH``, say) cannot change afterwards."""
        ignored = set(_PER_COMMAND)
        same = {k: v for k, v in env.items() if k not in ignored}
        return self.alive and same == {k: v for k, v in self.env.items() if k not in ignored}

    @property
    def alive(self) -> bool:
        ended = self.process is not None and not self.shared and self.process.poll() is not None
        return not (self._gone.is_set() or ended)

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
        """Leave the interpreter (this client's commands are killed). One of this object's own
        then ends, and its directory is removed; a shared one stays for ``keep_seconds``."""
        with contextlib.suppress(OSError):
            self._connection.shutdown(socket.SHUT_RDWR)
        self._connection.close()
        if self.shared:
            return
        if self.process is not None:
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
        try:
            self._connection.sendall((json.dumps(message) + "\n").encode())
        except OSError as exc:
            self._gone.set()
            raise ServerGoneError("the warm Python exited") from exc

    def _read_answers(self) -> None:
        with contextlib.suppress(OSError), self._connection.makefile("rb") as answers:
            for line in answers:
                message = json.loads(line)
                with self._lock:
                    answer = self._waiting.pop(message["id"], None)
                    self._learn(message.get("learned", []))
                if answer is not None:
                    answer.set_result(int(message["code"]))
        self._gone.set()
        with self._lock:
            waiting, self._waiting = self._waiting, {}
        for answer in waiting.values():
            answer.set_exception(ServerGoneError("the warm Python exited"))


def shared_dir(sandboxed: bool, mypy_cache: Path, env: Mapping[str, str]) -> Path | None:
    """The directory of the shared server for these settings and this toolchain (beside the
    mypy cache, private to this user); None where a socket path there would be too long."""
    digest = hashlib.sha256()
    for part in (SCRIPT.read_bytes(), sys.executable, sandboxed, mypy_cache.resolve()):
        digest.update(part if isinstance(part, bytes) else str(part).encode())
        digest.update(b"\0")
    for key, value in sorted(env.items()):
        if key not in _PER_COMMAND:
            digest.update(f"{key}={value}\0".encode())
    for entry in sys.path:  # the installed distributions and their versions
        if entry.endswith(("site-packages", "dist-packages")) and os.path.isdir(entry):
            names = sorted(n for n in os.listdir(entry) if n.endswith((".dist-info", ".pth")))
            digest.update("\0".join(names).encode())
    base = mypy_cache.parent / "warm" / digest.hexdigest()[:16]
    if len(os.fsencode(base / "server.sock")) > _MAX_SOCKET_PATH:
        return None
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = base.lstat()  # a symlink is not a directory here
    return base if info.st_uid == os.getuid() and stat.S_ISDIR(info.st_mode) else None


def stop_shared(mypy_cache: Path) -> list[Path]:
    """Ask every kept warm interpreter beside ``mypy_cache`` to stop now (their commands are
    killed); returns the directories of those that were running."""
    stopped = []
    for socket_path in sorted((mypy_cache.parent / "warm").glob("*/server.sock")):
        with _locked(socket_path.with_name("server.sock.lock")):
            connection = _try_connect(socket_path)
            if connection is None:
                continue
            with connection:
                connection.sendall(b'{"stop": true}\n')
                connection.settimeout(_GRACE_SECONDS)
                with contextlib.suppress(OSError):
                    connection.recv(1)  # the server closes its end as it exits
        stopped.append(socket_path.parent)
    return stopped


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _try_connect(path: Path) -> socket.socket | None:
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(path))
    except OSError:
        connection.close()
        return None
    return connection


def _read(path: Path) -> str:
    try:
        return path.read_text("utf-8", errors="replace")
    except OSError:
        return ""


_servers: dict[tuple[bool, Path, float], WarmPython] = {}
_servers_lock = threading.Lock()


def warm_python(
    sandboxed: bool, mypy_cache: Path, env: Mapping[str, str], keep_seconds: float = 0.0
) -> WarmPython:
    """This process's warm interpreter for the sandbox mode and mypy cache (connected on first
    use, and again if it exited; shared with other processes for ``keep_seconds`` > 0). The
    modules its commands import are remembered beside the mypy cache."""
    key = (sandboxed, mypy_cache.resolve(), keep_seconds)
    with _servers_lock:
        server = _servers.get(key)
        if server is None or not server.alive:
            if server is not None:
                server.close()
            remember = mypy_cache.with_name(f"{mypy_cache.name}-warm-modules.txt")
            server = _servers[key] = WarmPython(sandboxed, mypy_cache, env, remember, keep_seconds)
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
