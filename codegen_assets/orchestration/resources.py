"""Dagster resources: each external system, with an embedded default."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from dagster import ConfigurableResource, DagsterInstance

from codegen_assets.core.intelligence.rag_client import RagClient
from codegen_assets.core.logic.body_writer import Validate, replay_map, write_body
from codegen_assets.core.logic.gateway import ModelGateway
from codegen_assets.core.logic.task import BodyResult, HandlerTask
from codegen_assets.core.model_settings import ModelChoice, ModelConfigError, ModelSettings
from codegen_assets.core.models import (
    FileSet,
    GenerationRequest,
    GitHubTarget,
    RefinedCode,
    StyleConfig,
    ValidationReport,
)
from codegen_assets.core.secret_env import redact, secret_values
from codegen_assets.core.settings import SandboxMode
from codegen_assets.core.stages.refined_code import refine_files
from codegen_assets.core.stages.validation_report import validate_files
from codegen_assets.core.stages.written_logic import NO_SANDBOX
from codegen_assets.core.validation.sandbox import use_bwrap
from codegen_assets.core.validation.settings import ValidationSettings
from codegen_assets.orchestration.run_history import DagsterRunHistory
from codegen_assets.storage.artifacts import ArtifactStore
from codegen_assets.storage.dashboards import DashboardStore
from codegen_assets.storage.model_gateway import open_gateway, reading_gateway
from codegen_assets.storage.outbox import Outbox
from codegen_assets.storage.queue import RequestQueue
from codegen_assets.storage.registry import NodeRegistry
from codegen_assets.storage.retention import UsedValidationCache
from github_app.settings import AppSettings

if TYPE_CHECKING:  # the GitHub client loads when a GitHub step runs, not with the asset graph
    from github_app.dashboard import DashboardKeeper, RegenerationPolicy
    from github_app.progress import CheckRunProgress
    from github_app.publishing import Publisher
    from github_app.regeneration import Regenerator


class ArtifactStoreResource(ConfigurableResource["ArtifactStoreResource"]):
    """Requests and undelivered code (the configured database), and where this worker writes
    bot-mode nodes before publishing them."""

    path: str  # a SQLite file or a database URL
    workspace: str = ""

    def store(self) -> ArtifactStore:
        """Open the store."""
        return ArtifactStore(self.path)

    def destination(self, request: GenerationRequest) -> Path:
        """The request's output directory, or (bot mode) one in this worker's workspace."""
        if request.output_dir is not None:
            return Path(request.output_dir)
        if not self.workspace:
            raise ValueError(f"request {request.request_id} has no output directory")
        return Path(self.workspace) / request.request_id


class IntelligenceResource(ConfigurableResource["IntelligenceResource"]):
    """The optional remote RAG service; without a URL only the embedded library is used."""

    rag_url: str = ""
    timeout_seconds: float = 5.0

    def client(self) -> RagClient | None:
        """A client sharing this process's circuit breaker for the URL, or None."""
        return (
            RagClient(self.rag_url, timeout_seconds=self.timeout_seconds) if self.rag_url else None
        )


class ValidatorResource(ConfigurableResource["ValidatorResource"]):
    """Runs ruff, ruff format, mypy --strict and pytest on a private copy of a node, under
    bubblewrap where available (``sandbox``: auto, bwrap or none)."""

    timeout_seconds: float = 120.0
    mypy_cache_dir: str
    sandbox: SandboxMode = "auto"
    cache_dir: str = ""  # passing reports kept by content; empty: no cache
    warm: bool = True  # Python checks of generated code in a warm interpreter
    warm_keep_seconds: float = 0.0  # shared with later processes while used this recently

    @classmethod
    def of(cls, settings: ValidationSettings) -> ValidatorResource:
        """The resource validating with ``settings`` (``validation_settings`` of the
        environment's ``NodegenSettings``), as Dagster configuration."""
        return cls(
            timeout_seconds=settings.timeout,
            mypy_cache_dir=str(settings.mypy_cache),
            sandbox=settings.sandbox,
            cache_dir=str(settings.cache_dir or ""),
            warm=settings.warm,
            warm_keep_seconds=settings.keep_seconds,
        )

    def settings(self) -> ValidationSettings:
        """The settings every validation of this resource runs with."""
        return ValidationSettings(
            timeout=self.timeout_seconds,
            mypy_cache=Path(self.mypy_cache_dir),
            sandbox=self.sandbox,
            cache_dir=Path(self.cache_dir) if self.cache_dir else None,
            warm=self.warm,
            keep_seconds=self.warm_keep_seconds,
        )

    def _cache(self) -> UsedValidationCache | None:
        return UsedValidationCache.of(self.settings().cache_dir)

    def sandboxed(self) -> bool:
        """Whether the validators run in a sandbox (bubblewrap) here."""
        return use_bwrap(self.sandbox)

    def check(self, files: FileSet, style: StyleConfig | None = None) -> ValidationReport:
        """Validate generated ``files`` (style under the repository's ``style``)."""
        return self._validate(files, style, trusted=True)

    def check_merged(self, files: FileSet, style: StyleConfig | None = None) -> ValidationReport:
        """Validate files that include hand edits (never executed without a sandbox)."""
        return self._validate(files, style, trusted=False)

    def _validate(
        self, files: FileSet, style: StyleConfig | None, *, trusted: bool
    ) -> ValidationReport:
        return validate_files(
            files, self.settings(), trusted=trusted, style=style, cache=self._cache()
        )

    def refine(
        self, files: FileSet, report: ValidationReport, style: StyleConfig | None = None
    ) -> RefinedCode:
        """Apply automatic fixes and re-validate once."""
        return refine_files(files, report, self.settings(), style=style, cache=self._cache())


