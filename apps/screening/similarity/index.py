"""The similarity index of one call: documents and reference documents, the boilerplate
discount (explicit texts and document frequency), MinHash LSH candidate search on the text
and on the figures, exact pair scoring (containment and Jaccard), the ranked suspicious pairs
and which documents have too little own text to be assessed."""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Iterable, Iterator

import numpy as np
from datasketch import MinHash, MinHashLSH

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
from .lsh import LSHParameters, _MinHasher, lsh_parameters
from .results import Passage, SuspiciousPair, matching_passages
from .text import (
    _EMPTY,
    _member,
    _sorted_unique,
    _validate_n,
    document_features,
    exact_overlap,
)

TEXT, FIGURES = "text", "figures"


def _frequent(arrays: list[np.ndarray], cutoff: int) -> np.ndarray:
    """Sorted values found in more than ``cutoff`` of the (unique-valued) arrays."""
    if not arrays:
        return _EMPTY
    values = np.concatenate(arrays)
    if not values.size:
        return _EMPTY
    values.sort()
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    counts = np.diff(np.append(starts, values.size))
    return values[starts[counts > cutoff]]


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
    discounted by the same frequency rule (12个月, 100%), with its own MinHash
    LSH; a pair is reported on its figures when it shares at least
    ``min_shared_figures`` of them and their containment reaches the threshold.
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
        self._raw_figures: dict[str, np.ndarray] = {}
        self._references: set[str] = set()
        self._explicit: list[np.ndarray] = []
        self._explicit_sorted = _EMPTY
        self._explicit_figures: list[np.ndarray] = []
        self._explicit_figures_sorted = _EMPTY
        self._built = False
        self._boilerplate = _EMPTY
        self._boilerplate_figures = _EMPTY
        self._df_cutoff = 0
        self._sets: dict[str, np.ndarray] = {}
        self._figure_sets: dict[str, np.ndarray] = {}
        self._sketches: dict[str, MinHash] = {}
        # Per channel (text, figures): documents with a sketch, their sketches,
        # signatures (rows) and reference flags.
        self._channels: dict[str, dict] = {}
        self._lsh: dict[tuple[str, int, int], MinHashLSH] = {}
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
        self._raw[doc_id], self._raw_figures[doc_id] = document_features(
            text, self.n, fold_digits=self.fold_digits, figure_context=self.figure_context
        )
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
        self._boilerplate = _sorted_unique(
            np.concatenate(
                [_frequent(list(self._raw.values()), self._df_cutoff), self._explicit_sorted]
            )
        )
        self._boilerplate_figures = _sorted_unique(
            np.concatenate(
                [
                    _frequent(list(self._raw_figures.values()), self._df_cutoff),
                    self._explicit_figures_sorted,
                ]
            )
        )
        self._sets = {
            doc_id: raw[~_member(raw, self._boilerplate)] for doc_id, raw in self._raw.items()
        }
        self._figure_sets = {
            doc_id: raw[~_member(raw, self._boilerplate_figures)]
            for doc_id, raw in self._raw_figures.items()
        }
        discounted = time.perf_counter()
        # Only documents that can take part in a reported pair get a sketch.
        text_minimum = max(self.min_shared, self.min_own_text)
        self._channels = {
            TEXT: self._channel(self._sets, text_minimum),
            FIGURES: self._channel(self._figure_sets, self.min_shared_figures),
        }
        self._sketches = self._channels[TEXT]["sketches"]
        self._lsh = {}
        self._built = True
        self.build_timings = {
            "document_frequency": discounted - started,
            "minhash": time.perf_counter() - discounted,
        }

    def _channel(self, sets: dict[str, np.ndarray], minimum: int) -> dict:
        sketches = {
            doc_id: self._hasher.sketch(values)
            for doc_id, values in sets.items()
            if values.size >= minimum
        }
        rows = list(sketches)
        return {
            "sketches": sketches,
            "rows": rows,
            "signatures": np.array([sketches[d].hashvalues for d in rows], dtype=np.uint32).reshape(
                len(rows), self.num_perm
            ),
            "references": np.array([d in self._references for d in rows], dtype=bool),
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

    def figure_set(self, doc_id: str) -> np.ndarray:
        """Sorted non-boilerplate figure hashes of a document."""
        self._ensure_built()
        return self._figure_sets[doc_id]

    def assessable(self, doc_id: str) -> bool:
        """Whether the document has enough own text (``min_own_text``) to be assessed."""
        return self.shingle_set(doc_id).size >= self.min_own_text

    def minhash(self, doc_id: str) -> MinHash | None:
        """The document's text MinHash (None if too little distinctive text to compare)."""
        self._ensure_built()
        return self._sketches.get(doc_id)

    def lsh_parameters(self, threshold: float | None = None) -> LSHParameters:
        return lsh_parameters(
            self.threshold if threshold is None else threshold,
            self.num_perm,
            min_size_ratio=self.min_size_ratio,
            recall=self.lsh_recall,
        )

    def _lsh_for(self, params: LSHParameters, channel: str = TEXT) -> MinHashLSH:
        self._ensure_built()
        key = (channel, params.bands, params.rows)
        lsh = self._lsh.get(key)
        if lsh is None:
            data = self._channels[channel]
            # Keys are row numbers into the channel's rows / signatures.
            lsh = MinHashLSH(
                threshold=params.jaccard_floor,
                num_perm=self.num_perm,
                params=(params.bands, params.rows),
            )
            # Insertion allocates one bucket set per (document, band) and nothing
            # cyclic; without this, the allocations trigger full garbage-collector
            # passes over everything the host process holds (2-3x slower).
            gc_enabled = gc.isenabled()
            gc.disable()
            try:
                with lsh.insertion_session() as session:
                    for row, doc_id in enumerate(data["rows"]):
                        session.insert(row, data["sketches"][doc_id], check_duplication=False)
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

    @staticmethod
    def _colliding_rows(lsh: MinHashLSH, n_rows: int) -> np.ndarray:
        """Row pairs (i < j) sharing at least one LSH bucket, as an (m, 2) array."""
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

    def candidate_pairs(
        self, threshold: float | None = None, figure_threshold: float | None = None
    ) -> list[tuple[str, str]]:
        """Pairs to compare exactly for ``threshold`` (default: the index's).

        The pairs that share an LSH bucket (bands tuned by
        :meth:`lsh_parameters`), minus pairs of two reference documents, minus
        pairs whose MinHash estimate is implausibly low for the threshold
        (``LSHParameters.estimate_floor``). Each pair once, ordered as in
        :class:`SuspiciousPair`; sorted. ``candidate_stats`` records the counts.
        """
        figure_threshold = self.figure_threshold if figure_threshold is None else figure_threshold
        stats = {"lsh_collisions": 0, "candidates": 0}
        found: set[tuple[str, str]] = set()
        for channel, params in (
            (TEXT, self.lsh_parameters(threshold)),
            (FIGURES, self.lsh_parameters(figure_threshold)),
        ):
            lsh = self._lsh_for(params, channel)
            data = self._channels[channel]
            rows = self._colliding_rows(lsh, len(data["rows"]))
            stats["lsh_collisions"] += len(rows)
            refs = data["references"]
            rows = rows[~(refs[rows[:, 0]] & refs[rows[:, 1]])]
            keep = np.empty(len(rows), dtype=bool)
            signatures = data["signatures"]
            for start in range(0, len(rows), 65536):  # bounded memory
                chunk = rows[start : start + 65536]
                equal = signatures[chunk[:, 0]] == signatures[chunk[:, 1]]
                keep[start : start + len(chunk)] = equal.mean(axis=1) >= params.estimate_floor
            names = data["rows"]
            found.update(self._ordered(names[i], names[j]) for i, j in rows[keep].tolist())
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
        return matching_passages(
            self._texts[doc_a],
            self._texts[doc_b],
            self.boilerplate_shingles,
            self.n,
            fold_digits=self.fold_digits,
            **kwargs,
        )
