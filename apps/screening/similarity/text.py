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
    DEFAULT_FIGURE_CONTEXT,
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
    codes = normalized_codes(text)
    if fold_digits:
        codes = fold_digit_codes(codes)
    return _sorted_unique(_window_hashes(codes, n))


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
# Fast path: the whole text at once through per-code lookup tables
# --------------------------------------------------------------------------
#
# ``shingle_hashes`` and ``document_features`` are on the critical path of every
# screening run (and of the benchmark, whose brute-force baseline includes
# shingling). Normalising sentence by sentence costs ~3 ms per 8,000-character
# application, mostly NFKC and per-sentence Python calls. The same result comes
# from one pass over the code points: a table gives, for every BMP code point,
# what ``normalize`` makes of it on its own (dropped, a sentence boundary, or
# one lowercased NFKC letter/digit). That equals normalising the text as a whole
# unless composition can join neighbours (combining marks, Hangul jamo) or a
# character expands to several letters/digits (㎡ -> m2); texts with such
# characters take the sentence-by-sentence path. A test asserts both agree.

_DROP, _KEEP, _BOUNDARY, _COMPLEX = 0, 1, 2, 3
_NEWLINE = 10
_ZERO = ord("0")
_TABLES: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


def _complex_char(ch: str) -> bool:
    code = ord(ch)
    if unicodedata.combining(ch) or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return True
    if 0xA960 <= code <= 0xA97F or 0xD7B0 <= code <= 0xD7FF or 0xAC00 <= code <= 0xD7A3:
        return True  # Hangul (syllables may compose with a following jamo)
    return any(unicodedata.combining(c) for c in unicodedata.normalize("NFKD", ch))


