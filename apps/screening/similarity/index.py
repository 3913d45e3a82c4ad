"""The similarity index of one call: documents and reference documents, the boilerplate
discount (explicit texts and document frequency), MinHash LSH candidate search on the text
(banding in numpy), exact shared-figure counts of all pairs (inverted index), exact pair
scoring (containment and Jaccard), the ranked suspicious pairs and which documents have too
little own text to be assessed."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator

import numpy as np
from datasketch import MinHash

from .defaults import (
    DEFAULT_DF_FLOOR,
    DEFAULT_FIGURE_CONTEXT,
    DEFAULT_FIGURE_THRESHOLD,
    DEFAULT_LSH_RECALL,
    DEFAULT_MAX_DF,
    DEFAULT_MIN_OWN_TEXT,
    DEFAULT_MIN_SHARED,
    DEFAULT_MIN_SHARED_FIGURES,
    DEFAULT_MIN_SIZE_RATIO,
    DEFAULT_NGRAM,
    DEFAULT_NUM_PERM,
    DEFAULT_SEED,
    DEFAULT_THRESHOLD,
)
from .lsh import LSHParameters, OnePermutationHasher, _MinHasher, lsh_parameters
from .results import Passage, SuspiciousPair, matching_passages
from .text import (
    _EMPTY,
    _POLY,
    _member,
    _mix64,
    _sorted_unique,
    _validate_n,
    document_features,
    exact_overlap,
)

TEXT, FIGURES = "text", "figures"


def _frequent(arrays: list[np.ndarray], cutoff: int) -> np.ndarray:
    """Sorted 32-bit keys (:func:`_keys`, the top half of the shingle hash) found in more
    than ``cutoff`` of the arrays (keys of unique-valued shingle arrays).

    Counting on the top 32 bits sorts ~8x faster than on the whole 64-bit hash (numpy's
    32-bit sort is a vectorised radix-like sort) and only ever over-counts: two shingles
    that share their top half (a few per million distinct shingles) count together, so
    at worst a rare shingle is discounted with a frequent one. A 64-bit shingle is
    boilerplate when its key is (:func:`_keys`, :func:`_member`).
    """
    if not arrays:
        return _EMPTY32
    values = np.concatenate(arrays)
    if not values.size:
        return _EMPTY32
    values.sort()
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    counts = np.diff(np.append(starts, values.size))
    return values[starts[counts > cutoff]]


def _frequent_values(arrays: list[np.ndarray], cutoff: int) -> np.ndarray:
    """Sorted values found in more than ``cutoff`` of the (unique-valued) arrays (exact;
    for the figures, a few per document)."""
    if not arrays:
        return _EMPTY
    values = np.concatenate(arrays)
    if not values.size:
        return _EMPTY
    values.sort()
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    counts = np.diff(np.append(starts, values.size))
    return values[starts[counts > cutoff]]


_EMPTY32 = np.empty(0, dtype=np.uint32)
_SHIFT32 = np.uint64(32)


def _keys(values: np.ndarray) -> np.ndarray:
    """Top 32 bits of 64-bit shingle hashes (also the MinHash input, :class:`_MinHasher`)."""
    return (values >> _SHIFT32).astype(np.uint32)


def _band_collisions(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Row pairs (i < j) whose signatures agree on all ``rows`` values of some band.

    The LSH done with numpy instead of :class:`datasketch.MinHashLSH` buckets: each
    band's ``rows`` values are combined into one 64-bit key (polynomial + SplitMix64, so
    keys of different values coincide with probability ~2^-64: at worst an extra
    candidate, which the estimate filter and the exact measure then judge), the keys of
    each band are sorted, and every pair inside a run of equal keys is listed. Returns
    sorted codes ``i * n + j``.
    """
    n = signatures.shape[0]
    if n < 2:
        return np.empty(0, dtype=np.int64)
    block = signatures[:, : bands * rows].reshape(n, bands, rows).astype(np.uint64)
    keys = block[:, :, 0].copy()
    for c in range(1, rows):
        keys *= _POLY
        keys += block[:, :, c]
    keys = _mix64(keys)
    order = np.argsort(keys, axis=0, kind="stable")
    ordered = np.take_along_axis(keys, order, axis=0)
    codes = []
    # In sorted order, rows x and x + k have equal keys only if the whole run between
    # them does: offsets 1, 2, ... list every pair of every run, then stop.
    for k in range(1, n):
        same = ordered[k:] == ordered[:-k]
        if not same.any():
            break
        i, j = order[:-k][same], order[k:][same]
        codes.append(np.minimum(i, j).astype(np.int64) * n + np.maximum(i, j))
    if not codes:
        return np.empty(0, dtype=np.int64)
    return np.unique(np.concatenate(codes))


