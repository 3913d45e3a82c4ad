"""Who owns a row: its jurisdiction (谁立项、谁负责, HB §3), its project, its organisation.

Every region- or project-bound model says *once*, as lookup paths, where its owner is:

    class Award(ProjectOwnedModel):
        jurisdiction_lookup = "jurisdiction"
        project_lookup = "project"

and gets from that its region scoping (`scope_filter`), its placement in the audit log
(`audit_jurisdiction_path`, `audit_project_id`) and what the workflow executor needs to check an
actor's level (`owning_jurisdiction`, `owning_project`, `owning_organisation_id`). A child row that
belongs to a parent (a requirement of a procurement, an item of a sheet) points through the
parent: `jurisdiction_lookup = "procurement__jurisdiction"`.

`Owned` is the mixin for rows that are only reached through their parent (no scoped manager of
their own); `ProjectOwnedModel` adds the fail-closed manager of `apps.core.scoping`.
"""

from typing import ClassVar

from django.db import models
from django.db.models import Q

from .scoping import RegionScopedModel, Scope


def follow(instance, lookup: str):
    """The object at the end of a Django lookup path ("award__procurement__jurisdiction")."""
    target = instance
    for name in lookup.split("__"):
        if target is None:
            return None
        target = getattr(target, name)
    return target


def follow_id(instance, lookup: str):
    """The primary key at the end of a lookup path, without loading the last object."""
    head, _, last = lookup.rpartition("__")
    parent = follow(instance, head) if head else instance
    return None if parent is None else getattr(parent, f"{last}_id")


class Owned:
    """Ownership of a row, declared as lookup paths (see the module docstring)."""

    #: path to the `Jurisdiction` the row belongs to ("" for rows of no jurisdiction)
    jurisdiction_lookup: ClassVar[str] = "jurisdiction"
    #: path to the `Project` the row belongs to ("" if it belongs to none)
    project_lookup: ClassVar[str] = ""
    #: path to the `Organisation` that owns the row as its author (the applicant of an
    #: application, the winner of an award); "" if no organisation owns it
    organisation_lookup: ClassVar[str] = ""
    #: path to the `User` the row names in person (the expert of a score sheet); "" if none
    person_lookup: ClassVar[str] = ""

    def owning_jurisdiction(self):
        return follow(self, self.jurisdiction_lookup) if self.jurisdiction_lookup else None

    def owning_project(self):
        return follow(self, self.project_lookup) if self.project_lookup else None

    def owning_project_id(self) -> int | None:
        return follow_id(self, self.project_lookup) if self.project_lookup else None

    def owning_organisation_id(self) -> int | None:
        return follow_id(self, self.organisation_lookup) if self.organisation_lookup else None

    def owning_person_id(self) -> int | None:
        return follow_id(self, self.person_lookup) if self.person_lookup else None

    def audit_jurisdiction_path(self) -> str:
        jurisdiction = self.owning_jurisdiction()
        return jurisdiction.path if jurisdiction is not None else ""

    def audit_project_id(self) -> int | None:
        return self.owning_project_id()


def participant_projects_q(lookup: str, scope: Scope) -> Q:
    """Rows whose project (reached through `lookup`) the external user takes part in."""
    from apps.projects.models import participating_project_ids

    return Q(**{f"{lookup}__in": participating_project_ids(scope)})


class ProjectOwnedModel(Owned, RegionScopedModel):
    """A region-bound row with a fail-closed manager, scoped by its declared owner.

    Government users see the rows of their jurisdiction's subtree; external users, once
    cleared (HB §25), the rows of the projects they take part in. A model whose external
    readers are found otherwise (its own organisation, an expert's assignment) overrides
    `external_filter`.
    """

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, scope: Scope) -> Q | None:
        if scope.region_path:
            if not cls.jurisdiction_lookup:
                return None
            return Q(**{f"{cls.jurisdiction_lookup}__path__startswith": scope.region_path})
        return cls.external_filter(scope)

    @classmethod
    def external_filter(cls, scope: Scope) -> Q | None:
        if scope.participant and scope.cleared and cls.project_lookup:
            return participant_projects_q(cls.project_lookup, scope)
        return None


class GovernmentOwnedModel(ProjectOwnedModel):
    """Rows that only government users of the region read (internal steps of an office)."""

    class Meta:
        abstract = True

    @classmethod
    def external_filter(cls, scope: Scope) -> Q | None:
        return None


class OwnedModel(Owned, models.Model):
    """A child row reached only through its owner; audited in its owner's place."""

    class Meta:
        abstract = True
