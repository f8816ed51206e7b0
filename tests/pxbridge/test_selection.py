"""Selections as PxWebApi 2.0 reads them (PxWebApi 2.0's specification, github.com/PxTools/PxApiSpecs): every expression with
the exact positions it picks, on a time variable and on a classification where the meaning differs,
and resolve's variable matching, elimination and cell limit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from portal.kernel.errors import PortalError
from pxbridge.query.selection import Selection, default_selection, evaluate, resolve, split_values


@dataclass(frozen=True)
class Var:
    """The least a variable needs for selection.py: its code, value codes, elimination and role."""

    code: str
    codes: list[str]
    elimination: bool = False
    role: str | None = None


YEARS = [str(y) for y in range(2015, 2025)]  # 2015 … 2024, positions 0 … 9
TIME = Var("Tid", YEARS, role="time")
# Mixed case and shared prefixes/suffixes so the wildcards have something to tell apart.
REGION = Var(
    "Region", ["0", "03", "11", "1103", "30", "3001", "Ab", "xAbx", "cab"], elimination=True
)
CONTENTS = Var("ContentsCode", ["Folkemengde", "Andel"], role="metric")


def _raises(call: Callable[[], object], status: int, title: str) -> PortalError:
    with pytest.raises(PortalError) as caught:
        call()
    error = caught.value
    assert (error.status, error.title) == (status, title)
    assert error.type == "Parameter error"
    return error


# --------------------------------------------------------------------------------------------
# Literal codes


def test_literal_code_is_its_position() -> None:
    assert evaluate(TIME, "2015") == [0]
    assert evaluate(TIME, "2024") == [9]
    assert evaluate(REGION, "1103") == [3]


def test_literal_code_matches_case_insensitively() -> None:
    assert evaluate(CONTENTS, "andel") == [1]
    assert evaluate(CONTENTS, "FOLKEMENGDE") == [0]
    assert evaluate(REGION, "ab") == [6]
    assert evaluate(REGION, "XABX") == [7]


def test_exact_case_wins_over_another_code_differing_only_in_case() -> None:
    twins = Var("V", ["a", "A"])
    assert evaluate(twins, "a") == [0]
    assert evaluate(twins, "A") == [1]


def test_a_literal_code_wins_over_expression_parsing() -> None:
    odd = Var("V", ["x", "top(1)", "a*b", "?"])
    assert evaluate(odd, "top(1)") == [1]
    assert evaluate(odd, "TOP(1)") == [1]
    assert evaluate(odd, "a*b") == [2]
    assert evaluate(odd, "?") == [3]


def test_unknown_code_is_non_existent_value() -> None:
    error = _raises(lambda: evaluate(TIME, "2030"), 400, "Non-existent value")
    assert "2030" in error.detail
    _raises(lambda: evaluate(REGION, "99"), 400, "Non-existent value")


# --------------------------------------------------------------------------------------------
# Wildcards


def test_star_is_every_value() -> None:
    assert evaluate(TIME, "*") == list(range(10))
    assert evaluate(REGION, "*") == list(range(9))


def test_question_mark_is_exactly_one_character() -> None:
    assert evaluate(TIME, "202?") == [5, 6, 7, 8, 9]
    assert evaluate(TIME, "201?") == [0, 1, 2, 3, 4]
    assert evaluate(TIME, "2?2?") == [5, 6, 7, 8, 9]
    assert evaluate(TIME, "20?7") == [2]
    assert evaluate(REGION, "??") == [1, 2, 4, 6]
    assert evaluate(REGION, "?") == [0]
    assert evaluate(REGION, "11??") == [3]


def test_question_mark_matches_case_insensitively_and_may_match_nothing() -> None:
    assert evaluate(REGION, "A?") == [6]
    assert evaluate(REGION, "x??x") == [7]
    assert evaluate(REGION, "?????") == []


def test_trailing_star_is_starts_with() -> None:
    assert evaluate(REGION, "11*") == [2, 3]
    assert evaluate(REGION, "3*") == [4, 5]
    assert evaluate(REGION, "ab*") == [6]
    assert evaluate(TIME, "202*") == [5, 6, 7, 8, 9]


def test_leading_star_is_ends_with() -> None:
    assert evaluate(REGION, "*03") == [1, 3]
    assert evaluate(REGION, "*ab") == [6, 8]
    assert evaluate(TIME, "*5") == [0]
    assert evaluate(TIME, "*0") == [5]


def test_stars_at_both_ends_is_contains() -> None:
    assert evaluate(REGION, "*ab*") == [6, 7, 8]
    assert evaluate(REGION, "*0*") == [0, 1, 3, 4, 5]
    assert evaluate(TIME, "*02*") == [5, 6, 7, 8, 9]


@pytest.mark.parametrize("expression", ["***", "*a*b", "a*b", "1*0*", "*1*0*", "****"])
def test_star_inside_or_more_than_two_is_illegal(expression: str) -> None:
    _raises(lambda: evaluate(REGION, expression), 400, "Illegal selection expression")


# --------------------------------------------------------------------------------------------
# top / bottom


def test_top_on_time_is_the_latest_periods_in_ascending_order() -> None:
    assert evaluate(TIME, "top(1)") == [9]
    assert evaluate(TIME, "top(3)") == [7, 8, 9]
    assert evaluate(TIME, "top(3,0)") == [7, 8, 9]


def test_top_with_offset_on_time_skips_periods_from_the_end() -> None:
    assert evaluate(TIME, "top(3,1)") == [6, 7, 8]
    assert evaluate(TIME, "top(2,5)") == [3, 4]


def test_top_on_a_classification_is_the_first_values() -> None:
    assert evaluate(REGION, "top(2)") == [0, 1]
    assert evaluate(REGION, "top(2,3)") == [3, 4]
    assert evaluate(CONTENTS, "top(1)") == [0]


def test_bottom_is_the_mirror_of_top() -> None:
    # Time: the oldest periods, skipping offset from the start.
    assert evaluate(TIME, "bottom(2)") == [0, 1]
    assert evaluate(TIME, "bottom(2,3)") == [3, 4]
    # Others: the last values, skipping offset from the end.
    assert evaluate(REGION, "bottom(2)") == [7, 8]
    assert evaluate(REGION, "bottom(2,1)") == [6, 7]
    assert evaluate(CONTENTS, "bottom(1)") == [1]


def test_top_and_bottom_past_the_end_are_cut_to_what_exists() -> None:
    assert evaluate(TIME, "top(50)") == list(range(10))
    assert evaluate(REGION, "bottom(50)") == list(range(9))
    assert evaluate(TIME, "top(3,9)") == [0]
    assert evaluate(TIME, "top(3,10)") == []
    assert evaluate(REGION, "top(2,20)") == []


def test_keywords_are_case_insensitive() -> None:
    assert evaluate(TIME, "TOP(2)") == [8, 9]
    assert evaluate(TIME, "Bottom(2)") == [0, 1]
    assert evaluate(TIME, "RANGE(2016,2018)") == [1, 2, 3]
    assert evaluate(TIME, "From(2023)") == [8, 9]
    assert evaluate(TIME, "TO(2016)") == [0, 1]


@pytest.mark.parametrize(
    "expression",
    ["top(0)", "top(x)", "top()", "top(2,)", "top(-1)", "top(2, 1)", "top(1,2,3)", "bottom(0)"],
)
def test_bad_top_and_bottom_are_illegal(expression: str) -> None:
    _raises(lambda: evaluate(TIME, expression), 400, "Illegal selection expression")


# --------------------------------------------------------------------------------------------
# range / from / to


def test_range_is_inclusive_in_metadata_order() -> None:
    assert evaluate(TIME, "range(2017,2019)") == [2, 3, 4]
    assert evaluate(REGION, "range(03,30)") == [1, 2, 3, 4]
    assert evaluate(TIME, "range(2020,2020)") == [5]


def test_range_with_reversed_bounds_is_the_same_range() -> None:
    assert evaluate(TIME, "range(2019,2017)") == [2, 3, 4]
    assert evaluate(REGION, "range(30,03)") == [1, 2, 3, 4]


def test_range_bounds_match_codes_case_insensitively() -> None:
    assert evaluate(CONTENTS, "range(andel,FOLKEMENGDE)") == [0, 1]


def test_from_and_to() -> None:
    assert evaluate(TIME, "from(2022)") == [7, 8, 9]
    assert evaluate(TIME, "to(2017)") == [0, 1, 2]
    assert evaluate(REGION, "from(cab)") == [8]
    assert evaluate(REGION, "to(0)") == [0]
    assert evaluate(REGION, "from(xabx)") == [7, 8]


@pytest.mark.parametrize(
    "expression", ["range(2010,2020)", "range(2020,2099)", "from(1999)", "to(2099)"]
)
def test_expressions_naming_unknown_codes_are_non_existent_values(expression: str) -> None:
    _raises(lambda: evaluate(TIME, expression), 400, "Non-existent value")


@pytest.mark.parametrize("expression", ["range(2017)", "range(2017,2018,2019)", "from()", "to()"])
def test_malformed_range_from_to_are_illegal(expression: str) -> None:
    _raises(lambda: evaluate(TIME, expression), 400, "Illegal selection expression")


# --------------------------------------------------------------------------------------------
# GET value lists


def test_split_values_on_commas_outside_brackets() -> None:
    assert split_values("2023,2024") == ["2023", "2024"]
    assert split_values("[top(5,1)],2024") == ["top(5,1)", "2024"]
    assert split_values("[range(a,b)]") == ["range(a,b)"]
    assert split_values("[code,with,commas],x") == ["code,with,commas", "x"]


def test_split_values_trims_and_drops_empty_items() -> None:
    assert split_values(" 2023 , 2024 ") == ["2023", "2024"]
    assert split_values("a,,b,") == ["a", "b"]
    assert split_values("") == []


def test_split_values_keeps_inner_brackets() -> None:
    assert split_values("[[x]]") == ["[x]"]


def test_split_values_feeds_evaluate() -> None:
    picked = [p for item in split_values("[top(2,1)],2015") for p in evaluate(TIME, item)]
    assert picked == [7, 8, 0]


# --------------------------------------------------------------------------------------------
# resolve


VARIABLES = [REGION, CONTENTS, TIME]


def test_resolve_picks_positions_per_variable_in_table_order() -> None:
    selection = resolve(
        VARIABLES,
        {"Region": ["11", "03"], "ContentsCode": ["*"], "Tid": ["top(2)"]},
        max_cells=100,
    )
    assert selection == Selection(((1, 2), (0, 1), (8, 9)))
    assert selection.cells == 8


def test_resolve_time_alias_any_case() -> None:
    for alias in ("time", "TIME", "Time"):
        selection = resolve(VARIABLES, {alias: ["2024"], "ContentsCode": ["andel"]}, max_cells=10)
        assert selection.picks == (None, (1,), (9,))


def test_resolve_variable_codes_match_case_insensitively() -> None:
    selection = resolve(
        VARIABLES, {"region": ["0"], "CONTENTSCODE": ["Andel"], "tid": ["2015"]}, max_cells=10
    )
    assert selection.picks == ((0,), (1,), (0,))


def test_resolve_unknown_variable() -> None:
    error = _raises(
        lambda: resolve(VARIABLES, {"Kjonn": ["1"], "Tid": ["*"]}, max_cells=100),
        400,
        "Non-existent variable",
    )
    assert "Kjonn" in error.detail


def test_resolve_time_alias_needs_a_time_variable() -> None:
    _raises(
        lambda: resolve([REGION, CONTENTS], {"time": ["1"]}, max_cells=100),
        400,
        "Non-existent variable",
    )


def test_resolve_missing_mandatory_variable() -> None:
    error = _raises(
        lambda: resolve(VARIABLES, {"Tid": ["*"]}, max_cells=100),
        400,
        "Missing selection for mandantory variable",
    )
    assert "ContentsCode" in error.detail
    _raises(
        lambda: resolve(VARIABLES, {"Tid": ["*"], "ContentsCode": []}, max_cells=100),
        400,
        "Missing selection for mandantory variable",
    )


def test_resolve_mandatory_variable_whose_expression_picks_nothing() -> None:
    _raises(
        lambda: resolve(VARIABLES, {"Tid": ["19??"], "ContentsCode": ["*"]}, max_cells=100),
        400,
        "Missing selection for mandantory variable",
    )


def test_resolve_eliminable_variable_left_out_or_empty_is_eliminated() -> None:
    left_out = resolve(VARIABLES, {"Tid": ["*"], "ContentsCode": ["*"]}, max_cells=100)
    assert left_out.picks == (None, (0, 1), tuple(range(10)))
    assert left_out.cells == 20
    empty = resolve(VARIABLES, {"Region": [], "Tid": ["2024"], "ContentsCode": ["F*"]}, max_cells=1)
    assert empty.picks == (None, (0,), (9,))
    nothing_matched = resolve(
        VARIABLES, {"Region": ["9?"], "Tid": ["2024"], "ContentsCode": ["Andel"]}, max_cells=1
    )
    assert nothing_matched.picks == (None, (1,), (9,))


def test_resolve_merges_duplicates_across_values_and_keys() -> None:
    selection = resolve(
        VARIABLES,
        {
            "Tid": ["2024", "top(2)", "2023"],
            "time": ["2015", "2024"],
            "ContentsCode": ["Andel", "andel", "*"],
        },
        max_cells=100,
    )
    assert selection.picks == (None, (0, 1), (0, 8, 9))


def test_resolve_propagates_value_errors() -> None:
    _raises(
        lambda: resolve(VARIABLES, {"Tid": ["2030"], "ContentsCode": ["*"]}, max_cells=100),
        400,
        "Non-existent value",
    )
    _raises(
        lambda: resolve(VARIABLES, {"Tid": ["top(0)"], "ContentsCode": ["*"]}, max_cells=100),
        400,
        "Illegal selection expression",
    )


def test_resolve_cell_limit() -> None:
    request = {"Region": ["*"], "ContentsCode": ["*"], "Tid": ["*"]}
    assert resolve(VARIABLES, request, max_cells=180).cells == 180
    error = _raises(
        lambda: resolve(VARIABLES, request, max_cells=179), 403, "Too many cells selected"
    )
    assert "180" in error.detail


# --------------------------------------------------------------------------------------------
# default_selection


def test_default_selection_time_only() -> None:
    years = Var("Tid", [str(y) for y in range(2000, 2025)], role="time")
    assert default_selection([years]) == {"Tid": [str(y) for y in range(2012, 2025)]}


def test_default_selection_with_few_metric_values_and_no_classification() -> None:
    chosen = default_selection([CONTENTS, TIME])
    assert chosen == {"ContentsCode": ["Folkemengde", "Andel"], "Tid": YEARS}


def test_default_selection_with_classifications() -> None:
    sex = Var("Kjonn", ["1", "2"], elimination=True)
    age = Var("Alder", [str(a) for a in range(5)], elimination=True)
    mandatory = Var("Enhet", ["a", "b", "c"])
    chosen = default_selection([REGION, sex, age, mandatory, CONTENTS, TIME])
    # The mandatory classification is shown in full (mandatory first), then the largest
    # eliminable one; the smaller eliminable ones are left out; one period and one measure.
    assert chosen == {
        "Region": REGION.codes,
        "Enhet": ["a", "b", "c"],
        "ContentsCode": ["Folkemengde"],
        "Tid": ["2024"],
    }


def test_default_selection_resolves() -> None:
    sex = Var("Kjonn", ["1", "2"], elimination=True)
    variables = [REGION, sex, CONTENTS, TIME]
    selection = resolve(variables, default_selection(variables), max_cells=1000)
    assert selection.picks == (tuple(range(9)), (0, 1), (0,), (9,))


def test_default_selection_shows_the_first_value_of_a_huge_mandatory_classification() -> None:
    huge = Var("Kommune", [f"{k:04d}" for k in range(2000)])
    assert default_selection([huge, TIME]) == {"Kommune": ["0000"], "Tid": ["2024"]}
