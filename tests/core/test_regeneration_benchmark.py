"""The regeneration benchmark: real omnibase-infra nodes described in words keep their facts."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.regeneration import Facts, canon, evaluate, precision, recall, score, topic_keys, total


def test_names_compare_by_meaning() -> None:
    assert canon("ModelChainLearnCommand") == "chain_learn_command"
    assert canon("gateway.attach") == "gateway_attach"
    assert "chain_stored" in topic_keys("onex.evt.omnibase-infra.chain-stored.v1")


def test_score_counts_kept_missed_and_invented_facts() -> None:
    real = Facts(operations={"chain.store", "chain.query"}, inputs={"entry"}, topics=set())
    ours = Facts(operations={"store", "process"}, inputs={"entry"}, topics=set())
    result = score(real, ours)
    assert result.found["operations"] == (1, 2) and result.right["operations"] == (1, 2)
    assert result.missed == ["operations:chain.query"]
    assert result.invented == ["operations:process"]
    assert recall(result) == pytest.approx(2 / 3) and precision(result) == pytest.approx(2 / 3)


def test_real_nodes_keep_their_facts_in_every_style() -> None:
    pytest.importorskip("omnibase_infra")
    results = evaluate()
    entries = [entry for entry, _ in results]
    kinds = Counter(entry["node"].rsplit("_", 1)[-1] for entry in entries)
    assert len(results) >= 25 and min(kinds[k] for k in ("effect", "compute", "reducer")) >= 4
    assert kinds["orchestrator"] >= 4
    assert {"German", "French", "prose", "terse", "numbered"} <= {e["style"] for e in entries}
    found, right = total([result for _, result in results])
    assert found >= 0.95 and right >= 0.95, (found, right)
