"""Writes of procurement (HB §9–11): the procurement and its requirements, the award with the
winner's qualification check, the implementation plan and its review, with the deadlines of
HB §11 and the project's stage. The service agreement and the payment ledger are written by
apps.contracts.services, which uses the public helpers of `common` (document upload and
filing, deadline meeting, stage move) and meets the deadline AGREEMENT_RULE the plan approval
opens.

Who does what, each at its own level (本级): the social-insurance administrative department
(role hrss) runs the procurement of a project (HB §9); the office procures evaluation agencies
(HB §17), reviews implementation plans and files the documents (HB §11); the winning agency
submits its plan; the social-insurance agency signs the agreement and pays (HB §11, contracts).

The package is split by sub-domain: `lots`, `procurements` (create, requirements, documents,
publish, cancel, filing with its checklist), `award` (award and qualification gate), `plans`
(plan submission and review, with their deadlines) and `common` (rules, workflow tables and
helpers shared with apps.contracts). Everything other code uses is importable from
`apps.procurement.services`.
"""

from .award import agency_type_for, lot_project_type, procurement_award
from .common import (
    AGENCY_ROLES,
    AGREEMENT_RULE,
    EVALUATION_PROCUREMENT,
    PLAN_REVIEW_RULE,
    PLAN_SUBMISSION_RULE,
    PROJECT_PROCUREMENT,
    PROMOTION_CATEGORIES,
    PURPOSE,
    WINNER_ROLE,
    award_deadline_meet,
    positive_amount,
    procurement_document_record,
    procurement_evidence_upload,
    procurement_projects_advance,
    procuring_role,
    workflow_for,
)
from .lots import lot_create
from .plans import PLAN_REVIEW, approved_plan, plan_review, plan_submit
from .procurements import (
    FILING_CHECKLIST,
    UPLOADABLE_KINDS,
    filing_checklist,
    filing_missing,
    media_placement_add,
    procurement_cancel,
    procurement_create,
    procurement_document_add,
    procurement_file,
    procurement_publish,
    promotion_activity_add,
    publication_problems,
    requirement_add,
    requirement_remove,
    syllabus_line_add,
)

__all__ = [
    "AGENCY_ROLES",
    "AGREEMENT_RULE",
    "EVALUATION_PROCUREMENT",
    "FILING_CHECKLIST",
    "PLAN_REVIEW",
    "PLAN_REVIEW_RULE",
    "PLAN_SUBMISSION_RULE",
    "PROJECT_PROCUREMENT",
    "PROMOTION_CATEGORIES",
    "PURPOSE",
    "UPLOADABLE_KINDS",
    "WINNER_ROLE",
    "agency_type_for",
    "approved_plan",
    "award_deadline_meet",
    "filing_checklist",
    "filing_missing",
    "lot_create",
    "lot_project_type",
    "media_placement_add",
    "plan_review",
    "plan_submit",
    "positive_amount",
    "procurement_award",
    "procurement_cancel",
    "procurement_create",
    "procurement_document_add",
    "procurement_document_record",
    "procurement_evidence_upload",
    "procurement_file",
    "procurement_projects_advance",
    "procurement_publish",
    "procuring_role",
    "promotion_activity_add",
    "publication_problems",
    "requirement_add",
    "requirement_remove",
    "syllabus_line_add",
    "workflow_for",
]
