"""Reading a request: pasted structure, field lists and sentences, in English, German and French,
into typed facts (operations with their inputs and outputs, nested models, enums, bounds,
dependencies and topics), with every identifier the prompt names accounted for."""

from codegen_assets.core.understanding.reader import Facts, read, ticked_verb_name, without_code

__all__ = ["Facts", "read", "ticked_verb_name", "without_code"]
