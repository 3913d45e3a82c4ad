"""Copied-application (雷同) detection for the preliminary review (SZ P4, 7.3 ⑤).

Framework-free: no Django imports, so the engine can be benchmarked
(``bench/similarity_bench.py``) and wrapped by a Django service that loads the
narrative texts of a call, feeds them to :class:`SimilarityIndex` and stores
the ranked :class:`SuspiciousPair` list and the :class:`Passage` highlights.

Pipeline
========

1. **Normalisation** (:func:`normalize`; :func:`normalized_codes` does the same
   for a whole text in one pass through per-code-point tables): NFKC (full-width letters/digits/
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
5. **Candidate search**: a MinHash signature (``num_perm`` default 128) of each
   non-boilerplate shingle set by one permutation hashing
   (:class:`OnePermutationHasher`: bins of the uniform shingle hashes, densified),
   banded in numpy; only pairs that collide in some band and whose signature
   estimate is plausible are compared exactly (see :func:`lsh_parameters` for
   how the LSH threshold is derived from the containment threshold).
6. **Exact measure** on each candidate, on the true non-boilerplate sets:
   Jaccard ``|A∩B| / |A∪B|`` and containment ``|A∩B| / min(|A|, |B|)``. The
   score is the containment: a copy that was padded with additional text, or a
   short application copied into a long one, still scores high, while the
   Jaccard of such a pair is diluted by the additions. Both figures are
   reported.
6b. **Figures** (:func:`figure_hashes`): each number with two normalised
   characters of context on both sides, digits *not* folded, discounted by
   document frequency like the shingles and searched with its own MinHash LSH:
   on a call whose applications all fill in one template, the figures are what
   a copy that keeps the source's figures shares with it. A pair counts on its
   figures when it shares ``min_shared_figures`` of them and their containment
   reaches ``figure_threshold``. A document with fewer than ``min_own_text``
   distinctive text shingles cannot be assessed on its text
   (:meth:`SimilarityIndex.assessable`): the screening says so instead of
   passing it.
7. **Passages** (:func:`matching_passages`): sentence pairs of two documents
   whose non-boilerplate shingle overlap is high, with offsets into both
   original texts; :func:`highlight_spans` turns the offsets into
   ``(segment, is_match)`` runs that a template can wrap in ``<mark>``.

Everything is deterministic: fixed hash constants, no seeded sketch, and
results sorted with total tie-breaking.

Modules
=======

``text`` (normalisation, sentences, shingles, exact overlap), ``lsh`` (LSH
parameters and MinHash sketches), ``results`` (suspicious pairs, passages,
highlighting), ``index`` (:class:`SimilarityIndex`: boilerplate discount,
candidate search, pair scoring) and ``defaults`` (the default parameters and
why). Everything listed in ``__all__`` is importable from
``apps.screening.similarity``.
"""

from .defaults import (
    DEFAULT_DF_FLOOR,
    DEFAULT_ESTIMATE_SIGMAS,
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
    DEFAULT_PASSAGE_MIN_SHARED,
    DEFAULT_PASSAGE_THRESHOLD,
    DEFAULT_SEED,
    DEFAULT_THRESHOLD,
)
from .index import SimilarityIndex
from .lsh import LSHParameters, OnePermutationHasher, jaccard_floor, lsh_parameters
from .results import Passage, SuspiciousPair, highlight_spans, matching_passages
from .text import (
    Sentence,
    char_shingles,
    document_features,
    exact_overlap,
    figure_hashes,
    normalize,
    sentence_shingle_sets,
    shingle_hashes,
    split_sentences,
)

__all__ = [
    "DEFAULT_DF_FLOOR",
    "DEFAULT_ESTIMATE_SIGMAS",
    "DEFAULT_FIGURE_CONTEXT",
    "DEFAULT_FIGURE_THRESHOLD",
    "DEFAULT_LSH_RECALL",
    "DEFAULT_MAX_DF",
    "DEFAULT_MIN_OWN_TEXT",
    "DEFAULT_MIN_SHARED",
    "DEFAULT_MIN_SHARED_FIGURES",
    "DEFAULT_MIN_SIZE_RATIO",
    "DEFAULT_NGRAM",
    "DEFAULT_NUM_PERM",
    "DEFAULT_PASSAGE_MIN_SHARED",
    "DEFAULT_PASSAGE_THRESHOLD",
    "DEFAULT_SEED",
    "DEFAULT_THRESHOLD",
    "LSHParameters",
    "OnePermutationHasher",
    "Passage",
    "Sentence",
    "SimilarityIndex",
    "SuspiciousPair",
    "char_shingles",
    "document_features",
    "exact_overlap",
    "figure_hashes",
    "highlight_spans",
    "jaccard_floor",
    "lsh_parameters",
    "matching_passages",
    "normalize",
    "sentence_shingle_sets",
    "shingle_hashes",
    "split_sentences",
]
