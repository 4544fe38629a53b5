"""The API schema's text patterns promise what the services accept: a name the schema allows is never refused."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from zerocity.services.text import check_text
from zerocity.web.api_models import NO_NUL, NON_BLANK

_NON_BLANK = re.compile(NON_BLANK)
_NO_NUL = re.compile(NO_NUL)
#: Control characters and the odd spaces next to them are where schema and service once disagreed.
_TRICKY = st.text(alphabet=st.sampled_from("\x00\x0b\x0c\x1c\x1f\t\n \u3000\u2005\ufeff\x85高a"), max_size=8)


@given(st.one_of(_TRICKY, st.text(max_size=20)))
def test_a_name_the_schema_allows_passes_the_services_text_check_and_is_not_blank(text: str) -> None:
    if _NON_BLANK.match(text):
        assert check_text(text) == text
        assert text.strip()


@given(st.one_of(_TRICKY, st.text(max_size=20)))
def test_any_text_the_schema_allows_passes_the_services_text_check(text: str) -> None:
    if _NO_NUL.match(text):
        assert check_text(text) == text


def test_a_name_that_starts_with_a_control_character_that_is_also_a_space_is_refused_by_the_schema() -> None:
    assert _NON_BLANK.match("\x1c高雄") is None
    assert _NON_BLANK.match("\u3000高雄") is not None
