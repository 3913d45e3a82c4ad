"""The similarity index of one call: documents and reference documents, the boilerplate
discount (explicit texts and document frequency), MinHash LSH candidate search, exact pair
scoring (containment and Jaccard) and the ranked suspicious pairs."""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Iterable, Iterator

import numpy as np
from datasketch import MinHash, MinHashLSH

from .defaults import (
    DEFAULT_DF_FLOOR,
    DEFAULT_LSH_RECALL,
    DEFAULT_MAX_DF,
    DEFAULT_MIN_SHARED,
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
    _validate_n,
    exact_overlap,
    shingle_hashes,
)


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
