"""qc for Python: compile a small query language to the JSON bodies of
Intercom's search APIs (conversations, contacts, tickets), check queries,
validate and decompile request bodies, and format queries.

>>> import intercom_qc
>>> intercom_qc.compile("state = open AND read = false")
{'query': {'operator': 'AND', 'value': [{'field': 'state', 'operator': '=', 'value': 'open'}, {'field': 'read', 'operator': '=', 'value': False}]}}
"""

from intercom_qc._errors import QueryError, QueryWarning
from intercom_qc._types import Body, Diagnostic, Field, Now, Schema, SchemaSource
from intercom_qc._native import (
    __version__,
    check,
    compile,
    decompile,
    fields,
    format,
    validate,
)

__all__ = [
    "Body",
    "Diagnostic",
    "Field",
    "Now",
    "Schema",
    "SchemaSource",
    "QueryError",
    "QueryWarning",
    "__version__",
    "check",
    "compile",
    "decompile",
    "fields",
    "format",
    "validate",
]
