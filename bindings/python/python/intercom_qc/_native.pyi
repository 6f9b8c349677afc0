"""Type stubs of the native module; the package re-exports every name.

Every function takes the same keyword-only options (``Options``): target,
timezone, schema, now, per_page, starting_after, rewrite, max_input_bytes,
max_requests, dates, width, max_file_bytes.
"""

from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, TypeVar, final

from typing_extensions import Unpack

from intercom_qc._types import ApiVersion, Body, Diagnostic, Field, FieldOptions, Options, Schema

__version__: str

_T = TypeVar("_T", bound=Mapping[str, Any])

def compile(text: str, **options: Unpack[Options]) -> Dict[str, Any]:
    """Compiles query text to the body of a search request.

    ``target`` is ``"conversations"``, ``"contacts"`` or ``"tickets"``.
    ``now`` fixes "now" for relative dates (the system clock when None).
    ``timezone`` is the workspace's IANA zone (UTC when None). ``schema``
    describes the workspace's custom attributes. ``per_page`` (1 to 150)
    and ``starting_after`` add pagination. A query over the API's limits is
    rewritten exactly to fit (with a note), or refused when ``rewrite`` is
    False.

    Raises QueryError when the query has errors, ValueError or TypeError
    for bad arguments; warnings and notes are issued as QueryWarning.
    """

def check(text: str, **options: Unpack[Options]) -> List[Diagnostic]:
    """Every diagnostic of query text, as ``qc check --format json`` prints
    them (ranges in code points); empty for a clean query."""

def plan(text: str, **options: Unpack[Options]) -> List[Dict[str, Any]]:
    """The request bodies whose union is exactly the query, each within the
    API's limits, as ``qc plan`` prints them: one when the query fits; at
    most ``max_requests``. Raises QueryError when the query has errors or
    cannot be planned; warnings are issued as QueryWarning."""

def validate(body: Body, **options: Unpack[Options]) -> List[Diagnostic]:
    """Every diagnostic of a request body, as ``qc validate --format json``
    prints them; empty when it is valid and clean (a body with only
    warnings is valid). Ranges count code points of the JSON text
    (``json.dumps(body)`` for a dict)."""

def decompile(body: Body, **options: Unpack[Options]) -> str:
    """A valid request body back to query text, as ``qc decompile`` prints
    it; ``dates`` is "rfc3339" or "unix". Raises QueryError when the body
    is invalid; warnings (W0301 when the text does not compile back to the
    same request) are issued as QueryWarning."""

def api_versions() -> List[ApiVersion]:
    """Every API version qc knows, oldest first, each with the targets it
    searches: ``[{"version": "2.7", "default": False, "targets":
    ["conversations", "contacts"]}, ...]``. The default is 2.11."""

def fields(
    target: str = "conversations",
    schema: Optional[Schema] = None,
    **options: Unpack[FieldOptions],
) -> List[Field]:
    """The searchable fields of a target, as ``qc fields --format json``
    lists them."""

def format(text: str, **options: Unpack[Options]) -> str:
    """Query text in canonical form, as ``qc fmt`` prints it (without the
    final newline), lines broken at ``width`` columns (80 by default).
    Raises QueryError on syntax errors."""

def matches(query: str, obj: Mapping[str, Any], **options: Unpack[Options]) -> bool:
    """True when the object (a dict, as the API returns it) matches the
    query, as ``qc filter`` decides. Raises QueryError when the query has
    errors, TypeError when ``obj`` is not a dict of JSON data."""

def filter(query: str, iterable: Iterable[_T], **options: Unpack[Options]) -> Filter[_T]:
    """The items of ``iterable`` that match the query, in order, as
    ``qc filter`` decides: a lazy iterator, like the built-in ``filter``.
    The query is compiled at the call (QueryError); the iterator raises
    TypeError for an item that is not a dict of JSON data."""

@final
class Filter(Iterator[_T]):
    """The iterator ``filter()`` returns."""

    def __iter__(self) -> Filter[_T]: ...
    def __next__(self) -> _T: ...