class GitHubResource(ConfigurableResource["GitHubResource"]):
    """Publishes pull requests as the GitHub App (credentials from ``NODEGEN_GITHUB_*``)."""

    def publisher(self, store: ArtifactStore, installation_id: int) -> Publisher:
        """A publisher for one installation."""
        from github_app.publishing import Publisher

        return Publisher.for_installation(AppSettings(), installation_id, store)

    def run_url(self, run_id: str) -> str:
        """Link to the Dagster run."""
        return f"{AppSettings().dagster_url.rstrip('/')}/runs/{run_id}"

    def progress(self, target: GitHubTarget) -> CheckRunProgress:
        """The request's check run and issue thread."""
        from github_app.progress import CheckRunProgress

        return CheckRunProgress.for_target(target)

    def regeneration_policy(self, repository: str, installation_id: int) -> RegenerationPolicy:
        """How ``repository`` wants its stale nodes handled (its ``.github/nodegen.yml``)."""
        from github_app.dashboard import RegenerationPolicy

        return RegenerationPolicy.of(AppSettings(), repository, installation_id)

    def write_interval(self) -> float:
        """Seconds between progress updates of one run (GitHub's write pacing, at least 0.5)."""
        return max(AppSettings().write_interval_seconds, 0.5)


class RequestQueueResource(ConfigurableResource["RequestQueueResource"]):
    """The durable webhook request queue (SQLite beside the instance)."""

    path: str

    def queue(self) -> RequestQueue:
        """Open the queue."""
        return RequestQueue(self.path)

    def registry(self) -> NodeRegistry:
        """The registry of delivered nodes (same database as the queue)."""
        return NodeRegistry(self.path)

    def dashboard_store(self) -> DashboardStore:
        """Dashboard issues and the regenerations approved on them (same database)."""
        return DashboardStore(self.path)

    def dashboards(self, instance: DagsterInstance) -> DashboardKeeper:
        """The dashboards, with ``instance``'s failed runs."""
        from github_app.dashboard import DashboardKeeper

        return DashboardKeeper(AppSettings(), self.path, DagsterRunHistory(instance))

    def regenerator(
        self,
        installation_id: int,
        validator: ValidatorResource,
        model: ModelResource | None = None,
    ) -> Regenerator:
        """A regenerator acting as the App in one installation (replaying, with ``model``, the
        answers of a model that a node's lock records)."""
        from github_app.regeneration import Regenerator

        account = f"installation:{installation_id}"
        replay = (
            functools.partial(model.replay, account, sandboxed=validator.sandboxed())
            if model is not None
            else None
        )
        return Regenerator.for_installation(installation_id, validator, replay)


class KafkaResource(ConfigurableResource["KafkaResource"]):
    """The Kafka cluster generation events are mirrored to, through the outbox."""

    bootstrap_servers: str = ""  # empty: no mirroring
    env: str = "dev"  # the first part of every topic name
    outbox: str  # a SQLite file or a database URL

    def open_outbox(self) -> Outbox:
        """The outbox the events wait in."""
        return Outbox(self.outbox)


