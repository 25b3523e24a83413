"""The prompt corpus: 14 prompts each validated on its own (tests/test_prompt_corpus.py) and 46
more in tests/data/prompt_corpus.yaml validated together; every prompt's facts are asserted in
tests/test_prompt_prose.py."""

from __future__ import annotations

from typing import Any

import yaml

from codegen_assets.core.models import NodeType
from tests.conftest import DATA

CORPUS: dict[str, tuple[NodeType, str]] = {
    "seed_store_effect": (NodeType.EFFECT, (DATA / "store_effect_prompt.txt").read_text("utf-8")),
    "vat_structured": (
        NodeType.COMPUTE,
        "Create a compute node that calculates the VAT of an invoice.\n"
        "Operations:\n"
        "- calculate_vat: compute the VAT\n"
        "  Input: net_amount (float), rate_pct (float), country (string)\n"
        "  Output: VatCalculated\n",
    ),
    "password_terse": (
        NodeType.COMPUTE,
        "compute node that scores a password by length: rate(password: string)",
    ),
    "orders_terse": (
        NodeType.REDUCER,
        "reducer that tallies orders per customer with count operations",
    ),
    "balances_structured": (
        NodeType.REDUCER,
        "Reducer node that aggregates payment events into account balances.\n"
        "Operations:\n"
        "- apply_payment: fold one payment\n"
        "  Input: account_id (uuid), amount (float), at (datetime)\n"
        "- apply_refund(account_id: uuid, amount: float, reason: string optional)\n"
        "Metrics:\n"
        "- payments_total (counter)\n"
        "- latest_balance (gauge)\n",
    ),
    "trip_then_chain": (
        NodeType.ORCHESTRATOR,
        "Orchestrator node that books a trip: reserve a flight, then book a hotel, "
        "then charge the card.",
    ),
    "fulfilment_steps": (
        NodeType.ORCHESTRATOR,
        "Orchestrator node for order fulfilment.\n"
        "Steps:\n- reserve_stock: hold the items\n- charge_payment\n- ship_order\n"
        "Operations:\n- fulfil_order(order_id: uuid, items: list of string)\n"
        "  Output: OrderFulfilled or OrderRejected\n",
    ),
    "crud_one_line": (
        NodeType.EFFECT,
        "Effect node with create, read, update, delete operations for customer records in postgres",
    ),
    "profile_bullets": (
        NodeType.EFFECT,
        "- effect node that reads user profiles through a redis cache with a ttl\n"
        "- get_profile(user_id: uuid, fields: list of string optional) - read one profile\n"
        "- cache_client (RedisClient) - the cache\n"
        "- profile_store (PostgresClient) - the source of truth\n",
    ),
    "invoices_unknown_type": (
        NodeType.EFFECT,
        "Effect node that lists invoices page by page from the billing API.\n"
        "- list_invoices(cursor: string optional, limit: int, filters: criteria)\n"
        "- billing_api (HttpClient) - the billing REST API\n"
        "Publish InvoicePage events to topic 'billing.invoice-pages'\n",
    ),
    "german_reducer": (
        NodeType.REDUCER,
        "Erstelle einen Reducer-Knoten, der Bestellungen pro Kunde zählt.\n"
        "Operationen:\n- bestellung_zählen(kunde: string, betrag: float, größe: int)\n",
    ),
    "german_orchestrator": (
        NodeType.ORCHESTRATOR,
        "Orchestrator-Knoten für Rücksendungen: zuerst Lager prüfen, dann Zahlung erstatten.",
    ),
    "french_compute": (
        NodeType.COMPUTE,
        "Créer un nœud compute qui calcule la TVA d'une facture.\n"
        "- calculer_tva(montant: float, taux: float, pays: string)\n",
    ),
    "lists_and_flags": (
        NodeType.COMPUTE,
        "compute node: normalize(scores: list of float, clamp: bool, labels: list of string)",
    ),
}

# What each of CORPUS must yield: operations and their inputs, steps, topics, clients.
CORPUS_FACTS: dict[str, dict[str, Any]] = {
    "seed_store_effect": {
        "ops": {
            "persist_state": [
                "workflow_key",
                "expected_version",
                "state_prime",
                "action_id",
                "provenance",
            ]
        },
        "deps": ["postgres_client", "kafka_client"],
        "subscribe": ["omninode_bridge_intents_v1"],
        "publish": ["omninode_bridge_state_committed_v1", "omninode_bridge_state_conflicts_v1"],
    },
    "vat_structured": {"ops": {"calculate_vat": ["net_amount", "rate_pct", "country"]}},
    "password_terse": {"ops": {"rate": ["password"]}},
    "orders_terse": {"ops": {"count": ["payload"]}},
    "balances_structured": {
        "ops": {
            "apply_payment": ["account_id", "amount", "at"],
            "apply_refund": ["account_id", "amount", "reason"],
        }
    },
    "trip_then_chain": {
        "ops": {"process": ["payload"]},
        "steps": ["reserve_flight", "book_hotel", "charge_card"],
    },
    "fulfilment_steps": {
        "ops": {"fulfil_order": ["order_id", "items"]},
        "steps": ["reserve_stock", "charge_payment", "ship_order"],
    },
    "crud_one_line": {"ops": {n: ["payload"] for n in ("create", "read", "update", "delete")}},
    "profile_bullets": {
        "ops": {"get_profile": ["user_id", "fields"]},
        "deps": ["cache_client", "profile_store"],
    },
    "invoices_unknown_type": {
        "ops": {"list_invoices": ["cursor", "limit", "filters"]},
        "deps": ["billing_api"],
        "publish": ["billing.invoice-pages"],
    },
    "german_reducer": {"ops": {"bestellung_zahlen": ["kunde", "betrag", "grosse"]}},
    "german_orchestrator": {
        "ops": {"process": ["payload"]},
        "steps": ["lager_prufen", "zahlung_erstatten"],
    },
    "french_compute": {"ops": {"calculer_tva": ["montant", "taux", "pays"]}},
    "lists_and_flags": {"ops": {"normalize": ["scores", "clamp", "labels"]}},
}

FACTS: list[dict[str, Any]] = yaml.safe_load((DATA / "prompt_corpus.yaml").read_text("utf-8"))
EVERY: list[dict[str, Any]] = [
    {"id": name, "type": kind.value, "prompt": prompt, **CORPUS_FACTS[name]}
    for name, (kind, prompt) in CORPUS.items()
] + FACTS
