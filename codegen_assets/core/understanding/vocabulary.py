"""The words the reader knows, in one place: types, bounds, roles, in English, German, French."""

from __future__ import annotations

import re

# A written type (lower-case, any language) to the spec's base type.
TYPE_WORDS: dict[str, str] = {
    # text
    "string": "string", "str": "string", "text": "string", "varchar": "string", "char": "string",
    "chaîne": "string", "chaine": "string", "chaînes": "string", "zeichenkette": "string",
    "zeichenketten": "string", "strings": "string", "texte": "string", "citext": "string",
    "cadena": "string", "cadenas": "string", "texto": "string", "textos": "string",
    "stringa": "string", "stringhe": "string", "testo": "string", "tekst": "string",
    "sträng": "string", "strängar": "string", "napis": "string", "文字列": "string",
    "テキスト": "string", "문자열": "string", "텍스트": "string",
    # integers
    "int": "int", "integer": "int", "ints": "int", "integers": "int", "bigint": "int",
    "smallint": "int", "serial": "int", "bigserial": "int", "ganzzahl": "int",
    "ganzzahlen": "int", "entier": "int", "entiers": "int", "long": "int", "entero": "int",
    "enteros": "int", "intero": "int", "interi": "int", "inteiro": "int", "inteiros": "int",
    "int32": "int", "int64": "int", "heltal": "int", "整数": "int", "정수": "int",
    # floating point
    "float": "float", "floats": "float", "double": "float", "real": "float", "number": "float",
    "flottant": "float", "flottants": "float", "fließkommazahl": "float", "gleitkommazahl": "float",
    "zahl": "float", "réel": "float", "reel": "float", "gleitkommazahlen": "float",
    "fließkommazahlen": "float", "flotante": "float", "flottante": "float", "reales": "float",
    # exact decimals (money is never a float)
    "decimal": "decimal", "decimals": "decimal", "numeric": "decimal", "money": "decimal",
    "décimal": "decimal", "décimale": "decimal", "décimaux": "decimal", "dezimal": "decimal",
    "dezimalzahl": "decimal", "dezimalzahlen": "decimal", "betrag": "decimal",
    "decimale": "decimal", "decimali": "decimal", "decimales": "decimal",
    "decimaltal": "decimal", "decimaal": "decimal", "dziesiętna": "decimal", "小数": "decimal",
    "金額": "decimal", "십진수": "decimal",
    # truth values
    "bool": "bool", "boolean": "bool", "booleans": "bool", "booléen": "bool", "booleen": "bool",
    "booléenne": "bool", "wahrheitswert": "bool", "boolesch": "bool", "flag": "bool",
    "booleano": "bool", "booleana": "bool", "booleanos": "bool", "wahrheitswerte": "bool",
    "booléens": "bool", "booleskt": "bool", "boolesk": "bool", "booleaans": "bool",
    "真偽値": "bool", "불리언": "bool",
    # identifiers and time
    "uuid": "uuid", "guid": "uuid", "uuids": "uuid",
    "datetime": "datetime", "timestamp": "datetime", "timestamptz": "datetime",
    "zeitpunkt": "datetime", "zeitstempel": "datetime", "horodatage": "datetime",
    "date": "date", "datum": "date", "dates": "date", "fecha": "date", "fechas": "date",
    "日付": "date", "날짜": "date", "tidpunkt": "datetime", "tidsstämpel": "datetime",
    "日時": "datetime", "일시": "datetime", "flyttal": "float", "実数": "float", "실수": "float",
    # structure
    "object": "object", "objects": "object", "dict": "object", "json": "object",
    "jsonb": "object", "map": "object", "mapping": "object", "objekt": "object", "objet": "object",
}  # fmt: skip
# Phrases (checked before single words): a datetime said in words, a decimal number.
TYPE_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"\bdate\s+(?:and|et)\s+(?:time|heure)\b|\bdatum\s+mit\s+uhrzeit\b", re.I),
        "datetime",
    ),
    (re.compile(r"\bdate[- ]?time\b|\bpoint\s+in\s+time\b", re.I), "datetime"),
    (re.compile(r"\bnombre\s+d[ée]cimal|\bdecimal\s+number\b|\bdezimal", re.I), "decimal"),
    (re.compile(r"\bnombre\s+(?:à|a)\s+virgule\b", re.I), "float"),
    (
        re.compile(
            r"\bfecha\s+y\s+hora\b|\bdata\s+e\s+(?:ora|hora)\b|\bdatum\s+(?:en|und)\s+(?:tijd|uhrzeit)\b"
            r"|\bdate\s+et\s+heure\b",
            re.I,
        ),
        "datetime",
    ),
    (
        re.compile(
            r"\bgeheel\s+getal\b|\bn[úu]mero\s+entero\b|\bnombre\s+entier\b|\bnumero\s+intero\b"
            r"|\bwhole\s+numbers?\b|\bganze\s+zahl(?:en)?\b",
            re.I,
        ),
        "int",
    ),
    (re.compile(r"\bcoma\s+flotante\b|\bvirgola\s+mobile\b", re.I), "float"),
    (re.compile(r"\btime\s*stamp\b", re.I), "datetime"),
)  # fmt: skip
LIST_WORDS = re.compile(
    r"\b(?:a\s+)?(?:list|array|sequence|set|tuple)s?\s+(?:of|de|d')\b|\bliste\s+(?:von|de|d'|des)\b"
    r"|\blist\s*\[|\[\s*\]|\bliste\b|\blist\b|\barray\b|\blista\s+(?:de|di)\b|\blijst\s+van\b",
    re.IGNORECASE,
)
OPTIONAL_WORDS = re.compile(
    r"\b(?:optional(?:ly)?|nullable|may\s+be\s+(?:null|none|empty|omitted)|can\s+be\s+(?:null|none)"
    r"|facultati(?:f|ve)|optionnel(?:le)?|none\s+when|not\s+required|if\s+any|wenn\s+vorhanden"
    r"|only\s+set\s+when|opcional|opzionale|facoltativ[oa]|optioneel|optionnelle)\b",
    re.IGNORECASE,
)
REQUIRED_WORDS = re.compile(r"\b(?:required|mandatory|not\s+null|pflicht|obligatoire)\b", re.I)
EMAIL_FORMAT = re.compile(
    r"\be-?mail\s*(?:-?format|address|adresse)\b|\bformat\s+e-?mail\b|\bau\s+format\s+e-?mail\b"
    r"|\bim\s+e-?mail-?format\b|\be-?mail-?format\b|\bemail\s+format\b|\bvalid\s+e-?mail\b"
    r"|\bcorreo\s+electr[óo]nico\b|\bindirizzo\s+e-?mail\b|\bformato\s+(?:de\s+)?e-?mail\b",
    re.IGNORECASE,
)
URL_FORMAT = re.compile(r"\b(?:url|uri)\s+format\b|\bformat\s+(?:url|uri)\b", re.I)