class ModelResource(ConfigurableResource["ModelResource"]):
    """The model that writes handler bodies left "to write" (embedded default: off).

    Holds no key: the key is read when a gateway opens, from ``NODEGEN_LLM_API_KEY`` (held out
    of child processes) or ``NODEGEN_LLM_API_KEY_PATH``, so it is in no run config, resource
    config or event. Budgets, timeouts and prices come from the other ``NODEGEN_LLM_*``
    settings; answers and usage live in ``database`` (a SQLite file or a database URL).
    """

    mode: Literal["off", "on", "replay"] = "off"
    provider: Literal["openai", "anthropic"] = "openai"
    base_url: str = ""
    model: str = ""
    database: str

    def settings(self, choice: ModelChoice | None = None) -> ModelSettings:
        """These settings over the environment's, with a repository's ``choice`` applied."""
        return self._configured().choose(choice).check()

    def _configured(self) -> ModelSettings:
        chosen = {"mode": self.mode, "provider": self.provider, "base_url": self.base_url}
        if self.model:
            chosen["model"] = self.model
        return ModelSettings().model_copy(update=chosen)

    @contextmanager
    def gateway(
        self,
        account: str,
        *,
        choice: ModelChoice | None = None,
        lock: dict[str, Any] | None = None,
    ) -> Iterator[ModelGateway]:
        """A gateway for ``account`` (``installation:<id>`` or ``cli``); in replay mode only
        the answers ``lock`` (a ``lock_record``) names are given. ``ModelConfigError`` when
        the mode is off."""
        settings = self.settings(choice)
        if not settings.enabled:
            raise ModelConfigError("no model: NODEGEN_LLM_MODE=off")
        replay = replay_map(lock) if lock is not None and settings.mode == "replay" else None
        if replay is not None and lock is not None:  # the model the answers came from
            recorded = {"provider": lock.get("provider"), "model": lock.get("model")}
            settings = settings.model_copy(update={k: v for k, v in recorded.items() if v})
        with open_gateway(settings, self.database, account, replay=replay) as gateway:
            yield gateway

    def mode_for(self, choice: ModelChoice | None) -> str:
        """The mode a request runs in: the repository's or the command's choice, else ours."""
        return choice.mode if choice is not None and choice.mode is not None else self.mode

    @contextmanager
    def writer(
        self,
        account: str,
        *,
        choice: ModelChoice | None = None,
        lock: dict[str, Any] | None = None,
        sandboxed: bool = True,
    ) -> Iterator[tuple[ModelGateway | None, str]]:
        """``(gateway, "")`` for a run that may ask the model; ``(None, "")`` when the mode is
        off (nothing is read or opened); ``(None, why)`` when the model cannot be used: its
        settings do not work together, or there is no sandbox to run its code in."""
        if self.mode_for(choice) == "off":
            yield None, ""
            return
        if not sandboxed:
            yield None, NO_SANDBOX
            return
        with ExitStack() as stack:
            try:
                gateway = stack.enter_context(self.gateway(account, choice=choice, lock=lock))
            except (ModelConfigError, OSError) as exc:
                yield None, "not asked: " + redact(str(exc), secret_values())
                return
            yield gateway, ""

    @contextmanager
    def replay(
        self, account: str, lock: dict[str, Any] | None, *, sandboxed: bool = True
    ) -> Iterator[ModelGateway | None]:
        """A gateway that gives only the answers ``lock`` records and asks nothing (a
        regeneration's), whatever the mode; None without recorded answers or a sandbox."""
        if not lock or not lock.get("answers"):
            yield None
            return
        replaying = ModelChoice(mode="replay")
        with self.writer(account, choice=replaying, lock=lock, sandboxed=sandboxed) as opened:
            yield opened[0]

    def write_body(
        self,
        task: HandlerTask,
        validate: Validate,
        *,
        account: str,
        choice: ModelChoice | None = None,
    ) -> BodyResult:
        """One handler's body (see ``logic.body_writer.write_body``)."""
        with self.gateway(account, choice=choice) as gateway:
            return write_body(task, gateway, validate)

    @contextmanager
    def reader(
        self, account: str, *, choice: ModelChoice | None = None
    ) -> Iterator[tuple[ModelGateway | None, str]]:
        """For reading a prompt (``read_prompt``): ``(gateway, "")``; ``(None, "")`` when the
        mode is off (nothing is opened); ``(None, why)`` when the settings cannot work."""
        with reading_gateway(
            self.database, account, settings=self._configured(), choice=choice
        ) as found:
            yield found
