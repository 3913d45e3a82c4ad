"""Copied-application (雷同) detection for the preliminary review (SZ P4, 7.3 ⑤).

Framework-free: no Django imports, so the engine can be benchmarked
(``bench/similarity_bench.py``) and wrapped by a Django service that loads the
narrative texts of a call, feeds them to :class:`SimilarityIndex` and stores
the ranked :class:`SuspiciousPair` list and the :class:`Passage` highlights.

Pipeline
========

1. **Normalisation** (:func:`normalize`): NFKC (full-width letters/digits/
   punctuation become ASCII, ㈠ becomes (一) ...), lowercase, drop whitespace,
   punctuation and symbols (Chinese and ASCII), and -- by default -- fold every
   run of digits to ``0``, because changing figures ("培训120人次" ->
   "培训150人次") is the cheapest disguise of a copy and figures carry no
   authorship evidence.
2. **Sentences** (:func:`split_sentences`) on 。！？；!?;… and line breaks, with
   (start, end) offsets into the *original* text, so that matches can be
   highlighted in what the reviewer actually reads.
3. **Shingles** (:func:`char_shingles`, :func:`shingle_hashes`): character
   n-grams (default n=5; Chinese has no spaces) of the normalised text, taken
   *inside* sentences only. Shingles that straddle a sentence boundary would
   make the fingerprint depend on sentence order, and reordering sentences is a
   common disguise. Shingles are represented by deterministic 64-bit hashes
   (polynomial hash of the code points + SplitMix64 finaliser, vectorised with
   numpy), never by Python's salted ``hash()``.
4. **Boilerplate discount** (:meth:`SimilarityIndex.build`): a shingle that
   occurs in more than ``max(df_floor, max_df × N)`` of the N documents (its
   *document frequency*) is boilerplate and is removed from every document's
   set, as is every shingle of the explicit boilerplate texts (the call's own
   text, its application template, a library of regulations). See
   :class:`SimilarityIndex` for why shingles rather than sentences are
   discounted and for the small-corpus rule.
5. **Candidate search**: a :class:`datasketch.MinHash` (``num_perm`` default 128,
   fixed seed) of each non-boilerplate shingle set goes into a
   :class:`datasketch.MinHashLSH`; only pairs that collide in some band are
   compared exactly (see :func:`lsh_parameters` for how the LSH threshold is
   derived from the containment threshold).
6. **Exact measure** on each candidate, on the true non-boilerplate sets:
   Jaccard ``|A∩B| / |A∪B|`` and containment ``|A∩B| / min(|A|, |B|)``. The
   score is the containment: a copy that was padded with additional text, or a
   short application copied into a long one, still scores high, while the
   Jaccard of such a pair is diluted by the additions. Both figures are
   reported.
7. **Passages** (:func:`matching_passages`): sentence pairs of two documents
   whose non-boilerplate shingle overlap is high, with offsets into both
   original texts; :func:`highlight_spans` turns the offsets into
   ``(segment, is_match)`` runs that a template can wrap in ``<mark>``.

Everything is deterministic: fixed hash constants, fixed MinHash seed, and
results sorted with total tie-breaking.
"""

from __future__ import annotations

import gc
import math
import re
import time
import unicodedata
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

__all__ = [
    "DEFAULT_DF_FLOOR",
    "DEFAULT_ESTIMATE_SIGMAS",
    "DEFAULT_LSH_RECALL",
    "DEFAULT_MAX_DF",
    "DEFAULT_MIN_SHARED",
    "DEFAULT_MIN_SIZE_RATIO",
    "DEFAULT_NGRAM",
    "DEFAULT_NUM_PERM",
    "DEFAULT_PASSAGE_MIN_SHARED",
    "DEFAULT_PASSAGE_THRESHOLD",
    "DEFAULT_SEED",
    "DEFAULT_THRESHOLD",
    "LSHParameters",
    "Passage",
    "Sentence",
    "SimilarityIndex",
    "SuspiciousPair",
    "char_shingles",
    "exact_overlap",
    "highlight_spans",
    "jaccard_floor",
    "lsh_parameters",
    "matching_passages",
    "normalize",
    "sentence_shingle_sets",
    "shingle_hashes",
    "split_sentences",
]

DEFAULT_NGRAM = 5
DEFAULT_NUM_PERM = 128
DEFAULT_SEED = 1

