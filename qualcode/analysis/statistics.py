"""Agreement statistics of presence/absence data, as docs/methods.md A4–A5 define them.

Each takes the cells of A3 and returns (value, None), or (None, reason) where the statistic is
0/0: never 1.0, never a crash. κ, α and percent agreement stay in exact integers until the last
division; α is the `krippendorff` package's nominal α, computed from the cells (tested against
the package).
"""

from __future__ import annotations

Result = tuple[float | None, str | None]


def _what(pooled: bool, every: bool) -> str:
    return ("every code" if pooled else "this code") if every else ("any code" if pooled else "this code")


def cohen_kappa(both: int, only_a: int, only_b: int, neither: int, pooled: bool = False) -> Result:
    """Cohen's κ of a 2×2 table: (pₒ − pₑ)/(1 − pₑ), pₑ = p_A·p_B + (1 − p_A)(1 − p_B)."""
    if both + only_a + only_b + neither == 0:
        return None, "kappa undefined: there are no units to compare"
    # pₑ = 1 exactly when both coders marked everything or both marked nothing
    if only_a == only_b == neither == 0:
        return None, f"kappa undefined: both coders marked every unit with {_what(pooled, True)}"
    if both == only_a == only_b == 0:
        return None, f"kappa undefined: neither coder marked any unit with {_what(pooled, False)}"
    # multiplied through by N² so it stays in exact integers until the end
    num = 2 * (both * neither - only_a * only_b)
    den = (both + only_a) * (only_a + neither) + (both + only_b) * (only_b + neither)
    return num / den, None


def _sums(marked_by: list[int]) -> tuple[int, int, int, int]:
    """N units, C coders, T₁ = ratings 'present', S = Σᵢ Σⱼ nᵢⱼ(nᵢⱼ − 1): agreeing ordered pairs."""
    coders = len(marked_by) - 1
    units = sum(marked_by)
    ones = sum(k * m for k, m in enumerate(marked_by))
    same = sum(m * (k * (k - 1) + (coders - k) * (coders - k - 1)) for k, m in enumerate(marked_by))
    return units, coders, ones, same


def observed_agreement(marked_by: list[int]) -> float | None:
    """The share of coder pairs agreeing on a unit, averaged over units (Fleiss' P̄); with two
    coders (both + neither)/N. `marked_by[k]`: the units exactly k coders marked."""
    units, coders, _, same = _sums(marked_by)
    return same / (units * coders * (coders - 1)) if units else None


def fleiss_kappa(marked_by: list[int], pooled: bool = False) -> Result:
    """Fleiss' κ (1971) for two categories, present and absent: (P̄ − P̄ₑ)/(1 − P̄ₑ),
    P̄ₑ = p² + (1 − p)², p the share of ratings 'present'."""
    units, coders, ones, same = _sums(marked_by)
    if units == 0:
        return None, "kappa undefined: there are no units to compare"
    ratings = units * coders
    zeros = ratings - ones
    if zeros == 0:
        return None, f"kappa undefined: every coder marked every unit with {_what(pooled, True)}"
    if ones == 0:
        return None, f"kappa undefined: no coder marked any unit with {_what(pooled, False)}"
    # P̄ = same/(ratings·(C−1)), P̄ₑ = (ones² + zeros²)/ratings², 1 − P̄ₑ = 2·ones·zeros/ratings²;
    # multiplied through by ratings²·(C − 1)
    num = same * ratings - (coders - 1) * (ones * ones + zeros * zeros)
    return num / (2 * (coders - 1) * ones * zeros), None


def krippendorff_alpha(marked_by: list[int], pooled: bool = False) -> Result:
    """Nominal α of presence data from its cells: `marked_by[k]`, the units exactly k of the C
    coders marked (docs/methods.md A3).

    Every coder judges every unit (present or absent, no missing data), so a unit's value counts
    are one of C + 1 rows, (C − k absent, k present), and the coincidence matrix — a sum over
    units — is those rows' matrices weighted by `marked_by`. With nominal distances the
    `krippendorff` package's 1 − Σ o·δ / Σ e·δ then reduces to
    α = 1 − (n − 1)·Σₖ marked_by[k]·k(C − k) / ((C − 1)·n₁·n₀), n = N·C ratings of which n₁ are
    present and n₀ absent: exact integers until the last division, the package's value to 1e-12
    (tests/test_agreement.py checks it against the package on random matrices)."""
    units, coders, ones, _ = _sums(marked_by)
    if units == 0:
        return None, "alpha undefined: there are no units to compare"
    ratings = units * coders
    zeros = ratings - ones
    # a single value leaves α as 0/0 (the package raises): say which value it was instead
    if ones == 0 or zeros == 0:
        which = ("every unit marked with " + _what(pooled, True) if ones
                 else "no unit marked with " + _what(pooled, False))
        return None, f"alpha undefined: all coders agree on a single value ({which})"
    disagreeing = sum(m * k * (coders - k) for k, m in enumerate(marked_by))  # per unit: o₀₁ · (C − 1)
    return 1 - (ratings - 1) * disagreeing / ((coders - 1) * ones * zeros), None


def mean(values) -> float | None:
    """The mean of the defined values (A5), or None."""
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None
