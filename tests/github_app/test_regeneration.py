"""Template drift on the fake GitHub: update PRs keep hand edits, list conflicts, never repeat."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from dagster import (
    AddDynamicPartitionsRequest,
    DagsterInstance,
    RunRequest,
    SensorResult,
    build_schedule_context,
    build_sensor_context,
    materialize,
)
from jinja2 import ChoiceLoader, DictLoader

from codegen_assets.core import version
from codegen_assets.core.layout import NodeLayout
from codegen_assets.core.models import GenerationOptions, NodeType, Target
from codegen_assets.core.pipeline import render_files
from codegen_assets.core.rendering import render
from codegen_assets.core.rendering.merge import merge_text
from codegen_assets.core.rendering.provenance import (
    LOCK_FILE,
    LockFile,
    lock_text,
    read_lock,
    sha256,
)
from codegen_assets.core.settings import NodegenSettings, SandboxMode
from codegen_assets.core.stages.parsed_prompt import parse_prompt
from codegen_assets.core.validation.sandbox import bwrap_works
from codegen_assets.orchestration.drift import (
    DELIVERED_NODES,
    daily_drift_schedule,
    regenerated_node,
    template_drift_sensor,
)
from codegen_assets.orchestration.embedded import EmbeddedRunner
from codegen_assets.orchestration.resources import (
    GitHubResource,
    ModelResource,
    RequestQueueResource,
    ValidatorResource,
)
from codegen_assets.storage.registry import DeliveredNode, node_key
from github_app.demo.fake_github import FakeGitHub
from github_app.demo.local import REPO
from github_app.outcomes import RegenerationOutcome
from tests.support.prompts import DIGEST
from tests.support.spy import SPY

pytestmark = pytest.mark.e2e

OLD_LINE = '        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""\n'
NEW_LINE = '        """Seconds to wait after failed attempt ``attempt`` (1-based), capped."""\n'
HAND_EDIT = (
    '        """Count one failed request."""\n',
    '        """Count one failed request (kept from a hand edit)."""\n',
)
PROMPTS = {
    "ledger": (
        "Effect node named ledger_effect that appends entries to a ledger.",
        NodeType.EFFECT,
    ),
    "audit": ("Effect node named audit_effect that stores audit records.", NodeType.EFFECT),
    "checksum": ("Compute node named checksum_compute that hashes documents.", NodeType.COMPUTE),
}


class Drift:
    """Three delivered nodes, a registry, and the Dagster pieces that regenerate them."""

    def __init__(self, fake: FakeGitHub, tmp_path: Path, mypy_cache: Path) -> None:
        self.fake = fake
        # The sensor opens regeneration PRs only where the repository asks for it.
        fake.push(REPO, "main", {".github/nodegen.yml": "regeneration: auto\n"}, "alice")
        self.queue = RequestQueueResource(path=str(tmp_path / "queue.db"))
        self.registry = self.queue.registry()
        (tmp_path / "dagster").mkdir()
        self.instance = DagsterInstance.local_temp(tempdir=str(tmp_path / "dagster"))
        self.resources = {
            "queue": self.queue,
            "github": GitHubResource(),
            "validator": ValidatorResource(timeout_seconds=300, mypy_cache_dir=str(mypy_cache)),
            "model": ModelResource(database=str(tmp_path / "model.db")),  # embedded default: off
        }
        self.nodes = {name: self.deliver(name) for name in PROMPTS}

    def deliver(self, name: str) -> DeliveredNode:
        """As the app does: the generated files in one bot commit on a branch, then recorded."""
        prompt, node_type = PROMPTS[name]
        options = GenerationOptions(node_type=node_type, target=Target.STANDALONE, package="nodes")
        spec, files = render_files(prompt, options)
        layout = NodeLayout.of(spec, "nodes")
        branch = f"nodegen/{layout.name}"
        return self.push_delivery(branch, layout.node_dir, layout.name, files.files)

    def push_delivery(
        self, branch: str, path: str, node_name: str, files: dict[str, str]
    ) -> DeliveredNode:
        """Push ``files`` (repository paths) as the bot, and record the node at ``path``."""
        repo = self.fake.repos[REPO]
        repo.refs[branch] = repo.refs[repo.default_branch]
        sha = self.fake.push(REPO, branch, files, "bot")
        lock = next(text for rel, text in files.items() if rel.endswith(LOCK_FILE))
        node = DeliveredNode(
            key=node_key(REPO, path),
            repository=REPO,
            installation_id=42,
            path=path,
            node_name=node_name,
            branch=branch,
            pr_number=None,
            commit_sha=sha,
            lock=lock,
        )
        self.registry.record(node)
        return node

    def edit(self, name: str, path: str, old: str, new: str) -> None:
        """A person changes ``path`` (a repository path) on the node's branch."""
        node = self.nodes[name]
        text = self.file(node.branch, path)
        assert old in text
        self.fake.push(REPO, node.branch, {path: text.replace(old, new)}, "alice")

    def file(self, branch: str, path: str) -> str:
        return self.fake.repos[REPO].files_at(branch)[path].decode()

    def tick(self) -> list[str]:
        """One sensor evaluation; returns the partitions it asked to run."""
        with build_sensor_context(
            instance=self.instance, resources={"queue": self.queue, "github": GitHubResource()}
        ) as context:
            result = template_drift_sensor(context)
        assert isinstance(result, SensorResult) and result.run_requests is not None
        for request in result.dynamic_partitions_requests or []:
            assert isinstance(request, AddDynamicPartitionsRequest)
            self.instance.add_dynamic_partitions(DELIVERED_NODES, list(request.partition_keys))
        return [str(r.partition_key) for r in result.run_requests if r.partition_key]

    def run(self, key: str) -> RegenerationOutcome:
        result = materialize(
            [regenerated_node], partition_key=key, resources=self.resources, instance=self.instance
        )
        outcome = result.output_for_node("regenerated_node")
        assert isinstance(outcome, RegenerationOutcome)
        return outcome

    def pulls(self) -> list[dict[str, object]]:
        return list(self.fake.repos[REPO].pulls.values())


