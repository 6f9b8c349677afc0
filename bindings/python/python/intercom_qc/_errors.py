"""The exception and warning classes of intercom_qc."""

from __future__ import annotations

from typing import Iterable, List

from intercom_qc._types import Diagnostic


class QueryError(ValueError):
    """A query (or a request body) has errors, or cannot be planned.

    ``str(error)`` renders every diagnostic against its source as the ``qc``
    command does; ``error.diagnostics`` holds them as dicts, as
    ``qc check --format json`` prints them (errors and warnings, in source
    order), with ranges in code points. A query that cannot be planned has
    no diagnostics: the message says why.
    """

    diagnostics: List[Diagnostic]

    def __init__(self, message: str, diagnostics: Iterable[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)

    def __reduce__(self):  # keeps the diagnostics through pickle
        return (type(self), (str(self), self.diagnostics))


class QueryWarning(UserWarning):
    """A query (or a request body) compiled, with warnings.

    ``str(warning)`` renders them as the ``qc`` command does;
    ``warning.diagnostics`` holds them as dicts.
    """

    diagnostics: List[Diagnostic]

    def __init__(self, message: str, diagnostics: Iterable[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)

    def __reduce__(self):
        return (type(self), (str(self), self.diagnostics))
