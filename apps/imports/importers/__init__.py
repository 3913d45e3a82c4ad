"""The importers; importing this package registers them."""

from . import experts, holidays, organisations  # noqa: F401
