"""The application form in sections (issue 17 item 4): each section is saved on its own, and the
progress shows which sections still stop the submission. Every field and table of the form
belongs to exactly one section (tests/applications/test_sections.py)."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FormSection:
    key: str
    title: Promise
    fields: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    #: problem keys of `validation.application_problems` that are not a field or table name
    problem_keys: tuple[str, ...] = ()

    def owns(self, key: str) -> bool:
        return key in self.fields or key in self.tables or key in self.problem_keys


SECTIONS = (
    FormSection(
        "basics",
        _("Project"),
        fields=(
            "project_name",
            "project_type",
            "industry",
            "service_industries",
            "service_scope",
            "target_groups",
            "start_date",
            "end_date",
            "amount_requested",
        ),
    ),
    FormSection(
        "applicant",
        _("Applicant and insurance"),
        fields=(
            "enterprise_industry",
            "employees",
            "revenue_wan",
            "assets_wan",
            "legally_registered",
            "insured_locally",
            "major_violations",
        ),
        tables=("insurance_years",),
    ),
    FormSection(
        "feasibility",
        _("Feasibility"),
        fields=(
            "background",
            "main_hazards",
            "necessity",
            "feasibility",
            "risks",
            "conditions_hardware",
            "conditions_software",
            "conditions_technical",
            "conditions_personnel",
        ),
    ),
    FormSection("team", _("Team and experience"), tables=("team", "past_projects")),
    FormSection(
        "plan",
        _("Implementation plan"),
        fields=(
            "methods",
            "management",
            "plan_content",
            "technical_specs",
            "activities",
            "expected_outputs",
            "quality_assurance",
            "innovation",
            "people_covered",
            "has_warning_education_base",
        ),
        tables=("stages",),
    ),
    FormSection(
        "targets",
        _("Targets"),
        fields=("qualitative_targets", "awareness_rate", "pass_rate", "satisfaction_rate"),
    ),
    FormSection(
        "budget",
        _("Budget"),
        fields=("budget_basis",),
        tables=("budget_lines",),
        problem_keys=("budget",),
    ),
    FormSection(
        "commitment",
        _("Commitment and seal"),
        fields=(
            "commits_implementation_report",
            "commitment_accepted",
            "commitment_signatory",
            "sealed",
        ),
    ),
)
BY_KEY = {section.key: section for section in SECTIONS}


def section_get(key: str | None) -> FormSection:
    """The section named, else the first."""
    return BY_KEY.get(key or "", SECTIONS[0])


def section_after(section: FormSection) -> FormSection | None:
    index = SECTIONS.index(section)
    return SECTIONS[index + 1] if index + 1 < len(SECTIONS) else None


def section_of(problem_key: str) -> FormSection | None:
    return next((s for s in SECTIONS if s.owns(problem_key)), None)


@dataclass(frozen=True)
class SectionState:
    section: FormSection
    problems: int
    current: bool


def sections_progress(problems: dict, current: FormSection) -> list[SectionState]:
    """Each section with how many problems still stop the submission in it."""
    counts = {s.key: 0 for s in SECTIONS}
    for key, messages in problems.items():
        section = section_of(key)
        if section is not None:
            counts[section.key] += len(messages)
    return [SectionState(s, counts[s.key], s == current) for s in SECTIONS]