#: Default containment threshold of a suspicious pair: at least half of the
#: distinctive (non-boilerplate) 5-grams of the shorter application occur
#: verbatim in the other one.
#:
#: Why 0.5: independently written applications of the same call share
#: vocabulary but, once boilerplate is discounted, only a small share of their
#: 5-grams (in the synthetic benchmark corpus, built from one
#: work-injury-prevention vocabulary, unrelated pairs stay at or below ~0.10);
#: an application that keeps 60 % or more of another's sentences (up to 40 %
#: rewritten, figures changed, sentences reordered) scores ~0.57 or more. 0.5
#: sits between the two with a margin on both sides (bench, N=2000, three
#: seeds: recall 1.0, precision 1.0). It also keeps the Jaccard floor implied
#: for the LSH stage (:func:`jaccard_floor`: 0.29 for size ratios down to 0.8)
#: where 128 permutations reach 99 % candidate recall with 2-row bands, so
#: that chance collisions stay rare as the corpus grows (bench: ~1 % of the
#: pairs collide; MinHash + LSH + listing ~90x faster than comparing all pairs
#: exactly, listing alone ~700x). Calls that want to catch partial copying
#: (one copied section) can lower the threshold: the index then picks 1-row
#: bands, stays exact but gets slower (N=2000: 0.4 still ~80x, 0.3 ~10x, as
#: unrelated pairs of the same topic start to pass the estimate filter).
DEFAULT_THRESHOLD = 0.5

#: Document-frequency discount: a shingle found in more than this share of the
#: documents (float) -- or this number of documents (int) -- is boilerplate.
DEFAULT_MAX_DF = 0.05
#: ... but never when it is found in ``DEFAULT_DF_FLOOR`` documents or fewer:
#: in a 2-3 document corpus every shared shingle would otherwise be
#: "frequent", and a copy ring of up to this many applications is always
#: detectable whatever the size of the corpus.
DEFAULT_DF_FLOOR = 4

#: Pairs sharing fewer non-boilerplate shingles than this are never reported,
#: whatever their containment (guards against near-empty documents, e.g. an
#: application that consists of the template only).
DEFAULT_MIN_SHARED = 50
#: The LSH is tuned so that pairs whose shorter/longer set-size ratio is at
#: least this and whose containment reaches the threshold become candidates
#: with probability >= ``DEFAULT_LSH_RECALL``.
DEFAULT_MIN_SIZE_RATIO = 0.8
DEFAULT_LSH_RECALL = 0.99
#: LSH collisions whose MinHash estimate is this many standard deviations
#: below the Jaccard floor are not compared exactly (see :class:`LSHParameters`).
DEFAULT_ESTIMATE_SIGMAS = 4.0

#: Sentence pairs whose shingle overlap (containment) reaches this are passages ...
DEFAULT_PASSAGE_THRESHOLD = 0.5
#: ... if they share at least this many non-boilerplate shingles (a run of
#: about 12 characters): two short sentences that share a stock phrase are
#: not a copied passage.
DEFAULT_PASSAGE_MIN_SHARED = 8

_EMPTY = np.empty(0, dtype=np.uint64)

# --------------------------------------------------------------------------
# Normalisation, sentences, shingles
# --------------------------------------------------------------------------

# Everything that is not a letter or a digit in the Unicode sense: whitespace,
# Chinese and ASCII punctuation (。，、《》“”…), symbols (%, ￥, ~), underscore.
_NON_WORD_RE = re.compile(r"[\W_]+")
_DIGITS_RE = re.compile(r"\d+")

_TERMINATORS = "。！？；!?;…"
_CLOSERS = "”’」』）)】]\"'》"
_SENTENCE_RE = re.compile(
    rf"[^{_TERMINATORS}\n\r]+(?:[{_TERMINATORS}]+[{re.escape(_CLOSERS)}]*)?"
    rf"|[{_TERMINATORS}]+[{re.escape(_CLOSERS)}]*"
)


def normalize(text: str, *, fold_digits: bool = True) -> str:
    """NFKC, lowercase, drop whitespace/punctuation/symbols, fold digit runs to ``0``."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _NON_WORD_RE.sub("", text)
    if fold_digits:
        text = _DIGITS_RE.sub("0", text)
    return text


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of an original text: ``text == original[start:end]``."""

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Split on 。！？；!?;… and line breaks, keeping offsets into ``text``.

    The terminator (and a closing quote or bracket right after it) belongs to
    the sentence; surrounding whitespace does not. Empty pieces are dropped.
    """
    sentences = []
    for match in _SENTENCE_RE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            sentences.append(Sentence(start, end, text[start:end]))
    return sentences


# Polynomial rolling hash over code points, then the SplitMix64 finaliser.
# Both steps are fixed (no salt), so hashes are stable across processes.
_POLY = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def _mix64(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> _S30)
    h = h * _MIX1
    h = h ^ (h >> _S27)
    h = h * _MIX2
    return h ^ (h >> _S31)


def _hash_pieces(pieces: list[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the n-grams inside each piece, and the piece index of each."""
    lengths = np.fromiter((len(p) for p in pieces), dtype=np.int64, count=len(pieces))
    joined = "".join(pieces)
    total = len(joined)
    if total < n:
        return _EMPTY, np.empty(0, dtype=np.int64)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    width = total - n + 1
    h = codes[:width].copy()
    for i in range(1, n):
        h *= _POLY
        h += codes[i : i + width]
    owner = np.repeat(np.arange(len(pieces), dtype=np.int64), lengths)
    inside = owner[:width] == owner[n - 1 :]
    return _mix64(h[inside]), owner[:width][inside]


