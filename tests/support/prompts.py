"""Prompts the end-to-end tests share: each states enough for a node that does what it asks
(a formula for a compute node), so a passing run means a complete node."""

from __future__ import annotations

CHECKSUM = (
    "Calculate a checksum for invoices with verify operations: verify takes amount (int) and "
    "count (int) and returns checksum = amount * 31 + count"
)
LEDGER_CHECKSUM = (
    "Compute ledger checksums with verify operations: verify takes amount (int) and count (int) "
    "and returns checksum = amount * 31 + count"
)
DIGEST = (
    "Compute node named digest_compute. Its digest operation takes size (int) and returns "
    "blocks = size // 64 + 1, an int."
)
AUDIT = (
    "Compute node named audit_compute. Its audit operation takes entries (int) and returns "
    "pages = entries // 50 + 1, an int."
)
