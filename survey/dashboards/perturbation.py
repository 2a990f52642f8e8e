"""The cell-key method: every published count carries a small, consistent random perturbation (pure).

Statistics offices (the Australian Bureau of Statistics in TableBuilder, the ONS for the 2021
census) publish counts that are changed by a little on purpose, so that a difference between two
tables never gives an exact number. The change is not drawn afresh on every read: each response
has a secret random *record key*; the key of a count (its *cell key*) is the sum of the record keys
of the responses it counts. The same responses give the same cell key, hence the same published
figure in every view, export and release; one response more or less gives a new cell key and an
unrelated perturbation, so comparing before and after never shows the exact difference. (publish.py
also mixes in the key of the figure's area, so that a change anywhere in an area draws all its
figures anew: otherwise the figures that did *not* move would tell which ones a newcomer touched.)

The perturbation is a two-sided geometric number (``P(e) ∝ RATIO^|e|``): most often 0, now and
then ±1 or ±2, very rarely more. Because every value remains possible, no sequence of published
figures ever makes a resident's answer *certain*; one figure changes the odds for any one answer
by at most ``1 / RATIO`` (the ε = ln(1/RATIO) of differential privacy).
"""

from __future__ import annotations

import hashlib
import hmac
import math

KEY_SPACE = 1 << 32  # record keys are 0 ≤ key < 2^32 (responses/services.py); cell keys are their sum modulo the same
RATIO = 0.3  # P(|e| = m) falls by this factor per step: P(0) = 0.54, P(±1) = 0.16 each, P(±2) = 0.05 each
MAX_MAGNITUDE = 30  # a bound for arithmetic only: beyond it the probability is below 10^-15


def cell_key(key_sum: int) -> int:
    """The cell key of a count from the sum of its record keys."""
    return key_sum % KEY_SPACE


def _uniform(secret: bytes, key: int) -> float:
    """A number in [0, 1) that only the holder of ``secret`` can tell from the cell key."""
    digest = hmac.new(secret, key.to_bytes(8, "big"), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def noise(secret: bytes, key: int, ratio: float = RATIO) -> int:
    """The perturbation belonging to a cell key: two-sided geometric, consistent for the same key."""
    p_zero = (1 - ratio) / (1 + ratio)
    u = _uniform(secret, key)
    if u < p_zero:
        return 0
    rest = (u - p_zero) / (1 - p_zero)  # uniform in [0, 1) again
    sign = 1 if rest < 0.5 else -1
    tail = (rest % 0.5) * 2  # uniform in [0, 1): the magnitude is geometric on 1, 2, 3, ...
    magnitude = 1 + int(math.log1p(-tail) / math.log(ratio))
    return sign * min(magnitude, MAX_MAGNITUDE)


def perturb(count: int, key: int, secret: bytes, ratio: float = RATIO) -> int:
    """The published value of a count under a key (below 2^64): an empty cell stays 0, and no
    count goes below 0."""
    if count <= 0:
        return 0
    return max(0, count + noise(secret, key, ratio))


def likelihood_bound(ratio: float = RATIO) -> float:
    """By how much one published figure can change the odds of any one answer (1 / RATIO)."""
    return 1 / ratio
