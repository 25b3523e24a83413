"""The line reader: a prompt's structured lines (``grammar.lark``), its sections, its sentences
and its words, read into a draft of the node; the reader's facts (``understanding.read``) come
first where they hold, and the stage puts both into the spec (``stages.parsed_prompt``)."""
