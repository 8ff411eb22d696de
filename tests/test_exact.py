"""The arithmetic every score goes through: parsing decimal text and the one rounding."""

from __future__ import annotations

import decimal
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emuscore.exact import (
    ROUNDING_MODES,
    NotANumber,
    div_round,
    format_units,
    order_by,
    parse_decimal,
    rescale,
)

DECIMAL_MODE = {"half-up": decimal.ROUND_HALF_UP, "half-even": decimal.ROUND_HALF_EVEN,
                "down": decimal.ROUND_DOWN, "up": decimal.ROUND_UP}


@given(st.lists(st.integers(-10**15, 10**15), min_size=1, max_size=30),
       st.integers(1, 10**9), st.sampled_from(ROUNDING_MODES))
def test_div_round_matches_decimal_quantize_in_every_mode(nums, den, mode):
    got = div_round(np.array(nums, np.int64), den, mode)
    want = [int((Decimal(n) / Decimal(den)).quantize(Decimal(1), DECIMAL_MODE[mode]))
            for n in nums]
    assert got.tolist() == want


@given(st.integers(-10**40, 10**40), st.integers(1, 10**30), st.sampled_from(ROUNDING_MODES))
def test_div_round_is_exact_beyond_int64_with_python_ints(num, den, mode):
    got = div_round(np.array([num], dtype=object), den, mode)
    with decimal.localcontext(decimal.Context(prec=100)):
        want = int((Decimal(num) / Decimal(den)).quantize(Decimal(1), DECIMAL_MODE[mode]))
    assert got.tolist() == [want]


def test_half_up_rounds_halves_away_from_zero_like_decimal():
    assert div_round(np.array([5, -5, 15, -15]), 10, "half-up").tolist() == [1, -1, 2, -2]
    assert div_round(np.array([5, -5, 15, -15]), 10, "half-even").tolist() == [0, 0, 2, -2]


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**12,
                   max_value=10**12))
def test_parse_decimal_reads_any_plain_decimal_exactly(value):
    text = format(value, "f")
    mantissa, decimals = parse_decimal(text)
    assert Decimal(mantissa).scaleb(-decimals) == value


@pytest.mark.parametrize("text,expected", [("7,25", (725, 2)), (" -0.5 ", (-5, 1)),
                                           ("+3", (3, 0)), (".5", (5, 1)), ("12.", (12, 0))])
def test_parse_decimal_accepts_decimal_comma_and_signs(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1e5", "1.2.3", "1 000", "nan", "inf", "--1"])
def test_parse_decimal_rejects_what_is_not_a_plain_number(text):
    with pytest.raises(NotANumber):
        parse_decimal(text)


@given(st.integers(-10**20, 10**20), st.integers(0, 6))
def test_format_units_writes_the_exact_decimal(units, scale):
    assert Decimal(format_units(units, scale)) == Decimal(units).scaleb(-scale)


def test_rescale_switches_to_python_ints_instead_of_overflowing():
    values = np.array([9 * 10**17], np.int64)
    out = rescale(values, 0, 4)
    assert out.tolist() == [9 * 10**21]


@given(st.integers(0, 30).flatmap(lambda n: st.lists(
    st.one_of(st.lists(st.integers(-3, 3), min_size=n, max_size=n),
              st.lists(st.one_of(st.integers(-(2**63), 2**63 - 1),
                                 st.sampled_from([-(2**63), 2**63 - 1])), min_size=n, max_size=n)),
    min_size=1, max_size=5)))
def test_order_by_is_lexsorts_order_whatever_the_key_ranges(keys):
    arrays = [np.array(k, np.int64) for k in keys]
    assert order_by(*arrays).tolist() == np.lexsort(arrays[::-1]).tolist()
