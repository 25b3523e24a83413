"""Dependencies and topics a prompt names: identifiers a dependency's suffix marks, and topics
written out, each with the direction the nearest verb gives.
"""

from __future__ import annotations

import re

from codegen_assets.core.understanding.facts import Facts, _all_fields
from codegen_assets.core.understanding.fields import IDENT
from codegen_assets.core.understanding.vocabulary import DEPENDENCY_NAME

# -- dependencies and topics ----------------------------------------------------------------
_NODE_NAMED = re.compile(
    rf"\b(?:called|named|namens|nomm[ée]|node|knoten|n[œo]e?ud|reducer|orchestrator|effect|compute)\s*,?\s+`?({IDENT})`?",
    re.IGNORECASE,
)


_OF_DEPENDENCY = re.compile(
    r"\b(?:connection|connector|client|service|dependency|integration|adapter|api|sdk)\b"
    r"[^.!?\n]{0,30}$",
    re.I,
)


def _of_node(text: str, match: re.Match[str]) -> bool:
    """Whether a name "called X" is the node's ("that connection is called x_client" is not)."""
    return not _OF_DEPENDENCY.search(text[max(0, match.start() - 40) : match.start()])


def _dependencies(text: str, facts: Facts) -> list[str]:
    fields = {f.name for f in _all_fields(facts)}
    nodes = {
        facts.node_name,
        *(m.group(1) for m in _NODE_NAMED.finditer(text) if _of_node(text, m)),
    }
    found = list(facts.dependencies)
    for match in re.finditer(rf"`?\b({IDENT})\b`?", text):
        name = match.group(1)
        if DEPENDENCY_NAME.match(name) and name not in fields | nodes and name not in found:
            found.append(name)
    return found


_TOPIC = re.compile(r"(?<![\w./-])([a-z0-9][a-z0-9_-]*(?:\.[a-z0-9][a-z0-9_-]*){2,})(?![\w/-])")
_QUOTED_TOPIC = re.compile(r"[\"'`«“]\s*([a-z0-9][a-z0-9_-]*\.[a-z0-9][a-z0-9_-]*)\s*[\"'`»”]")
_INCOMING = re.compile(
    r"\b(?:subscrib\w*|consum\w*|listen\w*|arriv\w*|reacts?\s+to|comes?\s+in\s+on|come\s+from"
    r"|reads?\s+from|started\s+by|starts?\s+(?:when|on)|triggered\s+by|trigger|waits?\s+for"
    r"|receiv\w*|(?:events?|commands?|messages?)\s+(?:on|from)|from\s+the|hört\s+auf|konsumiert|empfängt|abonniert|s'abonne|abonne|écoute|ecoute"
    r"|consomme|démarre\s+sur|demarre\s+sur|sur\s+la\s+commande|when\s+a|we\s+get|events?\s+from"
    r"|folds?|reading\s+from|listening\s+(?:on|to)|escucha\w*|ascolta\w*|escuta\w*|luistert|abonniert"
    r"|input\s+topic|incoming\s+topic|t[óo]pico\s+de\s+entrada|eingangs?\w*|entr[ée]e|entrada"
    r"|ingresso|invoer"
    r"|(?:votes?|events?|messages?|commands?)\s+(?:published|publi[ée]e?s?|publicad[oa]s?|pubblicat[ie])\s+(?:on|sur|en|su|auf)"
    # "every scan at the lifts is published on ...": a feed that others publish
    r"|(?:every|each|all)\b[^.;\n]{0,80}?\b(?:is|are|gets?)\s+published\s+(?:on|to))\b",
    re.IGNORECASE,
)
_OUTGOING = re.compile(
    r"\b(?:publish\w*|emit\w*|announc\w*|produc\w*|push(?:es|ed)?|goes\s+out\s+on|sends?|send\s+to|writes?\s+to"
    r"|answers?\s+on|and\s+then|veröffentlicht\w*|publi[ée]\w*|publie|émet|emet|envoie"
    r"|goes\s+to|go\s+to|(?:finish|end|complet)\w*\s+(?:with|on|by)|lands?\s+on|out\s+to"
    r"|output\s+topic|outgoing\s+topic|sa[íi]da|ausgangs?\w*|sortie|salida|uscita|uitvoer)\b",
    re.IGNORECASE,
)


def _topics(text: str, facts: Facts) -> None:
    """Topics written out (three or more dotted parts, or two in quotes), each with the
    direction the nearest verb before it gives (after it, when none comes before)."""
    spans = [(m.start(1), m.group(1)) for m in _TOPIC.finditer(text)]
    for match in _QUOTED_TOPIC.finditer(text):  # "routing.outcomes": a topic, if said to be one
        near = text[max(0, match.start() - 40) : match.end() + 12].lower()
        if match.group(1) not in facts.mentioned and re.search(
            r"\btopics?\b|\b(?:on|to|from|into|auf|sur)\s+[\"'`«“]", near
        ):
            spans.append((match.start(1), match.group(1)))
    for start, name in sorted(spans):
        if re.search(r"\.(?:py|sql|pdf|csv|json|ya?ml|txt|md|com|org|io)$", name) or all(
            p.isdigit() for p in name.split(".")
        ):
            continue
        if name in facts.subscribe or name in facts.publish:
            continue
        incoming = _direction(
            text[max(0, start - 120) : start],
            text[start + len(name) : start + len(name) + 80],
            name,
        )
        (facts.subscribe if incoming else facts.publish).append(name)
    _settle(facts)


def _settle(facts: Facts) -> None:
    """A node that would read nothing reads the command it was said to send ("our membership
    system sends a message called onex.cmd..."), or, beside the snapshot it publishes, the
    events it would otherwise publish (a reducer folds events into its snapshots)."""
    if facts.subscribe:
        return
    moved = [t for t in facts.publish if ".cmd." in t]
    if not moved and any(".snapshot." in t for t in facts.publish):
        moved = [t for t in facts.publish if ".evt." in t]
    facts.subscribe += moved
    facts.publish[:] = [t for t in facts.publish if t not in moved]


def _direction(before: str, after: str, name: str) -> bool:
    line = re.split(r"[.!?;]\s|\n\s*\n|\n\s*(?:[-*]|\d+[.)])\s", before)[-1]
    verbs = [(m.end(), True) for m in _INCOMING.finditer(line)]
    verbs += [(m.end(), False) for m in _OUTGOING.finditer(line)]
    if verbs:
        return max(verbs)[1]
    if re.search(
        r"\b(?:event|events|command|commands)\b\W{0,12}(?:topic\s*)?[`'\"«]?\s*$", line, re.I
    ):
        return True
    if ".cmd." in name:
        return True
    incoming, outgoing = _INCOMING.search(after), _OUTGOING.search(after)
    if incoming or outgoing:
        return (incoming.start() if incoming else 999) < (outgoing.start() if outgoing else 999)
    return not any(kind in name for kind in (".evt.", ".snapshot."))  # what a node emits
