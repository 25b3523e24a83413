"""Consul registration of the served app: register on start, deregister on stop, never block.

If Consul is unreachable the app keeps serving; a background thread retries with exponential
backoff (tenacity) and re-registers if the agent forgets the service (e.g. after a restart).
"""

from __future__ import annotations

import logging
import socket
import threading

import consul
import requests
from pydantic import Field
from pydantic_settings import SettingsConfigDict
from tenacity import Retrying, retry_if_exception_type, wait_exponential

from codegen_assets.core.secret_env import HeldSettings

log = logging.getLogger(__name__)
_ERRORS = (consul.ConsulException, requests.RequestException)


class ConsulSettings(HeldSettings):
    """Where the Consul agent is (``NODEGEN_CONSUL_*``); no host means no registration."""

    model_config = SettingsConfigDict(env_prefix="NODEGEN_CONSUL_", extra="ignore", frozen=True)

    host: str = ""
    port: int = 8500
    service_name: str = "onex-nodegen-webhook"
    tags: tuple[str, ...] = ("onex", "codegen", "webhook")
    check_interval: str = "10s"
    recheck_seconds: float = Field(default=30.0, gt=0)
    max_backoff_seconds: float = Field(default=30.0, gt=0)


class ConsulRegistration:
    """Keeps the service registered while the app runs."""

    def __init__(self, settings: ConsulSettings, address: str, port: int) -> None:
        self.settings = settings
        self.address = address
        self.port = port
        self.service_id = f"{settings.service_name}-{socket.gethostname()}-{port}"
        self.client = consul.Consul(host=settings.host, port=settings.port, connections_timeout=2)
        self.registered = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="consul", daemon=True)

    def start(self) -> None:
        """Register in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Deregister (best effort) and stop retrying."""
        self._stop.set()
        self._thread.join(timeout=5)
        if self.registered.is_set():
            try:
                self.client.agent.service.deregister(self.service_id)
            except _ERRORS as exc:
                log.warning("could not deregister %s from Consul: %s", self.service_id, exc)

    def _register(self) -> None:
        url = f"http://{self.address}:{self.port}/health"
        self.client.agent.service.register(
            self.settings.service_name,
            service_id=self.service_id,
            address=self.address,
            port=self.port,
            tags=list(self.settings.tags),
            check=consul.Check.http(
                url, interval=self.settings.check_interval, timeout="2s", deregister="5m"
            ),
        )

    def _known(self) -> bool:
        return self.service_id in self.client.agent.services()

    def _ensure_registered(self) -> None:
        try:
            if self.registered.is_set() and self._known():
                return
            self._register()
        except _ERRORS:
            self.registered.clear()
            raise
        self.registered.set()
        log.info("registered %s with Consul", self.service_id)

    def _pause(self, seconds: float) -> None:
        """tenacity's sleep: wakes early when the app stops."""
        self._stop.wait(seconds)

    def _loop(self) -> None:
        retrying = Retrying(
            wait=wait_exponential(multiplier=0.5, max=self.settings.max_backoff_seconds),
            retry=retry_if_exception_type(_ERRORS),
            stop=lambda _state: self._stop.is_set(),
            sleep=self._pause,
            before_sleep=lambda state: log.warning(
                "Consul unavailable (%s); retrying",
                state.outcome.exception() if state.outcome else "",
            ),
            reraise=True,
        )
        while not self._stop.is_set():
            try:
                retrying(self._ensure_registered)
            except _ERRORS:
                return  # stopped while Consul was down
            self._stop.wait(self.settings.recheck_seconds)
