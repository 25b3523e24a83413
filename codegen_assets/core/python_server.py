"""A warm Python for validators: imports the toolchain once, then forks a child per command.

Run as a script inside the validation sandbox: ``python python_server.py`` (it imports nothing
from onex-nodegen, so it runs from a read-only copy of this file). Requests arrive on stdin and
answers leave on the original stdout, one JSON object per line:

- ``{"preload": ["module", "module:function", ...]}``: import these here, once, so children start
  with them loaded (a module that fails to import is left to fail where a command imports it);
  ``module:function`` also calls that function with no arguments, once: a cache it fills (of an
  installed package's own data) is then every child's;
- ``{"id": 1, "argv": ["-m", "mypy", ...], "cwd": ..., "env": {...}, "output": ..., "timeout": s}``:
  fork; the child runs ``python <argv>`` as the interpreter would (``-c CODE``, ``-m MODULE`` or
  a script), in ``cwd`` with exactly ``env``, stdout and stderr into the ``output`` file, killed
  with its process group at ``timeout``; answered ``{"id": 1, "code": <exit status>,
  "learned": [...]}``, where ``learned`` are the installed modules the command imported, which
  the server has now imported too (so the next command starts with them);
- ``{"kill": 1}``: kill that command's process group (answered as it exits).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import inspect
import json
import os
import re
import runpy
import selectors
import signal
import sys
import tempfile
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


def _child(request: dict[str, Any], answers: int, private: str) -> None:
    """In the forked child: become the command, then exit with its status (and leave the list
    of modules it imported beside its output)."""
    before = set(sys.modules)
    os.close(answers)
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


def _import(names: list[str]) -> list[str]:
    """Import ``names`` here (a module that fails is left to fail where a command imports it),
    calling each ``module:function`` once; returns the names now loaded."""
    loaded = []
    known = len(sys.modules)
    called = False
    for name in names:
        call = _CALL.fullmatch(name)
        if _NAME.fullmatch(name) or call:
            with contextlib.suppress(Exception):
                module = importlib.import_module(call["module"] if call else name)
                if call:
                    getattr(module, call["function"])()
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


class _Server:
    def __init__(self) -> None:
        self.answers = os.dup(1)  # answers go here; fd 1 is /dev/null for anything else
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        self.selector = selectors.DefaultSelector()
        self.selector.register(0, selectors.EVENT_READ)
        self.running: dict[int, tuple[int, str]] = {}  # request id -> child pid, output file
        self.private = os.path.realpath(os.getcwd()) + os.sep  # the copies of nodes live here

    def serve(self) -> None:
        """Answer requests until stdin closes; children still running are killed then."""
        buffered = b""
        while True:
            for key, _ in self.selector.select():
                if key.fd != 0:
                    self.reap(key)
                    continue
                data = os.read(0, 1 << 16)
                if not data:
                    for pid, _ in self.running.values():
                        with contextlib.suppress(ProcessLookupError):
                            os.killpg(pid, signal.SIGKILL)
                    return
                *lines, buffered = (buffered + data).split(b"\n")
                for line in lines:
                    self.handle(json.loads(line))

    def handle(self, request: dict[str, Any]) -> None:
        if "preload" in request:
            _import(request["preload"])
        elif "kill" in request:
            with contextlib.suppress(KeyError, ProcessLookupError):
                os.killpg(self.running[request["kill"]][0], signal.SIGKILL)
        else:
            self.start(request)

    def start(self, request: dict[str, Any]) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            self.selector.close()
            _child(request, self.answers, self.private)
        with contextlib.suppress(OSError):  # the child does it too; whoever runs first
            os.setpgid(pid, pid)
        self.running[request["id"]] = (pid, request["output"])
        self.selector.register(os.pidfd_open(pid), selectors.EVENT_READ, request["id"])

    def reap(self, key: selectors.SelectorKey) -> None:
        self.selector.unregister(key.fileobj)
        os.close(key.fd)
        pid, output = self.running.pop(key.data)
        _, status = os.waitpid(pid, 0)
        answer = {"id": key.data, "code": os.waitstatus_to_exitcode(status)}
        try:
            with open(output + ".modules", encoding="utf-8") as listing:
                answer["learned"] = _import(listing.read().split())
        except OSError:
            pass
        os.write(self.answers, (json.dumps(answer) + "\n").encode())


if __name__ == "__main__":
    _Server().serve()
    os._exit(0)  # answers are written unbuffered; tearing down the preloaded modules takes ~1 s
