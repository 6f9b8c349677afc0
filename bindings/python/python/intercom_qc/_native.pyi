"""Type stubs of the native module; the package re-exports every name."""

from typing import Any, Dict, List, Literal, Optional

from intercom_qc._types import Body, Diagnostic, Field, Now, Schema

__version__: str

def compile(
    text: str,
    *,
    target: str = "conversations",
    now: Optional[Now] = None,
    timezone: Optional[str] = None,
    schema: Optional[Schema] = None,
    per_page: Optional[int] = None,
    starting_after: Optional[str] = None,
    rewrite: bool = True,
) -> Dict[str, Any]:
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

def check(
    text: str,
    *,
    target: str = "conversations",
    now: Optional[Now] = None,
    timezone: Optional[str] = None,
    schema: Optional[Schema] = None,
    per_page: Optional[int] = None,
    starting_after: Optional[str] = None,
    rewrite: bool = True,
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
