"""Default parameters of the copy detection, each with the reasoning (and benchmark figures)
behind its value: n-gram size, MinHash permutations and seed, the containment threshold, the
boilerplate document-frequency discount, LSH recall and the passage thresholds."""

from __future__ import annotations

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

#: Figures (:func:`figure_hashes`): a run of digits with this many normalised
#: characters on each side ("培训3000人次"), so that the same number in another
#: slot of the template ("3000万元") is another figure.
DEFAULT_FIGURE_CONTEXT = 2
#: A pair whose figures coincide is reported only if it shares at least this
#: many distinctive figures (a handful of common figures -- 12 months, 100 % --
#: are discounted as boilerplate like any frequent shingle; a few coincidences
#: remain between unrelated applications of a template, ~0-3 in the benchmark).
DEFAULT_MIN_SHARED_FIGURES = 10
#: An application with fewer distinctive (non-boilerplate) text shingles than
#: this -- about this many characters of its own words -- cannot be assessed on
#: its text: its P4 verdict is "cannot assess" unless its figures match another
#: application's. Text matches are reported only between applications that both
#: reach it, so two template-only applications that share a rare phrasing of the
#: template are not taken for copies of each other.
DEFAULT_MIN_OWN_TEXT = 100
#: Figures threshold: share of the smaller figure set found in the other one.
#: Lower than the text threshold because coincidences are rare (each figure is
#: a number in its context) while a copy that keeps the source's form figures
#: usually has figures of its own paragraphs too (templated bench: figures-kept
#: copies >= ~0.45, unrelated pairs never reach ``DEFAULT_MIN_SHARED_FIGURES``).
DEFAULT_FIGURE_THRESHOLD = 0.3
