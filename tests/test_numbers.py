"""The one rule for writing numbers."""

from __future__ import annotations

import pytest

from mlpviz.engine.numbers import format_number


@pytest.mark.parametrize(
    ("value", "precision", "text"),
    [
        (0.52, 4, "0.52"),
        (0.2892155, 6, "0.289216"),
        (0.2892155, 4, "0.2892"),
        (-1.5, 4, "−1.5"),
        (2.0, 4, "2"),
        (-0.0, 4, "0"),
        (-0.00004, 4, "−4e−05"),  # would round to 0 at 4 decimals: never show a nonzero as 0
        (0.00006, 4, "6e−05"),
        (0.0123, 4, "0.0123"),
        (0.00712, 4, "0.0071"),  # two significant digits still show in fixed point
        (0.00071, 4, "7.1e−04"),
        (7.05e-7, 6, "7.05e−07"),
        (2.5e12, 4, "2.5e+12"),
        (999999.5, 2, "999999.5"),
        (3.2e-7, 4, "3.2e−07"),
        (-1.23456e-9, 3, "−1.23e−09"),
        (float("nan"), 4, "nan"),
        (float("-inf"), 4, "−inf"),
    ],
)
def test_format_number(value: float, precision: int, text: str) -> None:
    assert format_number(value, precision) == text


def test_ascii_minus_for_plain_text() -> None:
    assert format_number(-0.25, 2, ascii_minus=True) == "-0.25"