# Cue words that say what a group of fields is.
INPUT_CUES = re.compile(
    r"\b(?:inputs?|in|request|command|takes?|taking|receives?|receiving|accepts?|gets|given"
    r"|carries|carrying|with|params?|parameters?|arguments?|payload|event|events?|fields?"
    r"|eingabe[n]?|bekommt|erhält|nimmt|felder|entrée[s]?|entree[s]?|reçoit|recoit|prend"
    r"|champs|commande|requête)\b",
    re.IGNORECASE,
)
OUTPUT_CUES = re.compile(
    r"\b(?:outputs?|out|returns?|returning|gives?\s+back|gives|yields?|produces?|result|results"
    r"|response|responds|reply|answer|state|emits?\s+a\s+state|decision|ausgabe[n]?|ergebnis"
    r"|zurück|zustand|gibt|liefert|sortie[s]?|renvoie|retourne|résultat|resultat|état|etat"
    r"|réponse)\b",
    re.IGNORECASE,
)

# Suffixes (and prefixes) that make an identifier a dependency the node is given.
DEPENDENCY_NAME = re.compile(
    r"^(?:protocol_[a-z0-9_]+|[a-z][a-z0-9_]*_(?:client|adapter|handler|pool|api|service|gateway"
    r"|repository|repo|store|bus|producer|publisher|consumer|sdk|connector|provider"
    r"|driver|engine))$"
)

# Node types in every language the reader knows.
NODE_TYPES = ("effect", "compute", "reducer", "orchestrator")
NODE_WORDS = re.compile(r"\b(?:node|knoten|n[œo]e?ud|nodo|orchestrateur|orchestrator)\b", re.I)

# Words that are the vocabulary of pasted code or of a type, never facts of their own.
CODE_WORDS = {
    "BaseModel", "ConfigDict", "Field", "Literal", "Optional", "Any", "UUID", "Decimal",
    "datetime", "date", "dataclass", "dataclasses", "pydantic", "typing", "uuid", "dict", "list",
    "str", "int", "float", "bool", "None", "True", "False", "model_config", "frozen", "extra",
    "forbid", "min_length", "max_length", "default", "default_factory", "ge", "le", "gt", "lt",
    "CREATE", "TABLE", "PRIMARY", "KEY", "NOT", "NULL", "DEFAULT", "CHECK", "VARCHAR", "TEXT",
    "DATE", "NUMERIC", "BOOLEAN", "INTEGER", "TIMESTAMPTZ", "JSONB", "BIGINT", "timezone",
    "timezone.utc", "tzinfo", "timedelta", "ZoneInfo", "Enum", "StrEnum", "TypedDict",
    "NotRequired", "Required", "NamedTuple", "Annotated", "Sequence", "Mapping", "ClassVar",
    "Final", "field", "return", "self", "utc", "now", "utcnow",
}  # fmt: skip

# The verbs an operation's name starts with (compute_invoice_total, send_gift_card).
VERBS = (
    "compute", "calculate", "get", "fetch", "apply", "validate", "check", "process", "handle",
    "create", "update", "delete", "build", "run", "send", "score", "resolve", "evaluate",
    "detect", "record", "register", "store", "write", "read", "fold", "track", "estimate",
    "export", "import", "sync", "settle", "ship", "fulfil", "fulfill", "post", "publish",
    "notify", "generate", "convert", "parse", "normalize", "normalise", "append", "tally",
    "count", "meter", "reserve", "deliver", "persist", "save", "load", "list", "find", "lookup",
)  # fmt: skip

# Letters of scripts other than Latin (Greek, Cyrillic, Hebrew, Arabic, Thai, Japanese, Chinese,
# Korean): a Latin word in brackets among them is a name the writer gave.
OTHER_SCRIPT = re.compile(
    "[\u0370-\u03ff\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0e00-\u0e7f"
    "\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]"
)
# "(afm, κείμενο ...)", "(mines)": a Latin word opening a bracket
BRACKET_WORD = re.compile(r"\(\s*`?([a-z][a-z0-9]{1,})`?\s*[,:;)]")
