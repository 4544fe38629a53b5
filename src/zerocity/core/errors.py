"""Typed errors of the core. Each carries a stable ``code`` and its parameters so that adapters (CLI, web)
can translate the message; the English ``str()`` is for logs and scripts."""

from __future__ import annotations

from dataclasses import dataclass, field


class ZeroCityError(Exception):
    """Base of every error the core raises on purpose."""

    code = "error"

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


class UnknownUnit(ZeroCityError):
    code = "unknown_unit"


class IncompatibleUnits(ZeroCityError):
    code = "incompatible_units"


class UnknownFactor(ZeroCityError):
    code = "unknown_factor"


class FactorMissing(ZeroCityError):
    """No factor exists for the year asked: never fall back to another year silently (DOMAIN §2)."""

    code = "factor_missing"


class InvalidData(ZeroCityError):
    """A bundled or user-supplied reference data file is malformed."""

    code = "invalid_data"


class MethodParameterError(ZeroCityError):
    """A calculation method got a parameter it cannot use."""

    code = "method_parameter"

    def __init__(self, parameter: str, reason: str) -> None:
        super().__init__(f"{parameter}: {reason}", parameter=parameter, reason=reason)
        self.parameter = parameter
        self.reason = reason


@dataclass(frozen=True, order=True)
class InputIssue:
    """One problem in an input file, located as a spreadsheet shows it (header = row 1)."""

    file: str
    row: int
    column: str
    reason: str
    code: str = "invalid"
    severity: str = field(default="error", compare=False)

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}" if self.row else self.file
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.reason}"


class InputErrors(ZeroCityError):
    """All the errors found in an input file, reported at once; nothing is computed or written."""

    code = "input_errors"

    def __init__(self, issues: list[InputIssue]) -> None:
        self.issues = sorted(issues)
        shown = "\n".join(str(i) for i in self.issues[:50])
        more = f"\n… and {len(self.issues) - 50} more" if len(self.issues) > 50 else ""
        super().__init__(f"{len(self.issues)} error(s) in input:\n{shown}{more}", count=len(self.issues))
