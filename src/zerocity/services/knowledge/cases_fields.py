"""What editors send for a case, checked: the shared facts (against the controlled vocabularies of
``cases_vocab``), the measured results and links, and the words of one language version.

Text is stripped of surrounding white space the way ``str.strip`` sees it (the API's JSON schema describes the
same set) and refused when it holds control characters, so a value the API's schema accepts is accepted here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Final, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from zerocity.services.knowledge import cases_vocab
from zerocity.services.text import check_text

RESULT_KINDS: Final = ("tco2e_avoided_per_year", "cost", "co_benefit")
MAX_BODY_CHARS: Final = 100_000
MAX_LIST_ITEMS: Final = 50

_STRICT = ConfigDict(strict=True, extra="forbid", str_strip_whitespace=True)


def clean_text(value: str) -> str:
    """People's text without surrounding white space (as ``str.strip`` sees it: the API's schema says the same) and
    without control characters."""
    try:
        return check_text(value.strip())
    except ValueError:
        raise ValueError("contains control characters") from None


def _required(value: str) -> str:
    value = clean_text(value)
    if not value:
        raise ValueError("cannot be blank")
    return value


UnitText = Annotated[str, StringConstraints(max_length=50), AfterValidator(clean_text)]
CityName = Annotated[str, StringConstraints(max_length=200), AfterValidator(clean_text)]
ShortText = Annotated[str, StringConstraints(max_length=300), AfterValidator(clean_text)]
LongText = Annotated[str, StringConstraints(max_length=2000), AfterValidator(clean_text)]
BodyText = Annotated[str, StringConstraints(max_length=MAX_BODY_CHARS), AfterValidator(clean_text)]
Title = Annotated[str, StringConstraints(max_length=300), AfterValidator(_required)]
SourceText = Annotated[str, StringConstraints(max_length=1000), AfterValidator(_required)]
#: http or https only (no ``javascript:``, ``data:``); no spaces or control characters.
URL_PATTERN: Final = r"^https?://[^\x00-\x20\x7f]+$"
HttpUrl = Annotated[str, StringConstraints(max_length=500, pattern=URL_PATTERN)]


# -- what editors send ---------------------------------------------------------------------------------------------
class CaseResult(BaseModel):
    """A measured result: t CO2e avoided per year, a cost, or a co-benefit, always with its source."""

    model_config = _STRICT

    kind: Literal["tco2e_avoided_per_year", "cost", "co_benefit"]
    value: Annotated[float, Field(allow_inf_nan=False)] | None = None
    unit: UnitText = ""
    currency: Annotated[str, StringConstraints(pattern=r"^([A-Z]{3})?$")] = ""
    description_zh: LongText = ""
    description_en: LongText = ""
    source: SourceText


class CaseLink(BaseModel):
    model_config = _STRICT

    url: HttpUrl
    label_zh: ShortText = ""
    label_en: ShortText = ""


class VersionText(BaseModel):
    """The words of one language version; the body is Markdown."""

    model_config = _STRICT

    title: Title
    summary: LongText = ""
    body: BodyText = ""


class CaseFields(BaseModel):
    """The facts shared by every language version of a case."""

    model_config = _STRICT

    city_id: int | None = None
    city_name_zh: CityName = ""
    city_name_en: CityName = ""
    country: str
    year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    themes: list[str] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)
    gpc_sectors: list[str] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)
    action_templates: list[str] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)
    results: list[CaseResult] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)
    links: list[CaseLink] = Field(default_factory=list, max_length=MAX_LIST_ITEMS)

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        if value not in cases_vocab.countries():
            raise ValueError("unknown country code (data/knowledge/countries.csv)")
        return value

    @field_validator("themes")
    @classmethod
    def _known_themes(cls, value: list[str]) -> list[str]:
        return _known(value, cases_vocab.themes(), "theme (data/knowledge/themes.csv)")

    @field_validator("gpc_sectors")
    @classmethod
    def _known_sectors(cls, value: list[str]) -> list[str]:
        return _known(value, cases_vocab.gpc_subsectors(), "GPC sub-sector (such as II.1)")

    @field_validator("action_templates")
    @classmethod
    def _known_templates(cls, value: list[str]) -> list[str]:
        return _known(value, cases_vocab.action_templates(), "action template (data/planning/action_templates.csv)")


def _known(values: list[str], vocabulary: Mapping[str, object], what: str) -> list[str]:
    unknown = [v for v in values if v not in vocabulary]
    if unknown:
        raise ValueError(f"unknown {what}: {', '.join(unknown[:5])}")
    return list(dict.fromkeys(values))  # each once, in the order given
