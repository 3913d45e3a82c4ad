"""Copied-application detection engine (apps/screening/similarity/)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash

from apps.screening.similarity import (
    DEFAULT_THRESHOLD,
    OnePermutationHasher,
    SimilarityIndex,
    char_shingles,
    highlight_spans,
    jaccard_floor,
    lsh_parameters,
    matching_passages,
    normalize,
    shingle_hashes,
    split_sentences,
)
from bench.similarity_bench import (
    HEADINGS,
    REGULATIONS,
    TEMPLATE_SENTENCES,
    CorpusGenerator,
    make_corpus,
)

ROOT = Path(__file__).resolve().parents[2]

# The call's own text, as a screening service would pass it as explicit boilerplate.
CALL_TEXT = "\n".join([*HEADINGS, *TEMPLATE_SENTENCES, *REGULATIONS])


def body(gen: CorpusGenerator, sentences: int) -> str:
    topic = gen.topic()
    return "".join(gen.sentence(topic) for _ in range(sentences))


def boilerplate_heavy(gen: CorpusGenerator, own_sentences: int = 12) -> str:
    """All headings, template sentences and (long) regulations + a little own text."""
    parts = []
    for i, heading in enumerate(HEADINGS):
        parts.append(heading)
        if i == 3:
            parts.extend(REGULATIONS)
        elif i >= 9:
            parts.append(TEMPLATE_SENTENCES[i - 9])
        else:
            parts.append(body(gen, max(1, own_sentences // 9)))
    parts.extend(TEMPLATE_SENTENCES[5:])
    return "\n".join(parts)


def pair_ids(pairs):
    return {frozenset((p.doc_a, p.doc_b)) for p in pairs}


# ---------------------------------------------------------------------------
# Normalisation, sentences, shingles
# ---------------------------------------------------------------------------


def test_normalize_nfkc_lowercase_punctuation_and_figures():
    messy = "ＡＢＣ，工伤　预防！ (Test) “培训”12３人次；3.5%"
    assert normalize(messy) == "abc工伤预防test培训0人次0"
    assert normalize("培训120人次", fold_digits=False) == "培训120人次"
    assert normalize("培训120人次") == normalize("培训85人次")


def test_sentences_keep_offsets_into_the_original():
    text = "  一、项目概况\n本项目面向农民工。开展培训！覆盖“一线职工。”\n\n成效如何？好；"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "一、项目概况",
        "本项目面向农民工。",
        "开展培训！",
        "覆盖“一线职工。”",
        "成效如何？",
        "好；",
    ]
    for s in sentences:
        assert text[s.start : s.end] == s.text


def test_shingles_are_character_ngrams_inside_sentences():
    grams = char_shingles("安全生产培训。工伤预防", n=5)
    assert grams == {"安全生产培", "全生产培训"}  # "工伤预防" is shorter than n
    assert "产培训工伤" not in grams  # no shingle across the sentence boundary
    text = body(CorpusGenerator(3), 20)
    assert shingle_hashes(text).size == len(char_shingles(text))
    assert shingle_hashes(text, 3).size == len(char_shingles(text, 3))
    assert np.all(np.diff(shingle_hashes(text).astype(np.float64)) > 0)  # sorted, unique


# ---------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def call_corpus():
    """30 applications of one call, 3 planted copies, one with exactly 30 % rewritten."""
    gen = CorpusGenerator(11)
    apps = {f"app-{i:02d}": gen.application(f"app-{i:02d}", 4000) for i in range(27)}
    copies = {
        "copy-30": gen.copy(apps["app-03"], "copy-30", 0.30),
        "copy-10": gen.copy(apps["app-07"], "copy-10", 0.10),
        "copy-40": gen.copy(apps["app-15"], "copy-40", 0.40),
    }
    texts = {k: a.text for k, a in {**apps, **copies}.items()}
    index = SimilarityIndex()
    for doc_id, text in texts.items():
        index.add(doc_id, text)
    index.build()
    return texts, index


def test_planted_copy_with_30_percent_rewritten_is_found(call_corpus):
    _texts, index = call_corpus
    pairs = index.suspicious_pairs()
    assert pair_ids(pairs) == {
        frozenset({"app-03", "copy-30"}),
        frozenset({"app-07", "copy-10"}),
        frozenset({"app-15", "copy-40"}),
    }
    by_copy = {next(iter({p.doc_a, p.doc_b} - {"app-03", "app-07", "app-15"})): p for p in pairs}
    assert by_copy["copy-30"].score > DEFAULT_THRESHOLD
    assert by_copy["copy-30"].score > 0.6
    assert by_copy["copy-10"].score > by_copy["copy-30"].score > by_copy["copy-40"].score
    # Ranked by score; containment and Jaccard both reported.
    assert [p.score for p in pairs] == sorted((p.score for p in pairs), reverse=True)
    for p in pairs:
        assert 0 < p.jaccard <= p.containment == p.score <= 1
        assert p.shared <= min(p.size_a, p.size_b)


def test_lsh_result_equals_brute_force(call_corpus):
    _texts, index = call_corpus
    assert index.suspicious_pairs() == index.brute_force_pairs()
    assert index.suspicious_pairs(0.2) == index.brute_force_pairs(0.2)
    assert len(index.candidate_pairs()) < len(list(index.all_pairs()))


def test_containment_scores_a_padded_copy_high():
    gen = CorpusGenerator(5)
    original = body(gen, 60)
    padded = original + body(gen, 60)  # copied whole, then doubled with own text
    index = SimilarityIndex()
    index.add("orig", original)
    index.add("padded", padded)
    (pair,) = index.suspicious_pairs()
    assert pair.score > 0.95
    assert pair.jaccard < 0.6


def test_shared_boilerplate_headings_and_regulations_are_not_flagged():
    gen = CorpusGenerator(21)
    texts = {f"app-{i}": boilerplate_heavy(gen) for i in range(10)}
    # Most of each text is the call's boilerplate ...
    own = len(body(CorpusGenerator(21), 12))
    assert len(texts["app-0"]) > 2.5 * own
    # ... so without the discount every pair would look copied:
    raw = SimilarityIndex(df_floor=100)
    for doc_id, text in texts.items():
        raw.add(doc_id, text)
    assert len(raw.suspicious_pairs()) == 45
    # With the document-frequency discount nothing is flagged.
    index = SimilarityIndex()
    for doc_id, text in texts.items():
        index.add(doc_id, text)
    assert index.suspicious_pairs() == []
    assert index.brute_force_pairs() == []
    pair = index.compare("app-0", "app-1")
    assert pair.score < 0.2
    # A real copy among them is still found.
    index.add("copy", texts["app-4"].replace(HEADINGS[4], HEADINGS[4] + "（修订）"))
    assert pair_ids(index.suspicious_pairs()) == {frozenset({"app-4", "copy"})}


def test_explicit_boilerplate_is_always_ignored():
    gen = CorpusGenerator(8)
    a, b = boilerplate_heavy(gen), boilerplate_heavy(gen)
    # Two documents: no frequency can tell boilerplate from copying ...
    plain = SimilarityIndex()
    plain.add("a", a)
    plain.add("b", b)
    assert pair_ids(plain.suspicious_pairs()) == {frozenset({"a", "b"})}
    # ... the call's text, passed explicitly, can.
    index = SimilarityIndex(boilerplate_texts=[CALL_TEXT])
    index.add("a", a)
    index.add("b", b)
    assert index.suspicious_pairs() == []
    assert index.compare("a", "b").score < 0.1  # some shared vocabulary, nothing more
    assert set(shingle_hashes(CALL_TEXT).tolist()) <= set(index.boilerplate_shingles.tolist())
    assert index.matching_passages("a", "b") == []
    # add_boilerplate() is equivalent.
    later = SimilarityIndex()
    later.add("a", a)
    later.add("b", b)
    later.add_boilerplate(CALL_TEXT)
    assert later.suspicious_pairs() == []


def test_reference_documents_are_compared_but_not_paired_with_each_other():
    gen = CorpusGenerator(9)
    old = gen.application("old-1", 3000)
    old_copy = gen.copy(old, "old-2", 0.2)  # copied last year: screened back then
    new_copy = gen.copy(old, "new-1", 0.3)  # this year's applicant copies last year's text
    index = SimilarityIndex()
    index.add("old-1", old.text, reference=True)
    index.add("old-2", old_copy.text, reference=True)
    index.add("new-1", new_copy.text)
    index.add("new-2", gen.application("new-2", 3000).text)
    pairs = index.suspicious_pairs()
    assert {(p.doc_a, p.doc_b) for p in pairs} == {("new-1", "old-1"), ("new-1", "old-2")}
    assert all(p.reference for p in pairs)
    assert ("old-1", "old-2") not in index.candidate_pairs()
    assert index.compare("old-1", "old-2").score > DEFAULT_THRESHOLD  # similar, just not reported
    assert index.brute_force_pairs() == pairs
    assert index.is_reference("old-1") and not index.is_reference("new-1")


@pytest.mark.parametrize("extra", [0, 1])
def test_small_corpora_still_work(extra):
    gen = CorpusGenerator(4)
    original = gen.application("orig", 3000)
    texts = {"orig": original.text, "copy": gen.copy(original, "copy", 0.3).text}
    if extra:
        texts["other"] = gen.application("other", 3000).text
    index = SimilarityIndex()
    for doc_id, text in texts.items():
        index.add(doc_id, text)
    # Shingles shared by 2-3 documents are not boilerplate by frequency.
    assert index.df_cutoff >= len(texts)
    assert index.boilerplate_shingles.size == 0
    pairs = index.suspicious_pairs()
    assert pair_ids(pairs) == {frozenset({"orig", "copy"})}
    assert pairs[0].score > DEFAULT_THRESHOLD
    # ... and explicit boilerplate still applies.
    guarded = SimilarityIndex(boilerplate_texts=[CALL_TEXT])
    for doc_id, text in texts.items():
        guarded.add(doc_id, text)
    assert pair_ids(guarded.suspicious_pairs()) == {frozenset({"orig", "copy"})}


def test_threshold_is_configurable_per_call(call_corpus):
    texts, _index = call_corpus
    strict = SimilarityIndex(threshold=0.75, figure_threshold=0.99)
    for doc_id, text in texts.items():
        strict.add(doc_id, text)
    assert pair_ids(strict.suspicious_pairs()) == {frozenset({"app-07", "copy-10"})}
    assert strict.lsh_parameters().jaccard_floor > SimilarityIndex().lsh_parameters().jaccard_floor


def test_edge_cases():
    index = SimilarityIndex()
    assert index.suspicious_pairs() == []
    index.add("a", "")
    index.add("b", "短。")
    assert index.suspicious_pairs() == []
    with pytest.raises(ValueError):
        index.add("a", "again")
    with pytest.raises(ValueError):
        SimilarityIndex(threshold=0)


# ---------------------------------------------------------------------------
# LSH tuning, MinHash
# ---------------------------------------------------------------------------


def test_lsh_threshold_is_derived_from_and_below_the_containment_threshold():
    for threshold in (0.3, 0.5, 0.7, 0.9):
        params = lsh_parameters(threshold)
        assert params.jaccard_floor < threshold
        assert params.recall_at_floor >= 0.99
        assert params.bands * params.rows <= 128
        assert params.candidate_probability(params.jaccard_floor) == pytest.approx(
            params.recall_at_floor
        )
    # Equal sizes: containment c <=> Jaccard c / (2 - c).
    assert jaccard_floor(0.5, 1.0) == pytest.approx(1 / 3)
    # A pair exactly at the threshold with the minimum size ratio has the floor's Jaccard.
    small, large, shared = 800, 1000, 400
    assert shared / (small + large - shared) == pytest.approx(jaccard_floor(0.5, 0.8))


def test_minhash_is_datasketch_update_batch(call_corpus):
    from apps.screening.similarity.lsh import _MinHasher

    _texts, index = call_corpus
    shingles = index.shingle_set("app-03")
    expected = MinHash(num_perm=128, seed=1, hashfunc=lambda v: v)
    expected.update_batch((shingles >> np.uint64(32)).astype(np.uint32).tolist())
    sketch = _MinHasher(128, 1).sketch(shingles)
    assert np.array_equal(sketch.hashvalues, expected.hashvalues)


def test_one_permutation_signatures_estimate_the_jaccard(call_corpus):
    """The index's signatures (one permutation hashing, densified): a copy agrees in about
    its Jaccard share of the bins, an unrelated application in few; empty bins are filled."""
    _texts, index = call_corpus
    a, copy, other = (index.shingle_set(d) for d in ("app-03", "copy-30", "app-04"))

    def jaccard(x, y):
        shared = np.intersect1d(x, y).size
        return shared / (x.size + y.size - shared)

    sketch = index.minhash("app-03")
    assert abs(sketch.jaccard(index.minhash("copy-30")) - jaccard(a, copy)) < 0.2
    assert sketch.jaccard(index.minhash("copy-30")) > 0.3
    assert sketch.jaccard(index.minhash("app-04")) < 0.2 + jaccard(a, other)
    hasher = OnePermutationHasher(128)
    few = a[:5]  # most bins empty: every bin still gets a value, and the same values again
    assert np.array_equal(hasher.signature(few), hasher.signature(few.copy()))
    assert len(set(hasher.signature(few).tolist())) > 5
    # Binning by the top bits: each bin's value is its smallest shingle's low 32 bits.
    bins = ((a >> np.uint64(32)) * np.uint64(128)) >> np.uint64(32)
    signature = hasher.signature(a)
    for b in np.unique(bins)[:10].tolist():
        smallest = a[bins == b][0]
        assert signature[b] == np.uint32(int(smallest) & 0xFFFFFFFF)


# ---------------------------------------------------------------------------
# Passages and highlighting
# ---------------------------------------------------------------------------


def test_passages_slice_the_original_texts_to_matching_sentences(call_corpus):
    texts, index = call_corpus
    a, b = texts["app-03"], texts["copy-30"]
    passages = index.matching_passages("app-03", "copy-30")
    assert len(passages) > 10
    sentences_a = {(s.start, s.end): s.text for s in split_sentences(a)}
    sentences_b = {(s.start, s.end): s.text for s in split_sentences(b)}
    identical = 0
    for p in passages:
        assert p.span_a in sentences_a and p.span_b in sentences_b
        assert p.score >= 0.5
        identical += a[p.a_start : p.a_end] == b[p.b_start : p.b_end]
        # Boilerplate is never highlighted.
        assert a[p.a_start : p.a_end] not in TEMPLATE_SENTENCES
        assert not any(a[p.a_start : p.a_end] in reg for reg in REGULATIONS)
    assert identical > len(passages) // 2
    # Sentences changed only in their figures still match.
    assert any(a[p.a_start : p.a_end] != b[p.b_start : p.b_end] for p in passages)
    # Unrelated applications have (almost) no passages.
    assert len(index.matching_passages("app-03", "app-04")) <= 1


def test_matching_passages_function_and_highlight_spans():
    text_a = (
        "一、项目概况\n我们将在化工园区开展有限空间作业培训120人次。另一句完全不同的话在这里出现。"
    )
    text_b = "前言部分的内容与此无关。我们将在化工园区开展有限空间作业培训86人次！"
    boiler = shingle_hashes("一、项目概况")
    (p,) = matching_passages(text_a, text_b, boiler, 5)
    assert text_a[p.a_start : p.a_end] == "我们将在化工园区开展有限空间作业培训120人次。"
    assert text_b[p.b_start : p.b_end] == "我们将在化工园区开展有限空间作业培训86人次！"
    assert p.score == 1.0

    segments = highlight_spans(text_a, [p.span_a])
    assert "".join(s for s, _ in segments) == text_a
    assert [s for s, m in segments if m] == [text_a[p.a_start : p.a_end]]
    # Overlapping / touching spans merge; out-of-range spans are clipped.
    assert highlight_spans("abcdef", [(3, 4), (1, 3), (5, 99), (-2, 0)]) == [
        ("a", False),
        ("bcd", True),
        ("e", False),
        ("f", True),
    ]
    assert highlight_spans("abc", []) == [("abc", False)]


# ---------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------

_DETERMINISM_SCRIPT = """
import json
from apps.screening.similarity import SimilarityIndex
from bench.similarity_bench import make_corpus
corpus = make_corpus(40, seed=3, target_chars=2500)
index = SimilarityIndex(threshold=0.3)
for doc_id, text in corpus.texts.items():
    index.add(doc_id, text)
pairs = index.suspicious_pairs()
print(json.dumps({
    "pairs": [[p.doc_a, p.doc_b, p.score, p.jaccard, p.shared] for p in pairs],
    "candidates": index.candidate_pairs(),
    "minhash": index.minhash(pairs[0].doc_a).hashvalues.tolist(),
    "passages": [[q.a_start, q.a_end, q.b_start, q.b_end, q.score]
                 for q in index.matching_passages(pairs[0].doc_a, pairs[0].doc_b)],
}))
"""


def test_same_input_gives_the_same_scores_across_processes():
    runs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run(
            [sys.executable, "-c", _DETERMINISM_SCRIPT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(out.stdout))
    assert runs[0] == runs[1]
    assert runs[0]["pairs"]


def test_same_input_gives_the_same_scores_in_process():
    corpus = make_corpus(30, seed=2, target_chars=2500)

    def scores():
        index = SimilarityIndex()
        for doc_id, text in corpus.texts.items():
            index.add(doc_id, text)
        return [(p.doc_a, p.doc_b, p.score, p.jaccard) for p in index.suspicious_pairs()]

    first = scores()
    assert first == scores()
    assert {frozenset(p[:2]) for p in first} == corpus.planted
