"""Every decision has someone to tell (issue 17 item 1). `transition_apply` notifies the
organisation a row names through its `organisation_lookup`; a model whose steps others take
without one would decide in silence (as documents on file once did). This walks every
TransitionTable of the project — found in the apps' modules, so a new table fails here until
its model is placed — and requires its model to name the organisation concerned, or to be
listed below as government-internal with the reason nobody outside is told."""

import importlib
import inspect

import pytest
from django.apps import apps
from django.db.models import ForeignKey

from apps.core.workflow import TransitionTable

#: table (as named in its module) → the model whose rows it moves
TABLE_MODELS = {
    "apps.accounts.services.COMPLIANCE_REVIEW": "accounts.ComplianceDocument",
    "apps.projects.lifecycle.PROJECT_LIFECYCLE": "projects.Project",
    "apps.calls.services.CALL_WORKFLOW": "calls.AnnualCall",
    "apps.applications.services.APPLICATION_WORKFLOW": "applications.Application",
    "apps.findings.workflow.FINDING_WORKFLOW": "findings.Finding",
    "apps.review.workflow.ASSIGNMENT_WORKFLOW": "review.ExpertAssignment",
    "apps.review.workflow.ROUND_WORKFLOW": "review.ReviewRound",
    "apps.determination.workflow.DETERMINATION_WORKFLOW": "determination.Determination",
    "apps.determination.workflow.ARRANGEMENT_WORKFLOW": "determination.AnnualArrangement",
    "apps.determination.workflow.ADJUSTMENT_WORKFLOW": "determination.Adjustment",
    "apps.determination.workflow.BUDGET_EXCEPTION_WORKFLOW": "determination.BudgetException",
    "apps.procurement.services.common.PROJECT_PROCUREMENT": "procurement.Procurement",
    "apps.procurement.services.common.EVALUATION_PROCUREMENT": "procurement.Procurement",
    "apps.procurement.services.plans.PLAN_REVIEW": "procurement.ImplementationPlan",
    "apps.training.workflow.CONFIRMATION_WORKFLOW": "training.PresenceConfirmation",
    "apps.implementation.workflow.PRESTART_WORKFLOW": "implementation.PrestartPackage",
    "apps.implementation.workflow.REPORT_WORKFLOW": "implementation.MonthlyReport",
    "apps.acceptance.workflow.ACCEPTANCE_WORKFLOW": "acceptance.AcceptanceApplication",
    "apps.supervision.workflow.PLAN_WORKFLOW": "supervision.SupervisionPlan",
    "apps.supervision.workflow.INSPECTION_WORKFLOW": "supervision.Inspection",
    "apps.supervision.workflow.REPORT_WORKFLOW": "supervision.PeriodicReport",
    "apps.rectification.workflow.rectification_workflow()": "rectification.RectificationOrder",
}

#: models whose steps concern no outside organisation — and why nobody outside is told
GOVERNMENT_INTERNAL = {
    "calls.AnnualCall": "the office's own annual call: publishing or closing it is an "
    "announcement to all, not a decision about one organisation's object",
    "review.ExpertAssignment": "only the expert named on the sheet takes its steps (submit, "
    "declare a conflict); nobody else decides about it",
    "review.ReviewRound": "the office closes its own scoring round; the applicants hear the "
    "outcome through their applications and projects",
    "determination.Determination": "the office proposes and the HRSS department approves or "
    "returns — between government departments (GovernmentOwnedModel)",
    "determination.AnnualArrangement": "the province's and cities' offices publish and adjust "
    "their own arrangement (GovernmentOwnedModel)",
    "determination.BudgetException": "a budget exception is settled between the office and the "
    "HRSS department (GovernmentOwnedModel)",
    "procurement.Procurement": "the procuring department's own procedure; the award tells the "
    "winner and the applicant through the award (organisation_lookup 'winner')",
}

MODULES = ("workflow", "services", "lifecycle", "services.common", "services.plans")


def _tables() -> dict[int, tuple[TransitionTable, set[str]]]:
    """Every TransitionTable reachable from the apps' modules: module-level tables and the
    tables built by argument-less functions annotated to return one."""
    found: dict[int, tuple[TransitionTable, set[str]]] = {}

    def add(table, name):
        found.setdefault(id(table), (table, set()))[1].add(name)

    for config in apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        for suffix in MODULES:
            try:
                module = importlib.import_module(f"{config.name}.{suffix}")
            except ModuleNotFoundError:
                continue
            for attr, value in vars(module).items():
                if isinstance(value, TransitionTable):
                    add(value, f"{module.__name__}.{attr}")
                elif (
                    inspect.isfunction(value)
                    and value.__module__ == module.__name__
                    and inspect.signature(value).return_annotation
                    in (TransitionTable, "TransitionTable")
                    and not inspect.signature(value).parameters
                ):
                    add(value(), f"{module.__name__}.{attr}()")
    return found


def _model_of(names: set[str]):
    labels = {TABLE_MODELS[name] for name in names if name in TABLE_MODELS}
    assert labels, f"a transition table has no model in TABLE_MODELS: {sorted(names)}"
    assert len(labels) == 1, f"{sorted(names)} are mapped to several models: {labels}"
    return apps.get_model(labels.pop())


def _lookup_target(model, lookup: str):
    """The model at the end of a lookup path of foreign keys (None if it is not one)."""
    for name in lookup.split("__"):
        field = model._meta.get_field(name)
        if not isinstance(field, ForeignKey):
            return None
        model = field.related_model
    return model


def test_every_table_is_found_and_mapped_to_the_model_it_moves():
    tables = _tables()
    assert len(tables) >= 20  # the walk finds the tables (it cannot silently find none)
    named = set().union(*(names for _table, names in tables.values()))
    assert set(TABLE_MODELS) <= named, set(TABLE_MODELS) - named
    for table, names in tables.values():
        model = _model_of(names)
        choices = {value for value, _label in model._meta.get_field(table.field).flatchoices}
        states = {t.source for t in table.transitions} | {t.target for t in table.transitions}
        assert states <= choices, (sorted(names), model, states - choices)


@pytest.mark.parametrize("label", sorted(set(TABLE_MODELS.values())))
def test_each_model_with_transitions_says_whom_a_decision_concerns(label):
    model = apps.get_model(label)
    lookup = getattr(model, "organisation_lookup", "")
    if label in GOVERNMENT_INTERNAL:
        assert not lookup, f"{label} names its organisation now: drop it from the list"
        assert len(GOVERNMENT_INTERNAL[label]) > 20
        return
    assert lookup, f"{label}: decisions about it tell nobody (no organisation_lookup)"
    target = _lookup_target(model, lookup)
    assert target is not None and target._meta.label == "accounts.Organisation", (label, lookup)
