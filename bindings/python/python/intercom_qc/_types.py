"""The shapes of what intercom_qc returns and takes: TypedDicts and aliases
for type checkers, also importable at run time."""

import os
from datetime import datetime
from typing import Any, Dict, List, Literal, Optional, Sequence, TypedDict, Union


class Span(TypedDict):
    """A range of the source in code points, as Python's ``str`` indexes:
    ``text[start:end]``."""

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
    """A fix: ``text[:span["start"]] + replacement + text[span["end"]:]``."""

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
    #: True for a field ``ORDER BY`` takes, where the target and API version sort.
    sortable: bool


class ApiVersion(TypedDict):
    """An API version, as ``api_versions()`` lists it."""

    #: Its name, as the ``Intercom-Version`` header sends it: ``2.11``, ``Preview``.
    version: str
    #: Whether qc compiles for it unless told otherwise (2.11).
    default: bool
    #: The targets it searches.
    targets: List[str]


#: A schema source: a path, JSON text, or parsed JSON of ``GET
#: /data_attributes`` or ``GET /ticket_types``.
SchemaSource = Union[str, bytes, "os.PathLike[str]", Dict[str, Any], List[Dict[str, Any]]]
#: One source or several.
Schema = Union[SchemaSource, Sequence[SchemaSource]]
#: "Now" for relative dates: unix seconds, an aware datetime, or RFC 3339 text.
Now = Union[int, float, str, datetime]
#: A request body: parsed JSON, or JSON text.
Body = Union[Dict[str, Any], str, bytes]


class FieldOptions(TypedDict, total=False):
    """The options of ``fields()`` besides its ``target`` and ``schema``
    parameters; every key optional, ``None`` meaning the default."""

    #: The workspace's IANA time zone (UTC by default).
    timezone: Optional[str]
    #: "Now" for relative dates (the clock by default).
    now: Optional[Now]
    #: Pagination to add to the request: results per page (1 to 150).
    per_page: Optional[int]
    #: Pagination: the cursor of the page to continue after.
    starting_after: Optional[str]
    #: Rewrite a query over the API's limits exactly to fit (default), or refuse it.
    rewrite: Optional[bool]
    #: The longest query or body accepted, in bytes (1 MiB by default).
    max_input_bytes: Optional[int]
    #: The most requests of a plan (50 by default).
    max_requests: Optional[int]
    #: How decompiled text writes dates ("rfc3339" by default).
    dates: Optional[Literal["rfc3339", "unix"]]
    #: The formatter's line width in columns (80 by default).
    width: Optional[int]
    #: The largest schema file read, in bytes (16 MiB by default).
    max_file_bytes: Optional[int]


class Options(FieldOptions, total=False):
    """The keyword arguments every function takes; every key optional,
    ``None`` meaning the default."""

    #: "conversations" (default), "contacts" or "tickets".
    target: Optional[str]
    #: The workspace's schemas (custom attributes, ticket types).
    schema: Optional[Schema]
