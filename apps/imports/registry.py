"""What can be imported: one `Importer` per kind, each with its columns (the template), how a
row is read and checked, and how the checked rows are written. Importers register here from
`apps.imports.importers`."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise


@dataclass(frozen=True)
class ImportColumn:
    key: str
    header: Promise | str
    required: bool = False
    example: str = ""
    width: float = 18


@dataclass
class RowResult:
    """One row as read: its number in the sheet, the values and its errors (field → message)."""

    number: int
    values: dict
    errors: dict = field(default_factory=dict)

    def error(self, key: str, message) -> None:
        self.errors.setdefault(key, str(message))


@dataclass(frozen=True)
class Importer:
    kind: str
    label: Promise | str
    description: Promise | str
    columns: tuple[ImportColumn, ...]
    #: who may import: user → bool
    may_import: Callable
    #: (row, context) → None; fills row.values from the raw cells and records errors
    read_row: Callable
    #: (rows, context) → None; checks across rows and against the database
    check_rows: Callable
    #: (rows, context) → dict of counts; writes every row (inside one transaction)
    apply: Callable
    #: (key, value) → what the preview shows of a checked value (a stored code as its label)
    shown: Callable | None = None
    #: the upload names its source (e.g. the State Council notice of a holiday schedule)
    needs_source: bool = False
    max_rows: int = 5000


IMPORTERS: dict[str, Importer] = {}


def importer_register(importer: Importer) -> Importer:
    if importer.kind in IMPORTERS:
        raise ValueError(f"importer {importer.kind!r} registered twice")
    IMPORTERS[importer.kind] = importer
    return importer


def importer_get(kind: str) -> Importer | None:
    from . import importers  # noqa: F401  (registers them)

    return IMPORTERS.get(kind)


def importers_for(user) -> list[Importer]:
    from . import importers  # noqa: F401

    return [i for i in IMPORTERS.values() if i.may_import(user)]
