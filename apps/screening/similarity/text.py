"""Text normalisation and shingling: NFKC folding and punctuation/digit removal, sentences
with offsets into the original text, character n-gram shingles as deterministic 64-bit
hashes (whole text and per sentence), and exact overlap of two sorted shingle sets."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from .defaults import (
    DEFAULT_NGRAM,
)

_EMPTY = np.empty(0, dtype=np.uint64)


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