@pytest.fixture
def drift(github_env: FakeGitHub, tmp_path: Path, shared_mypy_cache: Path) -> Iterator[Drift]:
    yield Drift(github_env, tmp_path, shared_mypy_cache)


@pytest.fixture
def new_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Release template set v99, whose resilience module has a reworded docstring."""
    base = render.environment()
    assert base.loader is not None
    source = base.loader.get_source(base, "onex/resilience.py.j2")[0]
    assert OLD_LINE in source
    changed = DictLoader({"onex/resilience.py.j2": source.replace(OLD_LINE, NEW_LINE)})
    environment = base.overlay(loader=ChoiceLoader([changed, base.loader]))
    monkeypatch.setattr(render, "environment", lambda: environment)
    monkeypatch.setattr(version, "TEMPLATE_SET_VERSION", "99")


def test_merge_keeps_separate_edits_and_marks_overlapping_ones() -> None:
    base = "a\nb\nc\nd\ne\n"
    assert merge_text(base, "A\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n") == ("A\nb\nc\nd\nE\n", False)
    text, conflicted = merge_text(base, "a\nB\nc\nd\ne\n", "a\nX\nc\nd\ne\n")
    assert conflicted and "<<<<<<< repository\nB\n=======\nX\n>>>>>>> templates v" in text


def test_nothing_to_do_while_templates_are_unchanged(drift: Drift) -> None:
    assert drift.tick() == []
    assert drift.run(drift.nodes["ledger"].key).status == "current"
    assert drift.pulls() == []


def test_regeneration_renders_byte_for_byte_what_a_fresh_run_delivers(
    drift: Drift, nodegen_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A node delivered by a real run, then a template release that changes no template: the
    regenerated files ("theirs") equal the delivered ones, so there is nothing to propose."""
    prompt = DIGEST
    options = GenerationOptions(target=Target.STANDALONE, package="nodes")
    runner = EmbeddedRunner(NodegenSettings())
    out = tmp_path / "fresh"
    result = runner.run(runner.submit(prompt, options, out), timeout=600)
    assert result.success, result.error_message
    delivered = {
        path.relative_to(out).as_posix(): path.read_text("utf-8")
        for path in out.rglob("*")
        if path.is_file()
    }
    layout = NodeLayout.of(parse_prompt(prompt, options), "nodes")
    node = drift.push_delivery("nodegen/fresh", layout.node_dir, layout.name, delivered)
    monkeypatch.setattr(version, "TEMPLATE_SET_VERSION", "99")
    assert node.key in drift.tick()
    assert drift.run(node.key).status == "unchanged"


