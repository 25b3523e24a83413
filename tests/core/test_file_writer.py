"""Delivery: atomic writes, path safety, and nothing lost when the output cannot be written."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen_assets.core.models import FileSet, GenerationRequest
from codegen_assets.core.stages.written_files import (
    UnsafePathError,
    deliver,
    write_atomically,
)
from codegen_assets.storage.artifacts import ArtifactStore, UnknownArtifactError

FILES = FileSet(files={"node.py": "x = 1\n", "models/__init__.py": '"""m."""\n'})


def test_new_directory_appears_whole(tmp_path: Path) -> None:
    dest = tmp_path / "out" / "node"
    write_atomically(dest, FILES)
    assert (dest / "node.py").read_text() == "x = 1\n"
    assert (dest / "models" / "__init__.py").exists()
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["node"]  # no temp dir left


def test_existing_directory_files_replaced_others_kept(tmp_path: Path) -> None:
    dest = tmp_path / "node"
    dest.mkdir()
    (dest / "node.py").write_text("old\n")
    (dest / "NOTES.md").write_text("mine\n")
    write_atomically(dest, FILES)
    assert (dest / "node.py").read_text() == "x = 1\n"
    assert (dest / "NOTES.md").read_text() == "mine\n"
    assert sorted(p.name for p in dest.iterdir()) == ["NOTES.md", "models", "node.py"]


@pytest.mark.parametrize("rel", ["../escape.py", "/etc/passwd", "a/../../b.py", "a\\b.py"])
def test_paths_outside_output_are_refused(tmp_path: Path, rel: str) -> None:
    with pytest.raises(UnsafePathError, match="not a plain relative path"):
        write_atomically(tmp_path / "node", FileSet(files={rel: "x"}))
    assert not (tmp_path / "node").exists()
    assert not (tmp_path.parent / "escape.py").exists()


def test_output_path_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("keep me")
    with pytest.raises(NotADirectoryError):
        write_atomically(target, FILES)
    assert target.read_text() == "keep me"


def test_failed_write_keeps_code_and_recover_restores_it_byte_for_byte(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path / "artifacts.sqlite3")
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    outcome = deliver(
        blocked / "node",
        FILES,
        keep=FILES,
        store=store,
        workflow_id="wf-1",
        node_name="demo_effect",
    )
    assert outcome.stored_in_artifact_store
    assert outcome.written == ()
    assert outcome.error is not None and "could not write" in outcome.error
    restored = tmp_path / "restored"
    assert store.restore("wf-1", restored) == sorted(FILES.files)
    for rel, text in FILES.files.items():
        assert (restored / rel).read_bytes() == text.encode()


def test_unknown_workflow_is_a_clear_error(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path / "artifacts.sqlite3")
    with pytest.raises(UnknownArtifactError, match="no stored code for workflow 'nope'"):
        store.restore("nope", tmp_path / "x")


def test_requests_round_trip_and_first_write_wins(tmp_path: Path) -> None:
    store = ArtifactStore(tmp_path / "artifacts.sqlite3")
    first = GenerationRequest(request_id="r1", prompt="one", correlation_id="c1")
    store.put_request(first)
    store.put_request(first.model_copy(update={"prompt": "two"}))
    assert store.get_request("r1") == first
    with pytest.raises(UnknownArtifactError):
        store.get_request("r2")
