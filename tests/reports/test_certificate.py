"""The certificate of attendance as a PDF: opened with pypdf and its text read back, in both languages, with the
CJK font embedded, and without WeasyPrint reaching for anything outside the application."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pypdf
import pytest

from zerocity.reports.certificate import (
    CJK_FONT_FAMILY,
    Certificate,
    LocalOnlyFetcher,
    certificate_html,
    certificate_pdf,
    hour_digits,
)

CERTIFICATE = Certificate(
    code="ZC-7K2M-Q9XD",
    participant="王小明",
    city_zh="高雄市",
    city_en="Kaohsiung",
    programme_zh="溫室氣體盤查入門",
    programme_en="GHG inventory basics",
    session_zh="溫室氣體盤查入門（高雄場）",
    session_en="GHG inventory basics (Kaohsiung)",
    starts_at=datetime(2026, 3, 10, 1, 30, tzinfo=UTC),
    ends_at=datetime(2026, 3, 10, 8, 30, tzinfo=UTC),
    hours=7.0,
    trainers=("林老師", "Dr. Chen"),
    issued_on=datetime(2026, 3, 10, 9, 0, tzinfo=UTC),
)
VERIFY = "http://testserver/training/certificates/ZC-7K2M-Q9XD"


def _read(pdf: bytes) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return "".join(text.split())


def test_the_chinese_certificate_reads_back_with_the_name_city_programme_date_hours_and_code() -> None:
    reader, text = _read(certificate_pdf(CERTIFICATE, "zh_Hant", VERIFY))
    flat = _flat(text)
    assert len(reader.pages) == 1
    for expected in ("證書", "王小明", "高雄市", "溫室氣體盤查入門", "2026年3月10日", "上午9:30", "下午4:30", "7小時",
                     "ZC-7K2M-Q9XD", "林老師"):  # fmt: skip
        assert expected in flat, expected
    assert "Certificate of attendance" not in text


def test_the_english_certificate_is_in_english_and_keeps_the_chinese_name() -> None:
    _, text = _read(certificate_pdf(CERTIFICATE, "en", VERIFY))
    flat = _flat(text)
    for expected in ("Certificateofattendance", "王小明", "Kaohsiung", "GHGinventorybasics", "March10,2026", "9:30",
                     "AM", "4:30PM", "7hours", "ZC-7K2M-Q9XD", VERIFY):  # fmt: skip
        assert expected in flat, expected
    assert "證書" not in text and "高雄市" not in text


def test_the_cjk_font_is_embedded_so_the_pdf_shows_chinese_anywhere() -> None:
    reader, _ = _read(certificate_pdf(CERTIFICATE, "zh_Hant", VERIFY))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    base_fonts = []
    embedded = []
    for reference in fonts.values():
        font = reference.get_object()
        base_fonts.append(str(font["/BaseFont"]))
        descendants = font.get("/DescendantFonts")
        descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
        embedded.append(any(key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")))
    assert any("Noto-Sans-CJK-TC" in name for name in base_fonts), base_fonts
    assert embedded and all(embedded)


def test_a_participant_name_with_markup_is_printed_as_text() -> None:
    hostile = Certificate(**{**CERTIFICATE.__dict__, "participant": '<img src="http://evil.example/x.png">Eve'})
    html = certificate_html(hostile, "en", VERIFY)
    assert "<img" not in html and "&lt;img" in html
    _, text = _read(certificate_pdf(hostile, "en", VERIFY))
    assert "Eve" in text


def test_the_stylesheet_asks_for_the_cjk_font_family() -> None:
    assert f'"{CJK_FONT_FAMILY}"' in certificate_html(CERTIFICATE, "zh_Hant", VERIFY)
    assert CJK_FONT_FAMILY == "Noto Sans CJK TC"


@pytest.mark.parametrize(
    "url", ["http://example.org/logo.png", "https://example.org/font.woff", "file:///etc/passwd", "ftp://x/y"]
)
def test_the_fetcher_refuses_anything_outside_the_application(url: str) -> None:
    with pytest.raises(ValueError, match="may not load"):
        LocalOnlyFetcher().fetch(url)


def test_the_fetcher_allows_data_urls_and_the_applications_own_files() -> None:
    from zerocity.reports import certificate as module

    assert LocalOnlyFetcher().fetch("data:text/plain,hello") is not None
    own = LocalOnlyFetcher().fetch(f"file://{module.TEMPLATES / 'certificate.html'}")
    assert own is not None


def test_a_sample_certificate_says_it_is_one() -> None:
    sample = Certificate(**{**CERTIFICATE.__dict__, "sample": True})
    _, text = _read(certificate_pdf(sample, "en", VERIFY))
    assert "Sample certificate" in text


@pytest.mark.parametrize(("hours", "digits"), [(7.0, 0), (3.5, 1), (2.25, 2), (1.75, 2)])
def test_hours_show_as_many_decimals_as_a_quarter_hour_needs(hours: float, digits: int) -> None:
    assert hour_digits(hours) == digits


def test_a_session_over_two_days_shows_both_days() -> None:
    longer = Certificate(**{**CERTIFICATE.__dict__, "ends_at": datetime(2026, 3, 11, 8, 30, tzinfo=UTC), "hours": 31.0})
    _, text = _read(certificate_pdf(longer, "zh_Hant", VERIFY))
    assert "2026年3月10日" in _flat(text) and "2026年3月11日" in _flat(text)
