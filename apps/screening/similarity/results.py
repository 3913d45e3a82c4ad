"""Results of the copy detection: a suspicious pair with its exact overlap figures, a matching
passage (sentence pair) with offsets into both texts, passage search between two texts and
the highlight segments a template wraps in <mark>."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np

from .defaults import (
    DEFAULT_NGRAM,
    DEFAULT_PASSAGE_MIN_SHARED,
    DEFAULT_PASSAGE_THRESHOLD,
)
from .text import (
    sentence_shingle_sets,
)


@dataclass(frozen=True, slots=True)
class SuspiciousPair:
    """Two documents with their exact overlap on non-boilerplate text and figures.

    Text: ``text_score`` is the containment ``shared / min(size_a, size_b)`` of
    the distinctive text shingles, ``jaccard`` is ``shared / (size_a + size_b −
    shared)``. Figures: ``figure_score`` is the containment
    ``shared_figures / min(figures_a, figures_b)`` of the distinctive figures
    (a number with its context, not folded). A measure counts when enough is
    shared (and, for text, both documents have enough own text to assess);
    ``suspicious`` when a counted measure reaches its threshold. ``basis`` names
    the measure ``score`` is: the one that reaches its threshold (text first),
    else the counted one closest to it ("text", "figures", or "" and score 0
    when neither counts).
    When exactly one of the two is a reference (earlier-year) document, it is
    ``doc_b``; otherwise the ids are in sorted order.
    """

    doc_a: str
    doc_b: str
    score: float
    jaccard: float
    shared: int
    size_a: int
    size_b: int
    reference: bool = False
    text_score: float = 0.0
    figure_score: float = 0.0
    shared_figures: int = 0
    figures_a: int = 0
    figures_b: int = 0
    basis: str = "text"
    suspicious: bool = False
    text_counts: bool = False
    figures_counts: bool = False

    def reaches(self, threshold: float, figure_threshold: float) -> bool:
        """Whether a counted measure reaches its threshold (e.g. the call's, not the index's)."""
        return (self.text_counts and self.text_score >= threshold) or (
            self.figures_counts and self.figure_score >= figure_threshold
        )

    @property
    def containment(self) -> float:
        """Containment of the distinctive text (``text_score``)."""
        return self.text_score


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