def test_template_release_opens_update_prs_that_keep_hand_edits(
    drift: Drift, new_templates: None
) -> None:
    ledger, audit, checksum = (drift.nodes[n] for n in ("ledger", "audit", "checksum"))
    metrics, resilience = f"{ledger.path}/metrics.py", f"{ledger.path}/resilience.py"
    drift.edit("ledger", metrics, *HAND_EDIT)  # elsewhere than the template change
    audit_resilience = f"{audit.path}/resilience.py"
    drift.edit("audit", audit_resilience, OLD_LINE, OLD_LINE.replace("(1-based)", "(from one)"))
    requested = drift.tick()
    assert sorted(requested) == sorted(n.key for n in drift.nodes.values())
    outcomes = {key: drift.run(key) for key in requested}

    merged = outcomes[ledger.key]
    assert merged.status == "opened" and merged.conflicts == () and merged.kept_edits == (metrics,)
    assert set(merged.changed) == {resilience, f"{ledger.path}/{LOCK_FILE}"}
    assert HAND_EDIT[1] in drift.file(merged.branch, metrics)
    assert NEW_LINE in drift.file(merged.branch, resilience)
    lock = read_lock(drift.file(merged.branch, f"{ledger.path}/{LOCK_FILE}"))
    assert lock.template_set == "99"
    pull = drift.fake.repos[REPO].pulls[merged.pr_number or 0]
    assert pull["title"] == "Regenerate ledger_effect with templates v99"
    assert pull["base"]["ref"] == ledger.branch
    assert f"Hand-edited files kept:** `{metrics}`" in str(pull["body"])
    body = str(pull["body"])
    assert "### Validation report" in body and "| pytest | pass (ran code the generator" in body
    assert "| mypy | pass |" in body  # checked with the packages around the node

    conflicted = outcomes[audit.key]
    assert conflicted.status == "opened" and conflicted.conflicts == (audit_resilience,)
    text = drift.file(conflicted.branch, audit_resilience)
    assert "<<<<<<< repository" in text and NEW_LINE in text and ">>>>>>> templates v99" in text
    assert "<<<<<<<" not in drift.file(audit.branch, audit_resilience)
    body = str(drift.fake.repos[REPO].pulls[conflicted.pr_number or 0]["body"])
    assert "### Conflicts" in body and f"- `{audit_resilience}`" in body

    assert outcomes[checksum.key].status == "unchanged"  # no resilience module: no PR
    assert len(drift.pulls()) == 2

    assert drift.tick() == []  # once per template set
    again = drift.run(ledger.key)  # a rerun (or the daily schedule) changes nothing
    assert again.status == "up_to_date" and again.pr_number == merged.pr_number
    assert len(drift.pulls()) == 2
    assert drift.fake.violations == []


def test_a_node_of_the_old_layout_moves_to_the_new_one_keeping_its_edit(drift: Drift) -> None:
    """Template set 2 put everything in one directory with top-level imports; a regeneration
    lays the node out as today's sets do, removes the old files and keeps a hand-edited one,
    listed as a conflict to port."""
    prompt, node_type = PROMPTS["ledger"]
    options = GenerationOptions(node_type=node_type, target=Target.STANDALONE)
    old = {
        "node.py": '"""NodeLedgerEffect (template set 2)."""\n\nfrom models.x import X\n',
        "models/x.py": "class X:\n    pass\n",
        "tests/test_node.py": "def test_node() -> None:\n    assert True\n",
    }
    lock = LockFile(
        generator_version="0.1.0",
        template_set="2",
        prompt=prompt,
        prompt_sha256=sha256(prompt),
        options=options,
        node_name="ledger_effect",
        node_type="effect",
        patterns=(),
        files={rel: sha256(text) for rel, text in old.items()},
    )
    files = {f"nodes/ledger_effect/{rel}": text for rel, text in old.items()}
    files["nodes/ledger_effect/nodegen.lock"] = lock_text(lock)
    node = drift.push_delivery(
        "nodegen/ledger_effect", "nodes/ledger_effect", "ledger_effect", files
    )
    drift.fake.push(
        REPO,
        node.branch,
        {"nodes/ledger_effect/node.py": old["node.py"] + "# tuned by hand\n"},
        "alice",
    )
    assert node.key in drift.tick()
    outcome = drift.run(node.key)
    assert outcome.status == "opened"
    assert outcome.conflicts == ("nodes/ledger_effect/node.py",)
    tree = drift.fake.repos[REPO].files_at(outcome.branch)
    assert "nodes/node_ledger_effect/handlers/handler_process.py" in tree
    assert any(p.startswith("tests/unit/nodes/node_ledger_effect/") for p in tree)
    assert "nodes/ledger_effect/models/x.py" not in tree  # generated, unedited: removed
    assert "# tuned by hand" in drift.file(outcome.branch, "nodes/ledger_effect/node.py")
    body = str(drift.fake.repos[REPO].pulls[outcome.pr_number or 0]["body"])
    assert "no longer generate (removed):** `nodes/ledger_effect/models/x.py`" in body
    assert "- `nodes/ledger_effect/node.py`" in body
    assert drift.fake.violations == []


