"""qc for Python: compile a small query language to the JSON bodies of
Intercom's search APIs (conversations, contacts, tickets), check and plan
queries, validate and decompile request bodies, format queries, and match
objects against a query offline.

>>> import intercom_qc
>>> intercom_qc.compile("state = open AND read = false")
{'query': {'operator': 'AND', 'value': [{'field': 'state', 'operator': '=', 'value': 'open'}, {'field': 'read', 'operator': '=', 'value': False}]}}
"""

from intercom_qc._errors import QueryError, QueryWarning
from intercom_qc._types import (
    ApiVersion,
    Body,
    Diagnostic,
    Field,
    FieldOptions,
    Now,
    Options,
    Schema,
    SchemaSource,
)
from intercom_qc._native import (
    Filter,
    __version__,
    api_versions,
    check,
    compile,
    decompile,
    fields,
    filter,
    format,
    matches,
    plan,
    validate,
)

__all__ = [
    "ApiVersion",
    "Body",
    "Diagnostic",
    "Field",
    "FieldOptions",
    "Filter",
    "Now",
    "Options",
    "Schema",
    "SchemaSource",
    "QueryError",
    "QueryWarning",
    "__version__",
    "api_versions",
    "check",
    "compile",
    "decompile",
    "fields",
    "filter",
    "format",
    "matches",
    "plan",
    "validate",
]
