"""Consul registration against a fake agent (no real Consul can run here: docs/)."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from codegen_assets.core.settings import NodegenSettings
from github_app.demo.local import free_port, serve, wait_for
from github_app.registration import ConsulRegistration, ConsulSettings
from github_app.server import WebhookService
from github_app.settings import AppSettings
from tests.support.fake_consul import FakeConsulAgent


def service_with(consul_port: int, home: Path) -> tuple[WebhookService, ConsulRegistration]:
    settings = ConsulSettings(host="127.0.0.1", port=consul_port, max_backoff_seconds=0.5)
    registration = ConsulRegistration(settings, "127.0.0.1", 8080)
    service = WebhookService(
        NodegenSettings(home=home),
        AppSettings(),
        triage=False,
        registration=registration,
    )
    return service, registration


def test_registers_with_health_check_and_deregisters_on_shutdown(tmp_path: Path) -> None:
    agent = FakeConsulAgent()
    with serve(agent.app) as url:
        service, registration = service_with(int(url.rsplit(":", 1)[1]), tmp_path)
        with TestClient(service.app):
            wait_for(registration.registered.is_set, 10, "registration")
            (entry,) = agent.services.values()
            assert entry["name"] == "onex-nodegen-webhook"
            assert entry["tags"] == ["onex", "codegen", "webhook"]
            (check,) = entry["checks"]
            assert check["http"] == "http://127.0.0.1:8080/health" and check["interval"] == "10s"
            assert entry["port"] == 8080
        assert agent.services == {} and agent.deregistered == [registration.service_id]


def test_keeps_serving_while_consul_is_down_and_registers_when_it_returns(tmp_path: Path) -> None:
    port = free_port()
    service, registration = service_with(port, tmp_path)
    with TestClient(service.app) as client:
        assert client.get("/health").json()["status"] == "ok"
        assert not registration.registered.wait(1.0)
        agent = FakeConsulAgent()
        with serve_on(agent, port):
            wait_for(registration.registered.is_set, 10, "registration after Consul returns")
            assert registration.service_id in agent.services


def serve_on(agent: FakeConsulAgent, port: int):  # type: ignore[no-untyped-def]
    import threading
    import time
    from contextlib import contextmanager

    import uvicorn

    @contextmanager
    def run():  # type: ignore[no-untyped-def]
        server = uvicorn.Server(
            uvicorn.Config(agent.app, host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.02)
        try:
            yield
        finally:
            server.should_exit = True
            thread.join(timeout=10)

    return run()
