"""Region scoping, in one place (HB §24).

Every region-bound model inherits `RegionScopedModel`. Its `objects` manager fails closed: a
queryset that was not narrowed with `.for_user(user)` refuses to run, so a forgotten scope is an
exception in tests instead of a leak in production. System code that must see everything says
so with `Model.unscoped`, which is easy to grep for.

What a user may see is described by a `Scope` (built by `apps.accounts.selectors.user_scope`);
each model turns a scope into a filter with `scope_filter(scope)`.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q


class UnscopedQueryError(RuntimeError):
    """A region-bound queryset ran without saying for whom."""


@dataclass(frozen=True)
class Scope:
    """What one user may see.

    region_path: the jurisdiction subtree a government user oversees ("" = nothing by region).
    organisation_id / user_id: for external participants, who takes part in a project.
    cleared: external organisations see project data only with a confidentiality
        agreement on file (HB §25).
    """

    user_id: int | None
    organisation_id: int | None = None
    region_path: str = ""
    participant: bool = False
    cleared: bool = False
    sees_everything: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.sees_everything or self.region_path or self.participant)


class ScopedQuerySet(models.QuerySet):
    _scope_applied = False

    def _clone(self):
        clone = super()._clone()
        clone._scope_applied = self._scope_applied
        return clone

    def for_scope(self, scope: Scope):
        if scope.sees_everything:
            qs = self.all()
        elif scope.is_empty:
            qs = self.none()
        else:
            condition = self.model.scope_filter(scope)
            qs = self.none() if condition is None else self.filter(condition)
        qs._scope_applied = True
        return qs

    def none(self):
        # An empty result leaks nothing: it needs no scope.
        qs = super().none()
        qs._scope_applied = True
        return qs

    def for_user(self, user):
        from apps.accounts.selectors import user_scope

        return self.for_scope(user_scope(user))

    def _require_scope(self):
        if not self._scope_applied:
            raise UnscopedQueryError(
                f"{self.model.__name__}.objects used without .for_user(); "
                f"use {self.model.__name__}.unscoped for system work."
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._require_scope()
        super()._fetch_all()

    def count(self):
        self._require_scope()
        return super().count()

    def exists(self):
        self._require_scope()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._require_scope()
        return super().aggregate(*args, **kwargs)

    def iterator(self, *args, **kwargs):
        self._require_scope()
        return super().iterator(*args, **kwargs)

    def update(self, **kwargs):
        self._require_scope()
        return super().update(**kwargs)

    def delete(self):
        self._require_scope()
        return super().delete()


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


class RegionScopedModel(models.Model):
    # `unscoped` is declared first so that it is the default manager Django's internals use
    # (uniqueness checks, related managers, admin); user-facing code starts from `objects`.
    unscoped = models.Manager()
    objects = ScopedManager()

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, scope: Scope) -> Q | None:
        raise NotImplementedError(f"{cls.__name__} must define scope_filter(scope)")


def region_q(prefix: str, scope: Scope) -> Q:
    """Rows whose jurisdiction (reached through `prefix`) lies in the scope's subtree."""
    return Q(**{f"{prefix}__path__startswith": scope.region_path})