def _shared_counts(sets: list[np.ndarray], minimum: int, dense_limit: int = 1 << 24):
    """Every pair (i < j) of ``sets`` sharing at least ``minimum`` values, exactly.

    An inverted index by sorting: all values sorted with their set's number, then, for
    offsets k = 1, 2, ..., the entries equal to the entry k places further on (a run of a
    value held by d sets gives its d(d−1)/2 pairs; the candidates for k + 1 are those that
    matched at k). The work is the sum over values of (sets holding it)², small once
    frequent values are discounted. Pairs are counted with ``bincount`` (``np.unique`` when
    n² would exceed ``dense_limit``). Returns (i, j, shared) arrays.
    """
    empty = np.empty(0, dtype=np.int64)
    n = len(sets)
    sizes = np.fromiter((s.size for s in sets), dtype=np.int64, count=n)
    if n < 2 or not sizes.sum():
        return empty, empty, empty
    values = np.concatenate(sets)
    owners = np.repeat(np.arange(n, dtype=np.int64), sizes)
    order = np.argsort(values, kind="stable")  # owners stay ascending within a value
    values, owners = values[order], owners[order]
    codes = []
    starts = np.arange(values.size - 1)
    k = 1
    while starts.size:
        starts = starts[starts + k < values.size]
        starts = starts[values[starts] == values[starts + k]]
        codes.append(owners[starts] * n + owners[starts + k])
        k += 1
    flat = np.concatenate(codes) if codes else empty
    if n * n <= dense_limit:
        counts = np.bincount(flat, minlength=n * n)
        pairs = np.flatnonzero(counts >= minimum)
        shared = counts[pairs]
    else:
        pairs, shared = np.unique(flat, return_counts=True)
        keep = shared >= minimum
        pairs, shared = pairs[keep], shared[keep]
    i, j = np.divmod(pairs, n)
    return i, j, shared.astype(np.int64)


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

    **Figures.** On a call whose applications all follow one template, the
    discount leaves little text: the template is everybody's, and a copy that
    keeps the source's figures differs from the source in nothing the text
    shingles see (they fold digits). Each document therefore also has a set of
    *figures* (:func:`figure_hashes`: a number with its context, not folded),
    discounted by the same frequency rule (12个月, 100%) and counted exactly for
    all pairs at once (an inverted index by sorting, :func:`_shared_counts`); a pair is
    reported on its figures when it shares at least ``min_shared_figures`` of them
    and their containment reaches the threshold.
    A copy that changes the figures is still found on its text when the text
    is the applicant's own (not the template).

    **Too little own text.** A document with fewer than ``min_own_text``
    distinctive text shingles cannot be assessed on its text
    (:meth:`assessable` is False): the screening must say so rather than pass
    it. Text matches are reported only between documents that both reach it,
    so template-only documents sharing a rare phrasing are not taken for
    copies; their figures are still compared.
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
        figure_threshold: float = DEFAULT_FIGURE_THRESHOLD,
        min_own_text: int = DEFAULT_MIN_OWN_TEXT,
        min_shared_figures: int = DEFAULT_MIN_SHARED_FIGURES,
        figure_context: int = DEFAULT_FIGURE_CONTEXT,
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
        if min_own_text < 0 or min_shared_figures < 1:
            raise ValueError("min_own_text must be >= 0 and min_shared_figures >= 1")
        if not 0.0 < figure_threshold <= 1.0:
            raise ValueError("figure_threshold must be in (0, 1]")
        self.figure_threshold = figure_threshold
        self.min_own_text = min_own_text
        self.min_shared_figures = min_shared_figures
        self.figure_context = figure_context
        self._texts: dict[str, str] = {}
        self._raw: dict[str, np.ndarray] = {}
        self._raw_keys: dict[str, np.ndarray] = {}
        self._raw_figures: dict[str, np.ndarray] = {}
        self._references: set[str] = set()
        self._explicit: list[np.ndarray] = []
        self._explicit_sorted = _EMPTY
        self._explicit_figures: list[np.ndarray] = []
        self._explicit_figures_sorted = _EMPTY
        self._built = False
        self._boilerplate: np.ndarray | None = _EMPTY
        self._frequent_keys = _EMPTY32
        self._boilerplate_figures = _EMPTY
        self._df_cutoff = 0
        self._sets: dict[str, np.ndarray] = {}
        self._figure_sets: dict[str, np.ndarray] = {}
        # Text: documents with a signature (rows), their MinHash signatures and
        # reference flags; band collisions per (bands, rows) and figure pairs
        # per threshold, cached.
        self._text: dict = {}
        self._collisions: dict[tuple[int, int], np.ndarray] = {}
        self._figure_pairs: np.ndarray | None = None
        self._hasher = _MinHasher(num_perm, seed)  # wraps signatures as datasketch MinHashes
        self._oph = OnePermutationHasher(num_perm)
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
        self._raw[doc_id], self._raw_figures[doc_id] = document_features(
            text, self.n, fold_digits=self.fold_digits, figure_context=self.figure_context
        )
        self._raw_keys[doc_id] = _keys(self._raw[doc_id])
        if reference:
            self._references.add(doc_id)
        self._built = False

    def add_boilerplate(self, text: str) -> None:
        """Text whose shingles are always ignored (the call, its template ...)."""
        shingles, figures = document_features(
            text, self.n, fold_digits=self.fold_digits, figure_context=self.figure_context
        )
        self._explicit.append(shingles)
        self._explicit_sorted = _sorted_unique(np.concatenate(self._explicit))
        self._explicit_figures.append(figures)
        self._explicit_figures_sorted = _sorted_unique(np.concatenate(self._explicit_figures))
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
        self._frequent_keys = _frequent(list(self._raw_keys.values()), self._df_cutoff)
        explicit = self._explicit_sorted
        self._sets = {}
        for doc_id, raw in self._raw.items():
            keep = ~_member(self._raw_keys[doc_id], self._frequent_keys)
            if explicit.size:
                keep &= ~_member(raw, explicit)
            self._sets[doc_id] = raw[keep]
        self._boilerplate = None  # the 64-bit union, listed on demand
        self._boilerplate_figures = _sorted_unique(
            np.concatenate(
                [
                    _frequent_values(list(self._raw_figures.values()), self._df_cutoff),
                    self._explicit_figures_sorted,
                ]
            )
        )
        self._figure_sets = {
            doc_id: raw[~_member(raw, self._boilerplate_figures)]
            for doc_id, raw in self._raw_figures.items()
        }
        discounted = time.perf_counter()
        # Only documents that can take part in a reported text pair get a signature.
        text_minimum = max(self.min_shared, self.min_own_text)
        rows = [d for d, values in self._sets.items() if values.size >= text_minimum]
        signatures = np.empty((len(rows), self.num_perm), dtype=np.uint32)
        for k, doc_id in enumerate(rows):
            signatures[k] = self._oph.signature(self._sets[doc_id])
        self._text = {
            "rows": rows,
            "row_of": {d: k for k, d in enumerate(rows)},
            "signatures": signatures,
            "references": np.array([d in self._references for d in rows], dtype=bool),
        }
        self._collisions = {}
        self._figure_pairs = None
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
        if self._boilerplate is None:
            self._boilerplate = self._discounted(list(self._raw))
        return self._boilerplate

    def _discounted(self, doc_ids: list[str]) -> np.ndarray:
        """The ignored shingles found in these documents, with the explicit ones."""
        found = [self._raw[d][_member(self._raw_keys[d], self._frequent_keys)] for d in doc_ids]
        return _sorted_unique(np.concatenate([*found, self._explicit_sorted]))

    def shingle_set(self, doc_id: str) -> np.ndarray:
        """Sorted non-boilerplate shingle hashes of a document."""
        self._ensure_built()
        return self._sets[doc_id]

    def figure_set(self, doc_id: str) -> np.ndarray:
        """Sorted non-boilerplate figure hashes of a document."""
        self._ensure_built()
        return self._figure_sets[doc_id]

    def assessable(self, doc_id: str) -> bool:
        """Whether the document has enough own text (``min_own_text``) to be assessed."""
        return self.shingle_set(doc_id).size >= self.min_own_text

    def minhash(self, doc_id: str) -> MinHash | None:
        """The document's text MinHash (None if too little distinctive text to compare): its
        one-permutation signature (:class:`OnePermutationHasher`) as a datasketch MinHash, so
        that ``jaccard()`` of two of them estimates their Jaccard."""
        self._ensure_built()
        row = self._text["row_of"].get(doc_id)
        return None if row is None else self._hasher.minhash(self._text["signatures"][row])

    def lsh_parameters(self, threshold: float | None = None) -> LSHParameters:
        return lsh_parameters(
            self.threshold if threshold is None else threshold,
            self.num_perm,
            min_size_ratio=self.min_size_ratio,
            recall=self.lsh_recall,
        )

    # -- queries -----------------------------------------------------------

    def _ordered(self, x: str, y: str) -> tuple[str, str]:
        x_ref, y_ref = x in self._references, y in self._references
        if x_ref != y_ref:
            return (y, x) if x_ref else (x, y)
        return (x, y) if x <= y else (y, x)

    def _text_candidates(self, params: LSHParameters, stats: dict) -> set[tuple[str, str]]:
        """Text: pairs colliding in a band, minus reference pairs and low estimates."""
        data = self._text
        key = (params.bands, params.rows)
        if key not in self._collisions:
            self._collisions[key] = _band_collisions(data["signatures"], *key)
        codes = self._collisions[key]
        stats["lsh_collisions"] += codes.size
        rows = np.stack(np.divmod(codes, max(len(data["rows"]), 1)), axis=1)
        refs = data["references"]
        rows = rows[~(refs[rows[:, 0]] & refs[rows[:, 1]])]
        keep = np.empty(len(rows), dtype=bool)
        signatures = data["signatures"]
        for start in range(0, len(rows), 65536):  # bounded memory
            chunk = rows[start : start + 65536]
            equal = signatures[chunk[:, 0]] == signatures[chunk[:, 1]]
            keep[start : start + len(chunk)] = equal.mean(axis=1) >= params.estimate_floor
        names = data["rows"]
        return {self._ordered(names[i], names[j]) for i, j in rows[keep].tolist()}

    def _figure_candidates(self, figure_threshold: float, stats: dict) -> set[tuple[str, str]]:
        """Figures: every pair whose figures reach the threshold -- exact, no sketch.

        Figure sets are small (tens to hundreds of figures per application) and, once
        frequent figures are discounted, each figure is held by few documents, so counting
        the shared figures of all pairs through an inverted index costs less than an LSH
        (which at the low figure threshold needs 1-row bands and lists many pairs).
        """
        if self._figure_pairs is None:
            names = [d for d, v in self._figure_sets.items() if v.size >= self.min_shared_figures]
            sets = [self._figure_sets[d] for d in names]
            i, j, shared = _shared_counts(sets, self.min_shared_figures)
            sizes = np.fromiter((v.size for v in sets), dtype=np.int64, count=len(sets))
            refs = np.array([d in self._references for d in names], dtype=bool)
            mask = ~(refs[i] & refs[j]) if len(names) else np.zeros(0, dtype=bool)
            self._figure_pairs = (names, i[mask], j[mask], shared[mask], sizes)
        names, i, j, shared, sizes = self._figure_pairs
        stats["figure_pairs"] = int(i.size)
        reach = shared >= figure_threshold * np.minimum(sizes[i], sizes[j])
        pairs = zip(i[reach].tolist(), j[reach].tolist(), strict=True)
        return {self._ordered(names[x], names[y]) for x, y in pairs}

    def candidate_pairs(
        self, threshold: float | None = None, figure_threshold: float | None = None
    ) -> list[tuple[str, str]]:
        """Pairs to compare exactly for ``threshold`` (default: the index's).

        Text: the pairs whose MinHash signatures collide in a band (banding from
        :meth:`lsh_parameters`), minus pairs of two reference documents, minus pairs
        whose MinHash estimate is implausibly low for the threshold
        (``LSHParameters.estimate_floor``). Figures: the pairs whose shared figures
        reach ``min_shared_figures`` and ``figure_threshold``, counted exactly. Each
        pair once, ordered as in :class:`SuspiciousPair`; sorted. ``candidate_stats``
        records the counts.
        """
        self._ensure_built()
        figure_threshold = self.figure_threshold if figure_threshold is None else figure_threshold
        stats = {"lsh_collisions": 0, "figure_pairs": 0, "candidates": 0}
        found = self._text_candidates(self.lsh_parameters(threshold), stats)
        found |= self._figure_candidates(figure_threshold, stats)
        stats["candidates"] = len(found)
        self.candidate_stats = stats
        return sorted(found)

    def compare(
        self,
        doc_a: str,
        doc_b: str,
        threshold: float | None = None,
        figure_threshold: float | None = None,
    ) -> SuspiciousPair:
        """Exact overlap of the text and the figures of two documents (any two).

        The thresholds (default: the index's) only choose ``basis``: the
        measure that reaches its threshold (text first), else the one closest
        to it; ``score`` is that measure.
        """
        self._ensure_built()
        doc_a, doc_b = self._ordered(doc_a, doc_b)
        a, b = self._sets[doc_a], self._sets[doc_b]
        fa, fb = self._figure_sets[doc_a], self._figure_sets[doc_b]
        return self.pair_from_overlaps(
            doc_a,
            doc_b,
            (a.size, b.size, exact_overlap(a, b)),
            (fa.size, fb.size, exact_overlap(fa, fb)),
            self.threshold if threshold is None else threshold,
            self.figure_threshold if figure_threshold is None else figure_threshold,
        )

    def pair_from_overlaps(
        self,
        doc_a: str,
        doc_b: str,
        text: tuple[int, int, int],
        figures: tuple[int, int, int],
        threshold: float,
        figure_threshold: float,
    ) -> SuspiciousPair:
        """The pair of two documents from (size a, size b, shared) of text and figures."""
        size_a, size_b, shared = text
        figures_a, figures_b, shared_figures = figures
        smaller = min(size_a, size_b)
        union = size_a + size_b - shared
        text_score = shared / smaller if smaller else 0.0
        smaller_figures = min(figures_a, figures_b)
        figure_score = shared_figures / smaller_figures if smaller_figures else 0.0
        counted = []
        text_counts = shared >= self.min_shared and smaller >= self.min_own_text
        figures_counts = shared_figures >= self.min_shared_figures
        if text_counts:
            counted.append((text_score >= threshold, text_score / threshold, TEXT, text_score))
        if figures_counts:
            counted.append(
                (
                    figure_score >= figure_threshold,
                    figure_score / figure_threshold,
                    FIGURES,
                    figure_score,
                )
            )
        score, basis, passes = 0.0, "", False
        if counted:
            passes, _ratio, basis, score = max(
                counted, key=lambda c: (c[0], c[0] and c[2] == TEXT, c[1])
            )
        return SuspiciousPair(
            doc_a=doc_a,
            doc_b=doc_b,
            score=score,
            jaccard=shared / union if union else 0.0,
            shared=shared,
            size_a=int(size_a),
            size_b=int(size_b),
            reference=doc_a in self._references or doc_b in self._references,
            text_score=text_score,
            figure_score=figure_score,
            shared_figures=shared_figures,
            figures_a=int(figures_a),
            figures_b=int(figures_b),
            basis=basis,
            suspicious=passes,
            text_counts=text_counts,
            figures_counts=figures_counts,
        )

    @staticmethod
    def _rank(pairs: Iterable[SuspiciousPair]) -> list[SuspiciousPair]:
        return sorted(pairs, key=lambda p: (-p.score, -p.jaccard, -p.shared, p.doc_a, p.doc_b))

    def suspicious_pairs(
        self, threshold: float | None = None, figure_threshold: float | None = None
    ) -> list[SuspiciousPair]:
        """Candidate pairs whose text or figures reach their threshold, best first.

        The thresholds default to the index's (the call's). Lower thresholds
        than the index's build (and cache) a more permissive LSH.
        """
        threshold = self.threshold if threshold is None else threshold
        figure_threshold = self.figure_threshold if figure_threshold is None else figure_threshold
        found = (
            self.compare(a, b, threshold, figure_threshold)
            for a, b in self.candidate_pairs(threshold, figure_threshold)
        )
        return self._rank(p for p in found if p.suspicious)

    def all_pairs(self) -> Iterator[tuple[str, str]]:
        """Every reportable pair (brute force: N(N−1)/2 minus reference-reference)."""
        ids = list(self._texts)
        for i, x in enumerate(ids):
            for y in ids[i + 1 :]:
                if x in self._references and y in self._references:
                    continue
                yield self._ordered(x, y)

    def brute_force_pairs(
        self, threshold: float | None = None, figure_threshold: float | None = None
    ) -> list[SuspiciousPair]:
        """Same result as :meth:`suspicious_pairs` without the LSH (slow; baseline)."""
        threshold = self.threshold if threshold is None else threshold
        figure_threshold = self.figure_threshold if figure_threshold is None else figure_threshold
        found = (self.compare(a, b, threshold, figure_threshold) for a, b in self.all_pairs())
        return self._rank(p for p in found if p.suspicious)

    def matching_passages(self, doc_a: str, doc_b: str, **kwargs) -> list[Passage]:
        """:func:`matching_passages` of two indexed documents with the index's boilerplate."""
        self._ensure_built()
        return matching_passages(
            self._texts[doc_a],
            self._texts[doc_b],
            self._discounted([doc_a, doc_b]),
            self.n,
            fold_digits=self.fold_digits,
            **kwargs,
        )
