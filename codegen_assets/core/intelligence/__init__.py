"""Intelligence: the design patterns a node may follow, ranked against its prompt (BM25 over the
embedded library in ``patterns/``) or asked of a remote RAG service."""
