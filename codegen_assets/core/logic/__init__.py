"""Business logic written by a model: settings, wire clients, the answer cache, budgets, safety
checks and the body writer with its repair loop. Off by default (``NODEGEN_LLM_MODE=off``)."""
