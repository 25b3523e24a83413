"""Validation: a node's files checked on a private copy, as the target repository and the ONEX
ecosystem judge them: the sandbox and the warm interpreter the validators run in, the checks and
the ecosystem's gates, the cache of passing reports, and the report and what of it is public."""