def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(class, mapped code, is-decimal-digit) for every BMP code point (built once)."""
    global _TABLES
    if _TABLES is None:
        size = 0x10000
        cls = np.zeros(size, dtype=np.uint8)
        mapped = np.zeros(size, dtype=np.uint32)
        for code in range(size):
            if 0xD800 <= code <= 0xDFFF:
                continue  # lone surrogates: dropped (not alphanumeric)
            ch = chr(code)
            if ch in _TERMINATORS or ch in "\n\r":
                cls[code], mapped[code] = _BOUNDARY, _NEWLINE
                continue
            if _complex_char(ch):
                cls[code] = _COMPLEX
                continue
            kept = [c for c in unicodedata.normalize("NFKC", ch).lower() if c.isalnum()]
            if not kept:
                continue
            if len(kept) > 1 or ord(kept[0]) >= size:
                cls[code] = _COMPLEX
                continue
            cls[code], mapped[code] = _KEEP, ord(kept[0])
        digit = np.zeros(size, dtype=bool)
        for code in range(size):
            digit[code] = chr(code).isdecimal()
        _TABLES = (cls, mapped, digit)
    return _TABLES


def _slow_codes(text: str) -> np.ndarray:
    pieces = [normalize(s.text, fold_digits=False) for s in split_sentences(text)]
    joined = "\n".join(pieces)
    return _collapse(np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32))


def _collapse(codes: np.ndarray) -> np.ndarray:
    """One separator between sentences, none at the ends."""
    sep = codes == _NEWLINE
    if not sep.any():
        return codes
    drop = sep.copy()
    drop[1:] &= sep[:-1]  # a separator right after a separator
    drop[0] = sep[0]
    kept = codes[~drop]
    if kept.size and kept[-1] == _NEWLINE:
        kept = kept[:-1]
    return kept


def normalized_codes(text: str) -> np.ndarray:
    """Code points of the normalised text (digits kept), sentences separated by ``\\n``.

    ``normalize(sentence, fold_digits=False)`` of every sentence of
    :func:`split_sentences`, up to empty sentences and repeated separators
    (which make no difference to shingles inside sentences).
    """
    if not text:
        return np.empty(0, dtype=np.uint32)
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if int(codes.max()) >= 0x10000:
        return _slow_codes(text)
    cls_table, map_table, _digit = _tables()
    cls = cls_table[codes]
    if np.any(cls == _COMPLEX):
        return _slow_codes(text)
    return _collapse(map_table[codes[cls != _DROP]])


def _digit_runs(codes: np.ndarray, digit: np.ndarray | None = None):
    """Start and end (exclusive) offsets of the runs of decimal digits in ``codes``.

    ``digit``: the digit mask of ``codes`` when the caller has it already."""
    if digit is None:
        digit = _tables()[2][codes]
    padded = np.zeros(digit.size + 2, dtype=bool)
    padded[1:-1] = digit
    edges = np.flatnonzero(padded[1:] != padded[:-1])  # starts and ends, alternating
    return edges[0::2], edges[1::2]


def _window_hashes(codes: np.ndarray, n: int) -> np.ndarray:
    """Hashes of the n-grams of ``codes`` that contain no sentence separator."""
    total = codes.size
    if total < n:
        return _EMPTY
    values = codes.astype(np.uint64)
    width = total - n + 1
    h = values[:width].copy()
    for i in range(1, n):
        h *= _POLY
        h += values[i : i + width]
    separators = np.concatenate(([0], np.cumsum(codes == _NEWLINE)))
    inside = separators[n:] == separators[:width]
    return _mix64(h[inside])


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    # np.unique is ~10x slower than sort + mask on a few thousand uint64 (numpy 2.x).
    if values.size < 2:
        return values.copy()
    ordered = np.sort(values)
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def fold_digit_codes(codes: np.ndarray, digit: np.ndarray | None = None) -> np.ndarray:
    """Every run of decimal digits in ``codes`` becomes one ``0`` (``digit``: its digit mask,
    when the caller has it)."""
    if not codes.size:
        return codes
    if digit is None:
        digit = _tables()[2][codes]
    if not digit.any():
        return codes
    follows = np.zeros(codes.size, dtype=bool)
    follows[1:] = digit[1:] & digit[:-1]
    folded = np.where(digit, np.uint32(_ZERO), codes)
    return folded[~follows]


# Prefix hashes for figure tokens of any length: with P odd, P has an inverse
# modulo 2^64, and sum(c_j * P^(e-1-j), s <= j < e) = P^(e-1) * (G[e] - G[s])
# where G is the running sum of c_j * P^-j. Powers are cached and grown.
_P_INV = np.uint64(pow(int(_POLY), -1, 1 << 64))
_POWERS = np.ones(1, dtype=np.uint64)
_INV_POWERS = np.ones(1, dtype=np.uint64)


def _powers(size: int) -> tuple[np.ndarray, np.ndarray]:
    global _POWERS, _INV_POWERS
    if _POWERS.size < size:
        grown = max(size, 2 * _POWERS.size)
        _POWERS = np.cumprod(np.full(grown, _POLY, dtype=np.uint64)) * _P_INV
        _INV_POWERS = np.cumprod(np.full(grown, _P_INV, dtype=np.uint64)) * _POLY
    return _POWERS[:size], _INV_POWERS[:size]


_FIGURE_SALT = np.uint64(0xD6E8FEB86659FD93)


def figure_hashes(
    codes: np.ndarray, context: int = DEFAULT_FIGURE_CONTEXT, digit: np.ndarray | None = None
) -> np.ndarray:
    """Sorted unique hashes of the figures of normalised ``codes`` in their context.

    A figure is a run of digits with up to ``context`` normalised characters on
    each side, digits not folded: "培训3000人次" gives the token "培训3000人次".
    Thousands separators and decimal points are dropped by the normalisation
    (3,000 -> 3000). Copying the figures of another application keeps these
    tokens even where the text around them is the call's template.
    """
    if not codes.size:
        return _EMPTY
    starts, ends = _digit_runs(codes, digit)
    if not starts.size:
        return _EMPTY
    lo = np.maximum(starts - context, 0)
    hi = np.minimum(ends + context, codes.size)
    powers, inverse = _powers(codes.size + 1)
    prefix = np.zeros(codes.size + 1, dtype=np.uint64)
    np.cumsum(codes.astype(np.uint64) * inverse[: codes.size], out=prefix[1:])
    h = powers[hi - 1] * (prefix[hi] - prefix[lo])
    h ^= (hi - lo).astype(np.uint64) * _FIGURE_SALT
    return _sorted_unique(_mix64(h))


def document_features(
    text: str,
    n: int = DEFAULT_NGRAM,
    *,
    fold_digits: bool = True,
    figure_context: int = DEFAULT_FIGURE_CONTEXT,
) -> tuple[np.ndarray, np.ndarray]:
    """(text shingles, figure tokens) of ``text``: both sorted unique uint64 arrays.

    The text shingles equal :func:`shingle_hashes`; the figure tokens are
    :func:`figure_hashes` of the same normalised text.
    """
    _validate_n(n)
    codes = normalized_codes(text)
    digit = _tables()[2][codes]
    figures = figure_hashes(codes, figure_context, digit)
    folded = fold_digit_codes(codes, digit) if fold_digits else codes
    return _sorted_unique(_window_hashes(folded, n)), figures
