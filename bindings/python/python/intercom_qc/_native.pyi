"""Type stubs of the native module; the package re-exports every name."""

import os
from datetime import datetime
from typing import Any, Dict, List, Literal, Optional, Sequence, TypedDict, Union

__version__: str

class Span(TypedDict):
    """A byte range of the source: ``source.encode()[start:end]``."""

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
    severity: Literal["error", "warning"]
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

class Field(TypedDict):
    """A searchable field, as ``qc fields --format json`` prints it."""

    name: str
    type: Literal["String", "Integer", "Float", "Date", "Boolean", "Any"]
    operators: List[str]
    values: List[str]
    doc: str
    custom: bool

#: A schema source: a path, JSON text, or parsed JSON of ``GET
#: /data_attributes`` or ``GET /ticket_types``.
SchemaSource = Union[str, bytes, "os.PathLike[str]", Dict[str, Any], List[Dict[str, Any]]]
#: One source or several.
Schema = Union[SchemaSource, Sequence[SchemaSource]]
#: "Now" for relative dates: unix seconds, an aware datetime, or RFC 3339 text.
Now = Union[int, float, str, datetime]
#: A request body: parsed JSON, or JSON text.
Body = Union[Dict[str, Any], str, bytes]

def compile(
    text: str,
    *,
    target: str = "conversations",
    now: Optional[Now] = None,
    timezone: Optional[str] = None,
    schema: Optional[Schema] = None,
    per_page: Optional[int] = None,
    starting_after: Optional[str] = None,
) -> Dict[str, Any]:
    """Compiles query text to the body of a search request.

    ``target`` is ``"conversations"``, ``"contacts"`` or ``"tickets"``.
    ``now`` fixes "now" for relative dates (the system clock when None).
    ``timezone`` is the workspace's IANA zone (UTC when None). ``schema``
    describes the workspace's custom attributes. ``per_page`` (1 to 150)
    and ``starting_after`` add pagination.

    Raises QueryError when the query has errors, ValueError or TypeError
    for bad arguments; warnings are issued as QueryWarning.
    """

def check(
    text: str,
    *,
    target: str = "conversations",
    now: Optional[Now] = None,
    timezone: Optional[str] = None,
    schema: Optional[Schema] = None,
    per_page: Optional[int] = None,
    starting_after: Optional[str] = None,
) -> List[Diagnostic]:
    """Every diagnostic of query text, as ``qc check --format json`` prints
    them; empty for a clean query."""

def validate(
    body: Body,
    *,
    target: str = "conversations",
    timezone: Optional[str] = None,
    schema: Optional[Schema] = None,
) -> List[Diagnostic]:
    """Every diagnostic of a request body, as ``qc validate --format json``
    prints them; empty when it is valid and clean (a body with only
    warnings is valid). Ranges are into the JSON text (``json.dumps(body)``
    for a dict)."""

def decompile(
    body: Body,
    *,
    target: str = "conversations",
    timezone: Optional[str] = None,
    schema: Optional[Schema] = None,
    dates: Literal["rfc3339", "unix"] = "rfc3339",
) -> str:
    """A valid request body back to query text, as ``qc decompile`` prints
    it. Raises QueryError when the body is invalid."""

def fields(
    target: str = "conversations",
    schema: Optional[Schema] = None,
    *,
    timezone: Optional[str] = None,
) -> List[Field]:
    """The searchable fields of a target, as ``qc fields --format json``
    lists them."""

def format(text: str, *, width: int = 80) -> str:
    """Query text in canonical form, as ``qc fmt`` prints it (without the
    final newline). Raises QueryError on syntax errors."""
