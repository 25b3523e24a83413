"""Durable state: requests, kept artifacts, the delivery queue, the node registry, the outbox."""
