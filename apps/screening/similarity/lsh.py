"""MinHash LSH: the Jaccard floor implied by a containment threshold, the band/row choice
that reaches the wanted candidate recall, and fast MinHash sketches of shingle-hash arrays
that are bit-identical to datasketch's."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

from .defaults import (
    DEFAULT_ESTIMATE_SIGMAS,
    DEFAULT_LSH_RECALL,
    DEFAULT_MIN_SIZE_RATIO,
    DEFAULT_NUM_PERM,
)


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

    def signature(self, shingles: np.ndarray) -> np.ndarray:
        """The MinHash hash values (uint32, ``num_perm``) of a shingle-hash array."""
        values = self.template.hashvalues.copy()
        hv = _fmix32(self.inputs(shingles))
        for start in range(0, hv.size, self._CHUNK):
            chunk = hv[start : start + self._CHUNK]
            out = self._buffer[:, : chunk.size]
            np.multiply(self._a, chunk, out=out)
            np.add(out, self._b, out=out)
            np.minimum(values, out.min(axis=1), out=values)
        return values

    def sketch(self, shingles: np.ndarray) -> MinHash:
        return self.minhash(self.signature(shingles))

    def minhash(self, values: np.ndarray) -> MinHash:
        return MinHash(
            seed=self.template.seed,
            hashfunc=_identity,
            hashvalues=values,
            permutations=self.template.permutations,
            scheme="affine32",
        )


# --------------------------------------------------------------------------
# One permutation hashing (the sketches the index uses)
# --------------------------------------------------------------------------

_LOW32 = np.uint64(0xFFFFFFFF)
_ROTATION = np.uint32(0x9E3779B1)


class OnePermutationHasher:
    """MinHash signatures by one permutation hashing with rotation densification.

    The shingle hashes are already uniform 64-bit values (SplitMix64), so they are one
    random permutation: the top 32 bits split the hash range into ``num_perm`` equal bins,
    and a document's value in a bin is the low 32 bits of its smallest shingle there. Two
    documents agree in a bin with probability = their Jaccard, like a MinHash of
    ``num_perm`` permutations, but the signature costs ``num_perm`` binary searches of the
    document's *sorted* shingle array instead of ``num_perm`` hashes of every shingle (the
    benchmark's MinHash phase ~10x faster). An empty bin takes the value of the next
    non-empty bin to its right (circularly) shifted by the distance -- rotation
    densification (Shrivastava & Li, ICML 2014), which keeps the collision probability of
    every bin equal to the Jaccard. Deterministic: no seed, no salt.
    """

    def __init__(self, num_perm: int) -> None:
        self.num_perm = num_perm
        bins = np.arange(num_perm, dtype=np.uint64)
        tops = (bins * np.uint64(1 << 32) + np.uint64(num_perm - 1)) // np.uint64(num_perm)
        #: smallest 64-bit hash of each bin (bin = top 32 bits × num_perm >> 32)
        self.starts = tops << np.uint64(32)
        self._bins = np.arange(num_perm)

    def signature(self, values: np.ndarray) -> np.ndarray:
        """uint32 signature of sorted unique uint64 shingle hashes."""
        first = np.searchsorted(values, self.starts)
        ends = np.append(first[1:], values.size)
        filled = first < ends
        signature = np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        if not filled.any():
            return signature
        signature[filled] = (values[first[filled]] & _LOW32).astype(np.uint32)
        if not filled.all():
            full = np.flatnonzero(filled)
            source = full[np.searchsorted(full, self._bins) % full.size]
            empty = ~filled
            distance = ((source - self._bins) % self.num_perm).astype(np.uint32)
            signature[empty] = signature[source[empty]] + _ROTATION * distance[empty]
        return signature
