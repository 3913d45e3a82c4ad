"""One rule for "who may do this here" (本级 / 同级, HB §3, §24).

A duty belongs to a role *at a level* of the object it acts on:

- OWN — the actor's organisation belongs to the object's own jurisdiction (本级): the city
  office for a city's call, the city HRSS department for its procurement;
- PROVINCE — the actor's organisation belongs to the province (the root) above the object's
  jurisdiction, or to the object's jurisdiction when that is the province itself: the province
  office publishing the annual arrangement of its cities' projects (HB §6);
- PARTICIPANT — the actor takes part in the object's project (as an organisation or in
  person): the implementing agency of a contracted project, its evaluation agency;
- ORGANISATION — the actor's organisation is the party the object names: the applicant of
  an application, the winner of an award, the member unit asked to consent;
- PERSON — the actor is the person the object names: the expert of a score sheet.

Every service and the workflow executor ask `actor_has_level` / `level_require`; nothing else
compares an actor's jurisdiction with an object's.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Level(models.TextChoices):
    OWN = "own", gettext_lazy("own level (本级)")
    PROVINCE = "province", gettext_lazy("the province above")
    PARTICIPANT = "participant", gettext_lazy("the project's participants")
    ORGANISATION = "organisation", gettext_lazy("the organisation concerned")
    PERSON = "person", gettext_lazy("the person concerned")


def _participates(user, project_id: int) -> bool:
    from apps.projects.models import ProjectParticipant

    who = models.Q(person_id=user.pk)
    if user.organisation_id:
        who |= models.Q(organisation_id=user.organisation_id, person__isnull=True)
    return ProjectParticipant.objects.filter(who, project_id=project_id).exists()


def actor_has_level(user, *, level: str, subject=None, jurisdiction=None) -> bool:
    """Whether `user` stands at `level` of `subject` (an `Owned` row) or of `jurisdiction`."""
    if user.is_superuser:
        return True
    organisation = getattr(user, "organisation", None)
    if organisation is None or not organisation.is_active:
        return False
    if level in (Level.OWN, Level.PROVINCE):
        if jurisdiction is None and subject is not None:
            jurisdiction = subject.owning_jurisdiction()
        if jurisdiction is None:
            return False
        target = jurisdiction if level == Level.OWN else jurisdiction.root
        return organisation.jurisdiction_id == target.pk
    if level == Level.PARTICIPANT:
        project_id = subject.owning_project_id() if subject is not None else None
        return project_id is not None and _participates(user, project_id)
    if level == Level.PERSON:
        person_id = subject.owning_person_id() if subject is not None else None
        return person_id is not None and person_id == user.pk
    if level == Level.ORGANISATION:
        owner_id = subject.owning_organisation_id() if subject is not None else None
        return owner_id is not None and owner_id == organisation.pk
    raise ValueError(f"Unknown level {level!r}")


def actor_may(user, *, roles, level: str, subject=None, jurisdiction=None) -> bool:
    if user.is_superuser:
        return True
    return user.role in roles and actor_has_level(
        user, level=level, subject=subject, jurisdiction=jurisdiction
    )


ROLE_AT_LEVEL = {
    Level.OWN: gettext_lazy("%(roles)s of %(jurisdiction)s"),
    Level.PROVINCE: gettext_lazy("%(roles)s of the province above %(jurisdiction)s"),
    Level.PARTICIPANT: gettext_lazy("%(roles)s taking part in this project"),
    Level.ORGANISATION: gettext_lazy("%(roles)s concerned"),
    Level.PERSON: gettext_lazy("the %(roles)s it names"),
}


def who_may(*, roles, level: str, jurisdiction=None) -> str:
    """ "the leading-group office of 唐山市" — for refusals that say who may act instead."""
    from apps.accounts.roles import Role

    names = "、".join(str(Role(r).label) for r in sorted(roles))
    return ROLE_AT_LEVEL[level] % {"roles": names, "jurisdiction": jurisdiction or ""}


def level_require(
    user, *, roles, level: str = Level.OWN, subject=None, jurisdiction=None, message: str = ""
) -> None:
    """Refuses (PermissionDenied) unless the actor has one of `roles` at `level`."""
    if actor_may(user, roles=roles, level=level, subject=subject, jurisdiction=jurisdiction):
        return
    if jurisdiction is None and subject is not None:
        jurisdiction = subject.owning_jurisdiction()
    raise PermissionDenied(
        message
        or _("Only %(who)s may take this step.")
        % {"who": who_may(roles=roles, level=level, jurisdiction=jurisdiction)}
    )
