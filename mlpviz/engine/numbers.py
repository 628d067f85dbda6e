"""How numbers are written for people: one rule for the diagram, the formulas and exports."""

from __future__ import annotations

import math

MINUS = "\u2212"  # the typographic minus sign, as printed mathematics uses


def format_number(value: float, precision: int = 4, ascii_minus: bool = False) -> str:
    """``value`` with ``precision`` decimals, trailing zeros trimmed: 0.52, 0.289216, −1.5.

    Values that would show fewer than two significant digits (below 10^(1 − precision)),
    but not zero, and values of a million or more switch to scientific notation with
    ``precision`` significant digits, so a vanishing gradient never reads as 0 or 0.000001
    and a diverging loss stays short: 3.2e−07, 1.5e+12. NaN and infinities are written
    nan, inf, −inf.
    """
    minus = "-" if ascii_minus else MINUS
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else f"{minus}inf"
    smallest_fixed = 10.0 ** (min(1, precision - 1) - precision)
    if value != 0 and not smallest_fixed <= abs(value) < 1e6:
        mantissa, exponent = f"{value:.{max(precision - 1, 0)}e}".split("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        text = f"{mantissa}e{int(exponent):+03d}"
    else:
        text = f"{value:.{precision}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if text in ("-0", ""):
            text = "0"
    return text.replace("-", minus)
