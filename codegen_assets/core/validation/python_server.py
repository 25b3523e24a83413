"""A warm Python for validators: imports the toolchain once, then forks a child per command.

Run as a script inside the validation sandbox: ``python python_server.py SOCKET KEEP_SECONDS``
(it imports nothing from onex-nodegen, so it runs from a read-only copy of this file). It listens
on the Unix socket ``SOCKET``; each connection is one client, whose requests and answers are JSON
objects, one a line:

- ``{"preload": ["module", "module:function", ...]}``: import these here, once, so children start
  with them loaded (a module that fails to import is left to fail where a command imports it);
  ``module:function`` also calls that function with no arguments, once: a cache it fills (of an
  installed package's own data) is then every child's. Only the client asks for calls; a module
  is imported only from the standard library or site-packages;
- ``{"id": 1, "argv": ["-m", "mypy", ...], "cwd": ..., "env": {...}, "output": ..., "timeout": s}``:
  fork; the child runs ``python <argv>`` as the interpreter would (``-c CODE``, ``-m MODULE`` or
  a script), in ``cwd`` with exactly ``env``, stdout and stderr into the ``output`` file, killed
  with its process group at ``timeout``; answered ``{"id": 1, "code": <exit status>,
  "learned": [...]}``, where ``learned`` are the installed modules the command imported, which
  the server has now imported too (so the next command starts with them). The server learns
  only what it observes: the child's own list is a hint, each name in it is a plain module name
  whose origin the server checks itself before importing it (the standard library or
  site-packages of this interpreter); nothing a child names is ever called;
- ``{"kill": 1}``: kill that command's process group (answered as it exits);
- ``{"stop": true}``: kill every command of every client and exit now (``omninode-generate
  stop-validators``; only this user can reach the socket, in a 0700 directory).

A client that disconnects has its commands killed. With no client and no command left, the
server exits after ``KEEP_SECONDS`` (at once for 0), unless a client is connecting: clients and
the server take ``SOCKET.lock`` around connecting and leaving, so a client either reaches a
server that stays or finds no socket and starts a new one.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import importlib
import importlib.util
import inspect
import json
import os
import re
import runpy
import selectors
import signal
import socket
import sys
import tempfile
import time
import traceback
from typing import Any

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_CALL = re.compile(rf"(?P<module>{_NAME.pattern}):(?P<function>[A-Za-z_][A-Za-z0-9_]*)")


def _run_python(argv: list[str]) -> int:
    """``python <argv>`` in this process; its exit status."""
    try:
        if argv[0] == "-c":
            sys.argv = ["-c", *argv[2:]]
            sys.path[0] = ""
            exec(compile(argv[1], "<string>", "exec"), {"__name__": "__main__"})
        elif argv[0] == "-m":
            sys.argv = [argv[1], *argv[2:]]
            sys.path[0] = ""
            runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        else:
            sys.argv = list(argv)
            sys.path[0] = os.path.dirname(os.path.abspath(argv[0]))
            runpy.run_path(argv[0], run_name="__main__")
    except SystemExit as exc:
        code = exc.code
        if code is None or isinstance(code, int):
            return code or 0
        print(code, file=sys.stderr)
        return 1
    except BaseException:  # reported as the interpreter reports it
        traceback.print_exc()
        return 1
    return 0


def _learnable(before: set[str], private: str) -> list[str]:
    """Modules this child imported from installed packages or the standard library (never from
    ``private``, where the nodes and their tests are): worth importing in the server."""
    found = []
    for name, module in list(sys.modules.items()):
        if name in before or module is None or not _NAME.fullmatch(name):
            continue
        origin = getattr(getattr(module, "__spec__", None), "origin", None)
        if origin in {"built-in", "frozen"} or (
            isinstance(origin, str)
            and os.path.isabs(origin)
            and not os.path.realpath(origin).startswith(private)
        ):
            found.append(name)
    return found


def _child(request: dict[str, Any], private: str) -> None:
    """In the forked child: become the command, then exit with its status (and leave the list
    of modules it imported beside its output)."""
    before = set(sys.modules)
    os.setpgid(0, 0)
    signal.signal(signal.SIGALRM, lambda *_: os.killpg(0, signal.SIGKILL))
    signal.alarm(max(1, int(request["timeout"]) + 1))
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    tempfile.tempdir = None
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    output = os.open(request["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(output, 1)
    os.dup2(output, 2)
    code = 1
    try:
        code = _run_python(request["argv"])
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
            learned = "\n".join(_learnable(before, private))
            with open(request["output"] + ".modules", "w", encoding="utf-8") as listing:
                listing.write(learned)
        os._exit(code if 0 <= code < 256 else 1)


_called: set[str] = set()  # module:function names called here already


def _installed_roots() -> tuple[str, ...]:
    """Where modules may be imported from: this interpreter's standard library and
    site-packages (read-only in the sandbox), never the directory of the nodes' copies."""
    import sysconfig

    roots = {sysconfig.get_path(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots |= {p for p in sys.path if p.endswith(("site-packages", "dist-packages"))}
    return tuple(sorted(os.path.realpath(r) + os.sep for r in roots if r and os.path.isdir(r)))


_ROOTS: tuple[str, ...] = ()


def _from_installed(name: str) -> bool:
    """Whether ``name`` and every package above it come from the standard library or
    site-packages (checked by where their files are, before anything of them runs)."""
    parts = name.split(".")
    for depth in range(1, len(parts) + 1):
        prefix = ".".join(parts[:depth])
        module = sys.modules.get(prefix)
        spec = getattr(module, "__spec__", None) if module is not None else None
        if spec is None:
            try:
                spec = importlib.util.find_spec(prefix)
            except (ImportError, ValueError):
                return False
        if spec is None:
            return False
        places = [spec.origin] if spec.origin not in (None, "namespace") else []
        places += list(spec.submodule_search_locations or [])
        if spec.origin in ("built-in", "frozen"):
            continue
        if not places or not all(
            isinstance(p, str) and os.path.realpath(p).startswith(_ROOTS) for p in places
        ):
            return False
    return True


def _learn(names: list[str]) -> list[str]:
    """A child's list of modules it imported, as a hint: the plain module names among them
    that the server itself finds installed, imported here; never a call."""
    return _import([n for n in names if _NAME.fullmatch(n) and _from_installed(n)])


def _import(names: list[str]) -> list[str]:
    """Import ``names`` here (a module that fails is left to fail where a command imports it),
    calling each ``module:function`` once; returns the names now loaded. Only for names the
    client sent, or that ``_learn`` checked."""
    loaded = []
    known = len(sys.modules)
    called = False
    for name in names:
        call = _CALL.fullmatch(name)
        if (_NAME.fullmatch(name) or call) and _from_installed(call["module"] if call else name):
            with contextlib.suppress(Exception):
                module = importlib.import_module(call["module"] if call else name)
                if call and name not in _called:
                    getattr(module, call["function"])()
                    _called.add(name)
                    called = True
                loaded.append(name)
    if called or len(sys.modules) != known:
        _settle()
    return loaded


def _settle() -> None:
    """Prepare what was just loaded for children to share."""
    # Tools (coverage, pytest, hypothesis) ask inspect which module a frame's file belongs to;
    # its index of every loaded module's file is filled here, not in each child (~0.3 s).
    inspect.getmodule(compile("", "<index of loaded modules>", "exec"))
    # Out of the collector's reach: a child's collections (pytest runs several at its end) then
    # scan only what the child made, not every module loaded here (0.5 s), and leave the
    # shared pages unwritten.
    gc.collect()
    gc.freeze()


_FIRST_CLIENT_SECONDS = 60.0  # how long a new server waits for the client that started it


class _Client:
    """One connection: its unread bytes and its running commands (request id -> pid, output)."""

    def __init__(self, connection: socket.socket) -> None:
        self.connection = connection
        self.buffered = b""
        self.running: dict[int, tuple[int, str]] = {}


class _Server:
    def __init__(self, path: str, keep_seconds: float) -> None:
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # nothing a module prints goes anywhere
        self.path = path
        self.keep_seconds = keep_seconds
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        self.listener.bind(path)
        self.listener.listen(16)
        self.listener.setblocking(False)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ)
        self.clients: dict[int, _Client] = {}  # by socket fd
        self.private = os.path.realpath(os.getcwd()) + os.sep  # the copies of nodes live here
        self.idle_since = time.monotonic()
        self.idle_limit = _FIRST_CLIENT_SECONDS
        self.stopping = False

    def serve(self) -> None:
        """Answer clients until none has been connected for as long as the server is kept, or
        one asks it to stop."""
        while not self.stopping:
            left = None if self.clients else self.idle_since + self.idle_limit - time.monotonic()
            if left is not None and left <= 0:
                if self.leave():
                    return
                left = 0.05
            for key, _ in self.selector.select(left):
                if key.fileobj is self.listener:
                    self.accept()
                elif isinstance(key.data, _Client):
                    self.receive(key.data)
                else:
                    self.reap(key)

    def leave(self) -> bool:
        """Stop listening unless a client is connecting (it holds the lock); whether stopped."""
        try:
            lock = os.open(self.path + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return True  # the directory is gone: no client can find this server
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(lock)
            return False
        try:
            if self.accept():
                return False
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            self.listener.close()
            return True
        finally:
            os.close(lock)  # releases the lock

    def stop(self) -> None:
        """Kill every running command and stop listening: the server exits."""
        for other in list(self.clients.values()):
            self.drop(other)
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        self.listener.close()
        self.stopping = True

    def accept(self) -> bool:
        try:
            connection, _ = self.listener.accept()
        except BlockingIOError:
            return False
        connection.setblocking(True)
        client = _Client(connection)
        self.clients[connection.fileno()] = client
        self.selector.register(connection, selectors.EVENT_READ, client)
        self.idle_limit = self.keep_seconds
        return True

    def receive(self, client: _Client) -> None:
        try:
            data = client.connection.recv(1 << 16)
        except OSError:  # a client that ended abruptly
            data = b""
        if not data:
            self.drop(client)
            return
        *lines, client.buffered = (client.buffered + data).split(b"\n")
        for line in lines:
            self.handle(client, json.loads(line))

    def drop(self, client: _Client) -> None:
        """A client left: its commands are killed (and reaped as they exit)."""
        for pid, _ in client.running.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        self.selector.unregister(client.connection)
        del self.clients[client.connection.fileno()]
        client.connection.close()
        if not self.clients:
            self.idle_since = time.monotonic()

    def handle(self, client: _Client, request: dict[str, Any]) -> None:
        if "preload" in request:
            _import(request["preload"])
        elif "kill" in request:
            with contextlib.suppress(KeyError, ProcessLookupError):
                os.killpg(client.running[request["kill"]][0], signal.SIGKILL)
        elif request.get("stop") is True:
            self.stop()
        else:
            self.start(client, request)

    def start(self, client: _Client, request: dict[str, Any]) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            for key in list(self.selector.get_map().values()):
                with contextlib.suppress(OSError):
                    os.close(key.fd)
            self.selector.close()
            _child(request, self.private)
        with contextlib.suppress(OSError):  # the child does it too; whoever runs first
            os.setpgid(pid, pid)
        client.running[request["id"]] = (pid, request["output"])
        self.selector.register(os.pidfd_open(pid), selectors.EVENT_READ, (client, request["id"]))

    def reap(self, key: selectors.SelectorKey) -> None:
        self.selector.unregister(key.fileobj)
        os.close(key.fd)
        client, request_id = key.data
        pid, output = client.running.pop(request_id)
        _, status = os.waitpid(pid, 0)
        answer = {"id": request_id, "code": os.waitstatus_to_exitcode(status)}
        try:
            with open(output + ".modules", encoding="utf-8") as listing:
                answer["learned"] = _learn(listing.read().split())
        except OSError:
            pass
        if client.connection.fileno() in self.clients:
            with contextlib.suppress(OSError):
                client.connection.sendall((json.dumps(answer) + "\n").encode())


def _trusted_path() -> None:
    """Only the standard library, site-packages and read-only directories on ``sys.path``: a
    module planted in a directory a command can write to would be imported by a later one."""
    first, *rest = sys.path  # the script's slot, which a command's own path replaces
    kept = [p for p in rest if p and os.path.isdir(p) and _trusted_dir(p)]
    sys.path[:] = [first if _trusted_dir(first) else os.devnull, *kept]


def _trusted_dir(path: str) -> bool:
    return (os.path.realpath(path) + os.sep).startswith(_ROOTS) or not os.access(path, os.W_OK)


if __name__ == "__main__":
    _ROOTS = _installed_roots()
    _trusted_path()
    _Server(sys.argv[1], float(sys.argv[2])).serve()
    os._exit(0)  # answers are written unbuffered; tearing down the preloaded modules takes ~1 s