def _validate_n(n: int) -> None:
    if n < 1:
        raise ValueError("n must be >= 1")


def char_shingles(text: str, n: int = DEFAULT_NGRAM, *, fold_digits: bool = True) -> set[str]:
    """The readable character n-grams of ``text`` (inside sentences, normalised).

    For inspection and tests; the engine works on :func:`shingle_hashes`.
    """
    _validate_n(n)
    grams: set[str] = set()
    for sentence in split_sentences(text):
        norm = normalize(sentence.text, fold_digits=fold_digits)
        grams.update(norm[i : i + n] for i in range(len(norm) - n + 1))
    return grams


def shingle_hashes(text: str, n: int = DEFAULT_NGRAM, *, fold_digits: bool = True) -> np.ndarray:
    """Sorted unique uint64 hashes of the n-gram shingles of ``text``.

    One hash per element of :func:`char_shingles` (64-bit, so collisions are
    negligible). These are the "shingles" of every other function here.
    """
    _validate_n(n)
    pieces = [normalize(s.text, fold_digits=fold_digits) for s in split_sentences(text)]
    hashes, _owner = _hash_pieces(pieces, n)
    return np.unique(hashes)


def sentence_shingle_sets(
    text: str,
    n: int = DEFAULT_NGRAM,
    *,
    boilerplate: np.ndarray | Collection[int] | None = None,
    fold_digits: bool = True,
) -> list[tuple[Sentence, frozenset[int]]]:
    """Each sentence of ``text`` with its non-boilerplate shingle hashes."""
    _validate_n(n)
    sentences = split_sentences(text)
    pieces = [normalize(s.text, fold_digits=fold_digits) for s in sentences]
    hashes, owner = _hash_pieces(pieces, n)
    bp = _as_sorted_array(boilerplate)
    if bp.size and hashes.size:
        keep = ~_member(hashes, bp)
        hashes, owner = hashes[keep], owner[keep]
    per_sentence: list[set[int]] = [set() for _ in sentences]
    for h, i in zip(hashes.tolist(), owner.tolist(), strict=True):
        per_sentence[i].add(h)
    return [(s, frozenset(sh)) for s, sh in zip(sentences, per_sentence, strict=True)]


def _as_sorted_array(values: np.ndarray | Collection[int] | None) -> np.ndarray:
    if values is None:
        return _EMPTY
    if isinstance(values, np.ndarray):
        arr = values.astype(np.uint64, copy=False)
    else:
        arr = np.fromiter(values, dtype=np.uint64, count=len(values))
    return np.unique(arr)


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Boolean mask: which of ``values`` are in the sorted unique ``sorted_set``."""
    if not sorted_set.size or not values.size:
        return np.zeros(values.shape, dtype=bool)
    idx = np.searchsorted(sorted_set, values)
    idx[idx == sorted_set.size] = 0
    return sorted_set[idx] == values


def exact_overlap(a: np.ndarray, b: np.ndarray) -> int:
    """``|A ∩ B|`` of two sorted unique uint64 shingle arrays.

    The exact measure used both on LSH candidates and by the brute-force
    baseline of the benchmark.
    """
    if not a.size or not b.size:
        return 0
    if a.size > b.size:
        a, b = b, a
    return int(np.count_nonzero(_member(a, b)))


# --------------------------------------------------------------------------
# LSH parameters
# --------------------------------------------------------------------------


def jaccard_floor(threshold: float, min_size_ratio: float = DEFAULT_MIN_SIZE_RATIO) -> float:
    """Lowest Jaccard of a pair whose containment reaches ``threshold``.

    With ``m = |A| <= |B| = m / s`` and ``|A∩B| = c·m``:
    ``J = c·m / (m + m/s − c·m) = c / (1 + 1/s − c)``, increasing in ``c`` and
    ``s``. MinHash estimates Jaccard, not containment, so the LSH must be
    tuned for this floor (lower than the containment threshold: 0.33 for
    equal sizes, 0.29 for s=0.8 at c=0.5), not for the threshold itself.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError("threshold must be in (0, 1]")
    if not 0.0 < min_size_ratio <= 1.0:
        raise ValueError("min_size_ratio must be in (0, 1]")
    return threshold / (1.0 + 1.0 / min_size_ratio - threshold)


