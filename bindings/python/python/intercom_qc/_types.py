"""The shapes of what intercom_qc returns and takes: TypedDicts and aliases
for type checkers, also importable at run time."""

import os
from datetime import datetime
from typing import Any, Dict, List, Literal, Sequence, TypedDict, Union


class Span(TypedDict):
    """A byte range of the source's UTF-8 encoding: ``text.encode()[start:end]``."""

    start: int
    end: int


class Position(TypedDict):
    """A 1-based line and column; the column counts characters."""

    line: int
    column: int


class Location(TypedDict):
    start: Position
    end: Position


class Label(TypedDict):
    span: Span
    message: str


class Suggestion(TypedDict):
    span: Span
    replacement: str
    message: str


class _DiagnosticRequired(TypedDict):
    severity: Literal["error", "warning", "note"]
    code: str
    message: str
    range: Span


class Diagnostic(_DiagnosticRequired, total=False):
    """A diagnostic, as ``qc check --format json`` prints it."""

    location: Location
    labels: List[Label]
    help: str
    suggestion: Suggestion
    path: str


class _FieldRequired(TypedDict):
    name: str
    type: Literal["String", "Integer", "Float", "Date", "Boolean", "Any"]
    operators: List[str]
    values: List[str]
    doc: str
    custom: bool


class Field(_FieldRequired, total=False):
    """A searchable field, as ``qc fields --format json`` prints it."""

    alias: str


#: A schema source: a path, JSON text, or parsed JSON of ``GET
#: /data_attributes`` or ``GET /ticket_types``.
SchemaSource = Union[str, bytes, "os.PathLike[str]", Dict[str, Any], List[Dict[str, Any]]]
#: One source or several.
Schema = Union[SchemaSource, Sequence[SchemaSource]]
#: "Now" for relative dates: unix seconds, an aware datetime, or RFC 3339 text.
Now = Union[int, float, str, datetime]
#: A request body: parsed JSON, or JSON text.
Body = Union[Dict[str, Any], str, bytes]