def test_daily_schedule_requests_stale_nodes_the_sensor_has_seen(
    drift: Drift, new_templates: None
) -> None:
    def due() -> list[RunRequest]:
        with build_schedule_context(
            instance=drift.instance,
            resources={"queue": drift.queue, "github": GitHubResource()},
            scheduled_execution_time=datetime(2026, 11, 24, 6, tzinfo=UTC),
        ) as context:  # left open, the context would pin this test's instance globally
            requests = daily_drift_schedule(context)
        assert isinstance(requests, list)
        return [r for r in requests if isinstance(r, RunRequest)]

    assert due() == []  # not partitions yet
    drift.tick()
    requests = due()
    assert sorted(str(r.partition_key) for r in requests) == sorted(
        drift.nodes[n].key for n in PROMPTS
    )
    assert all(str(r.run_key).endswith("@99@2026-11-24") for r in requests)
    drift.registry.mark_regenerated(drift.nodes["ledger"].key, "99", None)
    assert drift.nodes["ledger"].key not in {r.partition_key for r in due()}


@pytest.mark.parametrize("sandbox", ["bwrap", "none"])
def test_a_hand_pushed_spy_reaches_no_secret(
    drift: Drift,
    new_templates: None,
    secret_holder: str,
    sandbox: SandboxMode,
    monkeypatch: pytest.MonkeyPatch,
    shared_mypy_cache: Path,
) -> None:
    """The reported attack: a test pushed to the node's branch dumps every /proc/*/environ and
    fails, so that its output lands in the regeneration PR's validation report."""
    if sandbox == "bwrap" and not bwrap_works():
        pytest.skip("bubblewrap is not available here")
    monkeypatch.setenv("NODEGEN_GITHUB_WEBHOOK_SECRET", secret_holder)  # configured: redacted
    drift.resources["validator"] = ValidatorResource(
        timeout_seconds=300, mypy_cache_dir=str(shared_mypy_cache), sandbox=sandbox
    )
    spy = SPY.replace("int(sys.argv[1])", "1").replace("sys.argv[2:]", "[]")
    spy = spy.replace("sys.argv[2]", "'/nonexistent'")
    ledger = drift.nodes["ledger"]
    test_file = f"tests/unit/nodes/{ledger.node_name}/test_models.py"
    text = drift.file(ledger.branch, test_file)
    appended = (
        "\n\ndef test_spy() -> None:\n    import subprocess\n    import sys\n\n"
        f"    out = subprocess.run([sys.executable, '-c', {spy!r}], capture_output=True)\n"
        "    raise AssertionError('SPY' + '-RAN ' + out.stdout.decode())\n"
    )
    drift.edit("ledger", test_file, text, text + appended)
    assert ledger.key in drift.tick()
    outcome = drift.run(ledger.key)
    repo = drift.fake.repos[REPO]
    posted = [str(p["body"]) for p in repo.pulls.values()]
    posted += [str(c["body"]) for c in repo.comments.values()]
    everything = "\n".join(posted)
    assert outcome.kept_edits == (test_file,) and posted
    assert secret_holder not in everything and secret_holder.encode().hex() not in everything
    if sandbox == "bwrap":  # it ran (and failed), but what it printed is not posted
        assert f"FAILED {test_file}::test_spy" in everything
        assert "| pytest | FAIL (ran code the generator did not write) |" in everything
        assert "SPY-RAN" not in everything and "ENVIRON" not in everything
        assert "**Not verified:** the hand-edited code ran (in the sandbox) for" in everything
    else:
        assert "**Static checks only:**" in everything and "SPY-RAN" not in everything
