"""Text encodings of user files: read exactly, or refused in one line; never silently garbled."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adcraft.errors import DataError
from adcraft.fileio import decode_text

# common simplified Chinese (GB2312 level 1: 啊..座), ASCII letters, digits and catalog punctuation
HANZI = (
    st.integers(0xB0A1, 0xD7F9)
    .filter(lambda c: 0xA1 <= (c & 0xFF) <= 0xFE)
    .map(lambda c: bytes([c >> 8, c & 0xFF]).decode("gb2312", errors="ignore") or "中")
)
ASCII = st.sampled_from("abcdefghijklmnopqrstuvwxyz ABCXYZ 0123456789,.:|-\n")
# Latin shop text: an accented letter is followed by a plain one ("Crème", "Schöne"), as in real words
LATIN = st.tuples(st.sampled_from("éèàçöäüÉ"), st.sampled_from("aeinrst")).map("".join) | ASCII
SAFE = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_exact_or_refused(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:  # bytes that are valid UTF-8 are read as UTF-8 (a lone GBK 选 is UTF-8 ѡ): documented limit
        return
    try:
        decoded, _ = decode_text(data, "f.csv")
    except DataError as exc:
        assert "\n" not in str(exc)
    else:
        assert decoded == text


@SAFE
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80))
def test_utf8_is_always_read_exactly(text):
    assert decode_text(text.encode("utf-8"), "f.csv")[0] == text


@SAFE
@given(st.lists(HANZI | ASCII, min_size=1, max_size=60).map("".join))
def test_gb18030_chinese_is_read_exactly_or_refused(text):
    check_exact_or_refused(text, "gb18030")


@SAFE
@given(st.lists(LATIN, min_size=1, max_size=60).map("".join))
def test_cp1252_is_read_exactly_or_refused(text):
    check_exact_or_refused(text, "cp1252")


@SAFE
@given(st.text(alphabet="あいうえおかきくけこアイウエオ赤青靴", min_size=1, max_size=30))
def test_shift_jis_is_read_exactly_or_refused(text):
    check_exact_or_refused(text, "shift_jis")


@SAFE
@given(st.binary(max_size=200))
def test_any_bytes_are_text_or_one_line_refusal(data):
    try:
        text, encoding = decode_text(data, "f.csv")
    except DataError as exc:
        assert "\n" not in str(exc)
    else:
        assert isinstance(text, str) and encoding