@dataclass(frozen=True, slots=True)
class LSHParameters:
    """Banding of the LSH for one containment threshold.

    ``jaccard_floor`` is the LSH threshold handed to :class:`MinHashLSH`;
    ``recall_at_floor`` the probability that a pair exactly at the floor
    collides in at least one of the ``bands`` bands of ``rows`` rows:
    ``1 − (1 − J^rows)^bands``. Colliding pairs whose MinHash Jaccard estimate
    is below ``estimate_floor`` (the floor minus ``DEFAULT_ESTIMATE_SIGMAS``
    standard deviations of the estimator, ``sqrt(J(1−J)/num_perm)``) are
    dropped before the exact comparison: a pair at the floor falls that low
    with probability < 1e-4, while the many weakly similar pairs that collide
    by chance in one band (same industry, same district) are filtered for the
    price of comparing two 128-value signatures.
    """

    threshold: float
    jaccard_floor: float
    bands: int
    rows: int
    recall_at_floor: float
    estimate_floor: float

    def candidate_probability(self, jaccard: float) -> float:
        return 1.0 - (1.0 - jaccard**self.rows) ** self.bands


def lsh_parameters(
    threshold: float,
    num_perm: int = DEFAULT_NUM_PERM,
    *,
    min_size_ratio: float = DEFAULT_MIN_SIZE_RATIO,
    recall: float = DEFAULT_LSH_RECALL,
) -> LSHParameters:
    """Choose the LSH banding for a containment ``threshold``.

    The LSH threshold is *derived from and lower than* the final threshold, so
    the approximate stage loses (almost) nothing the exact stage would report:

    1. the containment threshold is translated into the Jaccard floor of
       :func:`jaccard_floor` (MinHash sees Jaccard; a copy with additions has a
       lower Jaccard than containment);
    2. the banding takes the most rows per band ``r`` (most selective: fewest
       chance collisions to verify) for which some number of bands
       ``b <= num_perm / r`` still makes a pair at that floor collide with
       probability ``1 − (1 − floor^r)^b >= recall`` (99 % by default), and the
       fewest such bands (less work, fewer chance collisions). Pairs above the
       floor collide with even higher probability.

    Datasketch's own optimiser balances false positives and negatives around
    the threshold, so that a pair exactly at the threshold is found only 50-80 %
    of the time; here false negatives are what matters -- a false positive only
    costs a signature comparison (and rarely an exact comparison).
    """
    if num_perm < 2:
        raise ValueError("num_perm must be >= 2")
    if not 0.0 < recall < 1.0:
        raise ValueError("recall must be in (0, 1)")
    floor = jaccard_floor(threshold, min_size_ratio)
    bands, rows = num_perm, 1  # most permissive; kept only if nothing else reaches `recall`
    for r in range(num_perm // 2, 0, -1):
        band_hit = floor**r
        if band_hit >= 1.0:
            bands, rows = 2, r
            break
        needed = math.ceil(math.log(1.0 - recall) / math.log1p(-band_hit))
        if max(needed, 2) * r <= num_perm:
            bands, rows = max(needed, 2), r
            break
    p = 1.0 - (1.0 - floor**rows) ** bands
    sigma = math.sqrt(floor * (1.0 - floor) / num_perm)
    estimate_floor = max(0.0, floor - DEFAULT_ESTIMATE_SIGMAS * sigma)
    return LSHParameters(threshold, floor, bands, rows, p, estimate_floor)


# --------------------------------------------------------------------------
# MinHash (datasketch, bit-identical to MinHash.update_batch)
# --------------------------------------------------------------------------

_FMIX32 = (
    np.uint32(16),
    np.uint32(0x85EBCA6B),
    np.uint32(13),
    np.uint32(0xC2B2AE35),
    np.uint32(16),
)


def _fmix32(h: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX32
    h = h ^ (h >> s1)
    h = h * m1
    h = h ^ (h >> s2)
    h = h * m2
    return h ^ (h >> s3)


def _identity(value: int) -> int:
    return value


class _MinHasher:
    """Computes :class:`datasketch.MinHash` sketches of shingle-hash arrays.

    The sketches are datasketch ``affine32`` MinHashes whose input hash of a
    shingle is the top 32 bits of its 64-bit shingle hash. ``MinHash.update_batch``
    builds a Python list of all inputs and a fresh (k × num_perm) matrix per
    call; this does the same arithmetic (MurmurHash3 fmix, ``a·h + b mod 2^32``,
    column minimum) into a reused buffer, ~20x faster, and produces the very
    same hash values (asserted in the tests).
    """

    _CHUNK = 4096

    def __init__(self, num_perm: int, seed: int) -> None:
        self.template = MinHash(num_perm=num_perm, seed=seed, hashfunc=_identity, scheme="affine32")
        a, b = self.template.permutations
        self._a = a.reshape(-1, 1)
        self._b = b.reshape(-1, 1)
        self._buffer = np.empty((num_perm, self._CHUNK), dtype=np.uint32)

    @staticmethod
    def inputs(shingles: np.ndarray) -> np.ndarray:
        return (shingles >> np.uint64(32)).astype(np.uint32)

    def sketch(self, shingles: np.ndarray) -> MinHash:
        values = self.template.hashvalues.copy()
        hv = _fmix32(self.inputs(shingles))
        for start in range(0, hv.size, self._CHUNK):
            chunk = hv[start : start + self._CHUNK]
            out = self._buffer[:, : chunk.size]
            np.multiply(self._a, chunk, out=out)
            np.add(out, self._b, out=out)
            np.minimum(values, out.min(axis=1), out=values)
        return MinHash(
            seed=self.template.seed,
            hashfunc=_identity,
            hashvalues=values,
            permutations=self.template.permutations,
            scheme="affine32",
        )


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SuspiciousPair:
    """Two documents with their exact overlap on non-boilerplate shingles.

    ``score`` is the containment ``shared / min(size_a, size_b)``; ``jaccard``
    is ``shared / (size_a + size_b − shared)``. When exactly one of the two is
    a reference (earlier-year) document, it is ``doc_b``; otherwise the ids are
    in sorted order.
    """

    doc_a: str
    doc_b: str
    score: float
    jaccard: float
    shared: int
    size_a: int
    size_b: int
    reference: bool = False

    @property
    def containment(self) -> float:
        return self.score


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence of text A matched with a sentence of text B.

    ``text_a[a_start:a_end]`` and ``text_b[b_start:b_end]`` are the two
    sentences; ``score`` is their non-boilerplate shingle containment and
    ``shared`` the number of shared shingles.
    """

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    score: float
    shared: int

    @property
    def span_a(self) -> tuple[int, int]:
        return (self.a_start, self.a_end)

    @property
    def span_b(self) -> tuple[int, int]:
        return (self.b_start, self.b_end)


def matching_passages(
    text_a: str,
    text_b: str,
    boilerplate_shingles: np.ndarray | Collection[int] | None = None,
    n: int = DEFAULT_NGRAM,
    *,
    min_score: float = DEFAULT_PASSAGE_THRESHOLD,
    min_shared: int = DEFAULT_PASSAGE_MIN_SHARED,
    fold_digits: bool = True,
) -> list[Passage]:
    """Sentence pairs of ``text_a``/``text_b`` with high non-boilerplate overlap.

    Every sentence of A is paired with the sentence of B of highest
    non-boilerplate shingle containment ``shared / min(|a|, |b|)`` (ties: more
    shared shingles, then the earlier sentence); the pair is a passage when
    that containment reaches ``min_score`` and at least ``min_shared``
    shingles are shared. Sentences made only of boilerplate
    (headings, template sentences, quoted regulations) have no shingles left
    and are never highlighted. Result in the order of A; a sentence of B may
    appear in several passages (e.g. when the copy merged two sentences).
    """
    sa = sentence_shingle_sets(text_a, n, boilerplate=boilerplate_shingles, fold_digits=fold_digits)
    sb = sentence_shingle_sets(text_b, n, boilerplate=boilerplate_shingles, fold_digits=fold_digits)
    postings: dict[int, list[int]] = {}
    for j, (_sentence, shingles) in enumerate(sb):
        for h in shingles:
            postings.setdefault(h, []).append(j)
    passages = []
    for sent_a, shingles_a in sa:
        if not shingles_a:
            continue
        counts: dict[int, int] = {}
        for h in shingles_a:
            for j in postings.get(h, ()):
                counts[j] = counts.get(j, 0) + 1
        best = None
        for j, shared in counts.items():
            if shared < min_shared:
                continue
            score = shared / min(len(shingles_a), len(sb[j][1]))
            key = (score, shared, -j)
            if score >= min_score and (best is None or key > best[0]):
                best = (key, j, score, shared)
        if best is not None:
            _key, j, score, shared = best
            sent_b = sb[j][0]
            passages.append(
                Passage(sent_a.start, sent_a.end, sent_b.start, sent_b.end, score, shared)
            )
    return passages


def highlight_spans(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[str, bool]]:
    """Cut ``text`` into ``(segment, is_match)`` runs covering it entirely.

    Spans are clipped to the text and merged when they overlap or touch, so
    ``"".join(seg for seg, _ in result) == text``. No HTML here: the template
    escapes each segment and wraps the matching ones in ``<mark>``.
    """
    size = len(text)
    clipped = sorted((max(0, s), min(size, e)) for s, e in spans if min(size, e) > max(0, s))
    merged: list[list[int]] = []
    for s, e in clipped:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    segments: list[tuple[str, bool]] = []
    pos = 0
    for s, e in merged:
        if s > pos:
            segments.append((text[pos:s], False))
        segments.append((text[s:e], True))
        pos = e
    if pos < size:
        segments.append((text[pos:], False))
    return segments


# --------------------------------------------------------------------------
# The index
# --------------------------------------------------------------------------


class SimilarityIndex:
    """All applications of one call (plus earlier years) and their copies.

    Usage::

        index = SimilarityIndex(threshold=call.similarity_threshold,
                                boilerplate_texts=[call.notice_text, call.template_text])
        for app in applications_of_the_call:
            index.add(str(app.pk), app.narrative)
        for old in applications_of_earlier_years:
            index.add(f"ref-{old.pk}", old.narrative, reference=True)
        index.build()
        for pair in index.suspicious_pairs():
            passages = index.matching_passages(pair.doc_a, pair.doc_b)

    **Why the boilerplate discount works on shingles, not sentences.** The
    text to discount is rarely reproduced as identical sentences: regulations
    are quoted in part, cut at different words, wrapped in the applicant's own
    lead-in ("根据《工伤保险条例》第一条规定，为了……"); template sentences are
    filled in with the applicant's name and figures; headings get numbered
    differently. At the shingle level the shared part is discounted wherever
    it occurs, and only it -- the applicant's own words in the same sentence
    still count. A sentence-level discount would let all of these variants
    through and would need the very sentence segmentation that the copyist
    controls. The same discount also drops the stock phrases of the field
    (工伤预防宣传培训, 安全第一预防为主), which are not evidence of copying
    either.

    **Document-frequency rule.** With N documents (current + reference), a
    shingle is boilerplate when its document frequency exceeds
    ``max(df_floor, max_df × N)`` (``max_df`` as a share if a float, as a
    number of documents if an int). The floor matters for small corpora: with
    2-3 documents every shared shingle has df ≥ 2 ≥ a share of N, and a pure
    share rule would wipe out the very copy we look for; with the floor
    (default 4) nothing is discounted by frequency below five documents and a
    ring of up to ``df_floor`` copies is always visible. Small calls should
    pass the call's text and template as ``boilerplate_texts`` -- those
    shingles are always ignored, whatever their frequency. Add earlier years
    as references: they also sharpen the frequency estimate.

    **Reference documents** (``add(..., reference=True)``) are indexed and
    compared with the current documents, but pairs of two references are not
    reported (they were screened in their own year).
    """

    def __init__(
        self,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        n: int = DEFAULT_NGRAM,
        num_perm: int = DEFAULT_NUM_PERM,
        seed: int = DEFAULT_SEED,
        max_df: float | int = DEFAULT_MAX_DF,
        df_floor: int = DEFAULT_DF_FLOOR,
        boilerplate_texts: Iterable[str] = (),
        min_shared: int = DEFAULT_MIN_SHARED,
        min_size_ratio: float = DEFAULT_MIN_SIZE_RATIO,
        lsh_recall: float = DEFAULT_LSH_RECALL,
        fold_digits: bool = True,
    ) -> None:
        _validate_n(n)
        if not 0.0 < threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if isinstance(max_df, float) and not 0.0 < max_df <= 1.0:
            raise ValueError("max_df as a share must be in (0, 1]")
        if isinstance(max_df, int) and max_df < 1:
            raise ValueError("max_df as a number of documents must be >= 1")
        self.threshold = threshold
        self.n = n
        self.num_perm = num_perm
        self.seed = seed
        self.max_df = max_df
        self.df_floor = df_floor
        self.min_shared = min_shared
        self.min_size_ratio = min_size_ratio
        self.lsh_recall = lsh_recall
        self.fold_digits = fold_digits
        self._texts: dict[str, str] = {}
        self._raw: dict[str, np.ndarray] = {}
        self._references: set[str] = set()
        self._explicit: list[np.ndarray] = []
        self._explicit_sorted = _EMPTY
        self._built = False
        self._boilerplate = _EMPTY
        self._df_cutoff = 0
        self._sets: dict[str, np.ndarray] = {}
        self._sketches: dict[str, MinHash] = {}
        # Documents with a sketch, their signatures (rows) and reference flags.
        self._rows: list[str] = []
        self._signatures = np.empty((0, num_perm), dtype=np.uint32)
        self._reference_rows = np.empty(0, dtype=bool)
        self._lsh: dict[tuple[int, int], MinHashLSH] = {}
        self._hasher = _MinHasher(num_perm, seed)
        #: Seconds spent in the phases of the last :meth:`build`.
        self.build_timings: dict[str, float] = {}
        #: Counts of the last :meth:`candidate_pairs` (LSH collisions, candidates).
        self.candidate_stats: dict[str, int] = {}
        for text in boilerplate_texts:
            self.add_boilerplate(text)

    # -- input -------------------------------------------------------------

    def add(self, doc_id: str, text: str, *, reference: bool = False) -> None:
        """Add a document; ``reference=True`` for earlier years (see class doc)."""
        if doc_id in self._texts:
            raise ValueError(f"duplicate document id {doc_id!r}")
        self._texts[doc_id] = text
        self._raw[doc_id] = shingle_hashes(text, self.n, fold_digits=self.fold_digits)
        if reference:
            self._references.add(doc_id)
        self._built = False

    def add_boilerplate(self, text: str) -> None:
        """Text whose shingles are always ignored (the call, its template ...)."""
        self._explicit.append(shingle_hashes(text, self.n, fold_digits=self.fold_digits))
        self._explicit_sorted = np.unique(np.concatenate(self._explicit))
        self._built = False

    def __len__(self) -> int:
        return len(self._texts)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._texts

    @property
    def doc_ids(self) -> list[str]:
        return list(self._texts)

    def is_reference(self, doc_id: str) -> bool:
        return doc_id in self._references

    def text(self, doc_id: str) -> str:
        return self._texts[doc_id]

    # -- build -------------------------------------------------------------

    @property
    def df_cutoff(self) -> int:
        """Shingles in more than this many documents are boilerplate."""
        n_docs = len(self._texts)
        if isinstance(self.max_df, float):
            by_share = math.floor(self.max_df * n_docs)
        else:
            by_share = self.max_df
        return max(self.df_floor, by_share)

    def build(self) -> None:
        """Document frequencies, boilerplate, non-boilerplate sets, MinHashes.

        Call after the last :meth:`add`; the query methods call it themselves
        when documents were added since.
        """
        started = time.perf_counter()
        self._df_cutoff = self.df_cutoff
        raws = list(self._raw.values())
        frequent = _EMPTY
        if raws:
            uniques, counts = np.unique(np.concatenate(raws), return_counts=True)
            frequent = uniques[counts > self._df_cutoff]
        self._boilerplate = np.union1d(frequent, self._explicit_sorted)
        self._sets = {
            doc_id: raw[~_member(raw, self._boilerplate)] for doc_id, raw in self._raw.items()
        }
        discounted = time.perf_counter()
        self._sketches = {
            doc_id: self._hasher.sketch(shingles)
            for doc_id, shingles in self._sets.items()
            if shingles.size >= self.min_shared
        }
        self._rows = list(self._sketches)
        self._signatures = np.array(
            [self._sketches[d].hashvalues for d in self._rows], dtype=np.uint32
        ).reshape(len(self._rows), self.num_perm)
        self._reference_rows = np.array([d in self._references for d in self._rows], dtype=bool)
        self._lsh = {}
        self._built = True
        self.build_timings = {
            "document_frequency": discounted - started,
            "minhash": time.perf_counter() - discounted,
        }

    def _ensure_built(self) -> None:
        if not self._built:
            self.build()

    @property
    def boilerplate_shingles(self) -> np.ndarray:
        """Sorted uint64 hashes of all ignored shingles (frequent ∪ explicit)."""
        self._ensure_built()
        return self._boilerplate

    def shingle_set(self, doc_id: str) -> np.ndarray:
        """Sorted non-boilerplate shingle hashes of a document."""
        self._ensure_built()
        return self._sets[doc_id]

    def minhash(self, doc_id: str) -> MinHash | None:
        """The document's MinHash (None if it has too few distinctive shingles)."""
        self._ensure_built()
        return self._sketches.get(doc_id)

    def lsh_parameters(self, threshold: float | None = None) -> LSHParameters:
        return lsh_parameters(
            self.threshold if threshold is None else threshold,
            self.num_perm,
            min_size_ratio=self.min_size_ratio,
            recall=self.lsh_recall,
        )

    def _lsh_for(self, params: LSHParameters) -> MinHashLSH:
        self._ensure_built()
        key = (params.bands, params.rows)
        lsh = self._lsh.get(key)
        if lsh is None:
            # Keys are row numbers into self._rows / self._signatures.
            lsh = MinHashLSH(threshold=params.jaccard_floor, num_perm=self.num_perm, params=key)
            # Insertion allocates one bucket set per (document, band) and nothing
            # cyclic; without this, the allocations trigger full garbage-collector
            # passes over everything the host process holds (2-3x slower).
            gc_enabled = gc.isenabled()
            gc.disable()
            try:
                with lsh.insertion_session() as session:
                    for row, doc_id in enumerate(self._rows):
                        session.insert(row, self._sketches[doc_id], check_duplication=False)
            finally:
                if gc_enabled:
                    gc.enable()
            self._lsh[key] = lsh
        return lsh

    # -- queries -----------------------------------------------------------

    def _ordered(self, x: str, y: str) -> tuple[str, str]:
        x_ref, y_ref = x in self._references, y in self._references
        if x_ref != y_ref:
            return (y, x) if x_ref else (x, y)
        return (x, y) if x <= y else (y, x)

    def _colliding_rows(self, lsh: MinHashLSH) -> np.ndarray:
        """Row pairs (i < j) sharing at least one LSH bucket, as an (m, 2) array."""
        n_rows = len(self._rows)
        codes: set[int] = set()
        if n_rows < 2:
            return np.empty((0, 2), dtype=np.int64)
        for table in lsh.hashtables:
            for bucket in table:
                members = table.get(bucket)
                if len(members) < 2:
                    continue
                ordered = sorted(members)
                for x, i in enumerate(ordered):
                    base = i * n_rows
                    codes.update(base + j for j in ordered[x + 1 :])
        flat = np.fromiter(codes, dtype=np.int64, count=len(codes))
        flat.sort()
        return np.stack(np.divmod(flat, n_rows), axis=1)

    def candidate_pairs(self, threshold: float | None = None) -> list[tuple[str, str]]:
        """Pairs to compare exactly for ``threshold`` (default: the index's).

        The pairs that share an LSH bucket (bands tuned by
        :meth:`lsh_parameters`), minus pairs of two reference documents, minus
        pairs whose MinHash estimate is implausibly low for the threshold
        (``LSHParameters.estimate_floor``). Each pair once, ordered as in
        :class:`SuspiciousPair`; sorted. ``candidate_stats`` records the counts.
        """
        params = self.lsh_parameters(threshold)
        lsh = self._lsh_for(params)
        rows = self._colliding_rows(lsh)
        collisions = len(rows)
        rows = rows[~(self._reference_rows[rows[:, 0]] & self._reference_rows[rows[:, 1]])]
        keep = np.empty(len(rows), dtype=bool)
        for start in range(0, len(rows), 65536):  # bounded memory
            chunk = rows[start : start + 65536]
            equal = self._signatures[chunk[:, 0]] == self._signatures[chunk[:, 1]]
            keep[start : start + len(chunk)] = equal.mean(axis=1) >= params.estimate_floor
        rows = rows[keep]
        self.candidate_stats = {"lsh_collisions": collisions, "candidates": len(rows)}
        names = self._rows
        return sorted(self._ordered(names[i], names[j]) for i, j in rows.tolist())

    def compare(self, doc_a: str, doc_b: str) -> SuspiciousPair:
        """Exact Jaccard and containment of two documents (any two, no threshold)."""
        self._ensure_built()
        doc_a, doc_b = self._ordered(doc_a, doc_b)
        a, b = self._sets[doc_a], self._sets[doc_b]
        shared = exact_overlap(a, b)
        smaller = min(a.size, b.size)
        union = a.size + b.size - shared
        return SuspiciousPair(
            doc_a=doc_a,
            doc_b=doc_b,
            score=shared / smaller if smaller else 0.0,
            jaccard=shared / union if union else 0.0,
            shared=shared,
            size_a=int(a.size),
            size_b=int(b.size),
            reference=doc_a in self._references or doc_b in self._references,
        )

    def _is_suspicious(self, pair: SuspiciousPair, threshold: float) -> bool:
        return pair.score >= threshold and pair.shared >= self.min_shared

    @staticmethod
    def _rank(pairs: Iterable[SuspiciousPair]) -> list[SuspiciousPair]:
        return sorted(pairs, key=lambda p: (-p.score, -p.jaccard, -p.shared, p.doc_a, p.doc_b))

    def suspicious_pairs(self, threshold: float | None = None) -> list[SuspiciousPair]:
        """Candidate pairs whose exact containment reaches ``threshold``, best first.

        ``threshold`` defaults to the index's (the call's) threshold. A lower
        threshold than the index's builds (and caches) a more permissive LSH.
        """
        threshold = self.threshold if threshold is None else threshold
        found = (self.compare(a, b) for a, b in self.candidate_pairs(threshold))
        return self._rank(p for p in found if self._is_suspicious(p, threshold))

    def all_pairs(self) -> Iterator[tuple[str, str]]:
        """Every reportable pair (brute force: N(N−1)/2 minus reference-reference)."""
        ids = list(self._texts)
        for i, x in enumerate(ids):
            for y in ids[i + 1 :]:
                if x in self._references and y in self._references:
                    continue
                yield self._ordered(x, y)

    def brute_force_pairs(self, threshold: float | None = None) -> list[SuspiciousPair]:
        """Same result as :meth:`suspicious_pairs` without the LSH (slow; baseline)."""
        threshold = self.threshold if threshold is None else threshold
        found = (self.compare(a, b) for a, b in self.all_pairs())
        return self._rank(p for p in found if self._is_suspicious(p, threshold))

    def matching_passages(self, doc_a: str, doc_b: str, **kwargs) -> list[Passage]:
        """:func:`matching_passages` of two indexed documents with the index's boilerplate."""
        return matching_passages(
            self._texts[doc_a],
            self._texts[doc_b],
            self.boilerplate_shingles,
            self.n,
            fold_digits=self.fold_digits,
            **kwargs,
        )
