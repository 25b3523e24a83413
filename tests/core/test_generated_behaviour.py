"""The generated tests can fail for the right reason: break the behaviour a prompt asked for in a
generated handler, and the node's own tests catch it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codegen_assets.core.models import FileSet, GenerationOptions
from codegen_assets.core.pipeline import render_files
from codegen_assets.core.validation.workspace import write_tree

pytestmark = pytest.mark.e2e
STORE = "node_store_effect/handlers/handler_persist_state.py"
GENERIC = (
    "Effect node named notes_effect. Operations:\n"
    "- save_note(note_key: string, text: string)\n  Output: NoteSaved or NoteRejected\n"
)


def node_tests(files: FileSet, root: Path) -> subprocess.CompletedProcess[str]:
    """The node's own test suite, run as a user would from the output root."""
    write_tree(root, files)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def mutated(files: FileSet, path: str, old: str, new: str) -> FileSet:
    assert old in files.files[path], old
    return FileSet(files={**files.files, path: files.files[path].replace(old, new)})


def test_the_unbroken_store_effect_passes_its_tests(store_prompt: str, tmp_path: Path) -> None:
    _, files = render_files(store_prompt, GenerationOptions(enable_intelligence=False))
    run = node_tests(files, tmp_path)
    assert run.returncode == 0, run.stdout[-3000:]


@pytest.mark.parametrize(
    ("old", "new", "caught_by"),
    [
        # every answer of the store becomes a commit: a conflict is reported as success
        (
            "if reply.applied and reply.version == expected + 1:",
            "if True:",
            "test_a_stale_version_conflicts_and_changes_nothing",
        ),
        # the version is not compared: a store that applied at any version commits
        (
            "if reply.applied and reply.version == expected + 1:",
            "if reply.applied:",
            "test_an_inconsistent_answer_is_an_error_never_a_commit",
        ),
    ],
)
def test_breaking_the_version_check_fails_the_generated_tests(
    store_prompt: str, tmp_path: Path, old: str, new: str, caught_by: str
) -> None:
    _, files = render_files(store_prompt, GenerationOptions(enable_intelligence=False))
    run = node_tests(mutated(files, STORE, old, new), tmp_path)
    assert run.returncode != 0
    assert caught_by in run.stdout


def test_an_unknown_outcome_taken_for_success_fails_the_generated_tests(tmp_path: Path) -> None:
    _, files = render_files(GENERIC, GenerationOptions(enable_intelligence=False))
    model = "node_notes_effect/models/model_save_note_reply.py"
    # the reply model accepts any outcome, so an unknown one falls through to an event
    broken = mutated(files, model, 'outcome: Literal["NoteSaved", "NoteRejected"]', "outcome: str")
    broken = mutated(
        broken,
        "node_notes_effect/handlers/handler_save_note.py",
        'if reply.outcome == "NoteSaved":',
        'if reply.outcome != "NoteRejected":',
    )
    run = node_tests(broken, tmp_path)
    assert run.returncode != 0
    assert "test_an_unknown_outcome_is_an_error_never_a_success" in run.stdout
