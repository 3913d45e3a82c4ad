"""Copy detection on a templated call (issue 13 item 4): figures-kept copies, figures-changed
copies with own prose, no flags between unrelated forms, "cannot assess" for too little own
text, and the call's copy-detection settings."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from apps.screening.similarity import SimilarityIndex
from bench.templated_corpus import TemplatedGenerator, make_templated_corpus


def pair_ids(pairs):
    return {frozenset((p.doc_a, p.doc_b)) for p in pairs}


@pytest.fixture(scope="module")
def templated():
    gen = TemplatedGenerator(5)
    forms = {f"f-{i:02d}": gen.application(f"f-{i:02d}") for i in range(40)}
    with_prose = next(f for f in forms.values() if len(f.prose) >= 15)
    template_only = next(f for f in forms.values() if not f.prose and f is not with_prose)
    kept = gen.copy_figures_kept(template_only, "kept")
    changed = gen.copy_figures_changed(with_prose, "changed")
    index = SimilarityIndex()
    for doc_id, form in {**forms, "kept": kept, "changed": changed}.items():
        index.add(doc_id, form.text())
    index.build()
    return index, template_only.doc_id, with_prose.doc_id


def test_figures_kept_copy_of_a_template_only_form_is_caught_on_its_figures(templated):
    index, source, _ = templated
    pair = index.compare("kept", source)
    assert pair.suspicious and pair.basis == "figures"
    assert pair.text_score < 0.5 or not pair.text_counts  # the text alone shows nothing
    assert frozenset(("kept", source)) in pair_ids(index.suspicious_pairs())


def test_figures_changed_copy_with_own_prose_is_caught_on_its_text(templated):
    index, _, source = templated
    pair = index.compare("changed", source)
    assert pair.suspicious and pair.basis == "text"
    assert pair.shared_figures < index.min_shared_figures
    assert frozenset(("changed", source)) in pair_ids(index.suspicious_pairs())


def test_unrelated_forms_of_the_template_are_not_flagged(templated):
    index, kept_source, changed_source = templated
    planted = {frozenset(("kept", kept_source)), frozenset(("changed", changed_source))}
    assert pair_ids(index.suspicious_pairs()) == planted
    assert pair_ids(index.brute_force_pairs()) == planted


def test_a_template_only_form_cannot_be_assessed_on_its_text(templated):
    index, template_only, with_prose = templated
    assert not index.assessable(template_only)
    assert index.shingle_set(template_only).size < index.min_own_text
    assert index.assessable(with_prose)


def test_templated_bench_corpus_recall_and_precision():
    corpus = make_templated_corpus(120, seed=3)
    index = SimilarityIndex()
    for doc_id, text in corpus.texts.items():
        index.add(doc_id, text)
    assert pair_ids(index.suspicious_pairs()) == corpus.planted
    assert set(corpus.kinds.values()) == {"figures kept", "figures changed"}


# --- the screening service on a call -------------------------------------------------------

pytestmark_db = pytest.mark.django_db


def _form_text(gen, form) -> dict:
    from tests.applications.builders import NARRATIVE

    text = form.text()
    names = list(NARRATIVE)
    size = len(text) // len(names) + 1
    return {name: text[i * size : (i + 1) * size] for i, name in enumerate(names)}


@pytest.fixture
def call():
    from tests.calls.factories import CallFactory

    return CallFactory()


@pytest.mark.django_db
def test_p4_on_a_templated_call_fails_copies_and_cannot_assess_template_only_forms(call):
    from apps.screening.models import PreliminaryReview
    from apps.screening.services import preliminary_review_decide, screening_run
    from tests.applications.builders import submitted_application
    from tests.factories import UserFactory

    gen = TemplatedGenerator(7)
    # A small call: its own text (the form with everything but the blanks) is the boilerplate.
    blank = gen.application("blank")

    def form(doc_id):
        filled = gen.application(doc_id)
        filled.phrasing, filled.rare, filled.prose = blank.phrasing, [], []
        filled.names, filled.regulations = blank.names, blank.regulations
        return filled

    call.body = form("body").text()
    call.save()
    source = form("s")
    kept = gen.copy_figures_kept(source, "k")
    kept.names = blank.names
    other = form("o")
    original, _ = submitted_application(call, narrative=_form_text(gen, source))
    copy, _ = submitted_application(call, narrative=_form_text(gen, kept))
    honest, _ = submitted_application(call, narrative=_form_text(gen, other))
    screening_run(call=call)

    def p4(application):
        review = PreliminaryReview.unscoped.get(application=application)
        return review, review.verdicts.get(indicator="P4")

    assert p4(copy)[1].computed_pass is False
    assert p4(original)[1].computed_pass is False
    from apps.screening.models import SimilarityPair

    stored = SimilarityPair.unscoped.get(application=copy, other=original)
    assert stored.basis == "figures"  # what found it is recorded with the pair
    review, verdict = p4(honest)
    assert verdict.computed_pass is None
    (check,) = verdict.checks
    assert check["passed"] is None and str(call.similarity_min_own_text) in check["detail"]

    # "Cannot assess" needs the reviewer's decision, with a reason.
    office = UserFactory(role="office", organisation__jurisdiction=call.jurisdiction)
    decisions = {c: {"passed": True, "reason": ""} for c in ("P1", "P2", "P3", "P4")}
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        preliminary_review_decide(reviewer=office, review=review, decisions=decisions)
    assert "P4" in refused.value.message_dict
    assert "reason" in refused.value.message_dict["P4"][0]


@pytest.mark.django_db
def test_the_calls_copy_detection_settings_are_used(call):
    from apps.screening.models import PreliminaryReview
    from apps.screening.services import screening_run, similarity_index_for_call
    from tests.applications.builders import submitted_application

    gen = TemplatedGenerator(9)
    form = gen.application("x")
    form.prose = []
    application, _ = submitted_application(call, narrative=_form_text(gen, form))
    call.similarity_min_own_text = 20
    call.similarity_boilerplate_share = "0.200"
    call.similarity_figure_threshold = "0.40"
    call.similarity_near_miss_share = "0.90"
    call.save()
    index, _current = similarity_index_for_call(call=call)
    assert index.min_own_text == 20 and index.max_df == 0.2
    assert index.figure_threshold == pytest.approx(0.36)
    assert index.threshold == pytest.approx(float(call.similarity_threshold) * 0.9)
    screening_run(call=call)
    verdict = PreliminaryReview.unscoped.get(application=application).verdicts.get(indicator="P4")
    assert verdict.computed_pass is True  # enough own text by this call's (lower) minimum


@pytest.mark.django_db
def test_the_call_form_shows_and_validates_the_settings(call):
    from apps.calls.forms import CallForm
    from apps.calls.services import CALL_FIELDS

    form = CallForm(instance=call, jurisdiction=call.jurisdiction)
    for name in (
        "similarity_figure_threshold",
        "similarity_boilerplate_share",
        "similarity_near_miss_share",
        "similarity_min_own_text",
    ):
        assert name in form.fields and name in CALL_FIELDS
    call.similarity_near_miss_share = "1.50"
    with pytest.raises(ValidationError) as invalid:
        call.full_clean()
    assert "similarity_near_miss_share" in invalid.value.message_dict
