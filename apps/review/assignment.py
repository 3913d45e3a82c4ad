"""Assigning experts: N per application, balanced load, conflicts excluded (product)."""

from collections import Counter

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import AssignmentStatus, ExpertAssignment, ExpertProfile


def conflicts_of(profile: ExpertProfile, application) -> list[str]:
    """Why an expert may not score an application: own organisation, declared relation."""
    reasons = []
    if profile.user.organisation_id == application.applicant_id:
        reasons.append(_("works for the applicant"))
    declared = {r.organisation_id: r.description for r in profile.relations.all()}
    if application.applicant_id in declared:
        reasons.append(_("declared relation: %(r)s") % {"r": declared[application.applicant_id]})
    return reasons


def plan_assignments(*, applications, profiles, per_application: int, existing=()) -> list[tuple]:
    """(application, profile) pairs: each application gets `per_application` experts free of
    conflict, always choosing the least-loaded expert (ties by id, so the plan is repeatable)."""
    live = [e for e in existing if e.status != AssignmentStatus.CONFLICT]
    load = Counter(e.expert_id for e in live)
    have_by_application = Counter(e.application_id for e in live)
    # A conflicted expert stays in `taken`, so the same expert is never assigned again.
    taken = {(e.application_id, e.expert_id) for e in existing}
    plan = []
    for application in applications:
        have = have_by_application[application.pk]
        eligible = [
            p
            for p in profiles
            if (application.pk, p.user_id) not in taken and not conflicts_of(p, application)
        ]
        eligible.sort(key=lambda p: (load[p.user_id], p.user_id))
        needed = max(per_application - have, 0)
        if len(eligible) < needed:
            raise ValidationError(
                _(
                    "Not enough experts free of conflicts for %(number)s: "
                    "%(n)d needed, %(m)d available."
                )
                % {"number": application.number, "n": needed, "m": len(eligible)}
            )
        for profile in eligible[:needed]:
            plan.append((application, profile))
            load[profile.user_id] += 1
            taken.add((application.pk, profile.user_id))
    return plan


def existing_assignments(review_round):
    return list(ExpertAssignment.unscoped.filter(round=review_round))
