"""The encoding of a text (CSV) file: the whole file decoded once, or refused in one line.

Read without being told: UTF-8 (with or without a byte-order mark), UTF-16 and UTF-32 with a
byte-order mark (Excel's "Unicode Text"), and Western European text (Windows-1252, of which
Latin-1 is a part) when the file is not UTF-8 and every character outside ASCII reads as such
text -- a note says so, with how many characters and the first of them. Anything else is
refused, naming the file and the line of the first byte that is not UTF-8, and asking for
the encoding (``encoding='shift_jis'``; ``--encoding`` on the command line): a Japanese or
Chinese file read as Western text would give ids and segments that silently stop matching.
A file is never decoded part one way, part another.
"""

from __future__ import annotations

import codecs
import re

from ...errors import DataError
from ...i18n import counted

__all__ = ["decode", "WESTERN"]

#: The Western European encoding tried when a file is not UTF-8.
WESTERN = "cp1252"

_BOMS = (  # longest first: the UTF-32 little-endian mark starts like UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)

#: A well-formed UTF-8 sequence of two bytes or more: a file with some of these and some
#: bytes that are not UTF-8 mixes two encodings (a UTF-8 file with one Latin-1 line pasted in).
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")

# What Western European text (Windows-1252) looks like, as evidence that a file not in UTF-8
# is such text: accented letters sit inside words, alone or in a few known pairs (ção, Größe,
# créée, Núñez), capitals after a capital or at a word's start; signs (° £ « ...) stand beside
# digits, spaces or punctuation, bar the few that touch a letter (°C, m², nº, ¿Qué, «Bon).
# Text in another encoding read this way breaks these at once: Chinese, Japanese or Korean
# make pairs and runs of signs and letters around ASCII (GBK's 北京 reads '±±¾©'), Cyrillic
# and Greek make words of accented letters only.
_LETTERS = frozenset("ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿŠšŽžŒœŸ")
_CAPITALS = frozenset("ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞŠŽŒŸ")
_PAIRS = frozenset({"çã", "çõ", "éé", "öß", "üß", "äß", "ÇÃ", "ÇÕ", "ÉÉ"}
                   | {v + "ñ" for v in "áéíóú"} | {"ñ" + v for v in "áéíóú"})
_QUIET = frozenset("’‘–—\xa0\xad")  # punctuation that may stand between two letters
_PUNCTUATION = frozenset("‚„“”…•€™") | _QUIET
_BEFORE_LETTER = frozenset("°µ¿¡«·¬")  # signs that may touch a letter on their right
_AFTER_LETTER = frozenset("²³¹ºª»®©·°")  # ... on their left
_SHIFT_JIS_FIRST = frozenset("ƒ†‡ˆ‰‹›˜")
_ODD_ASCII = frozenset("@[\\]^_`{|}~")  # second bytes of double-byte encodings


def _letter(c: str) -> bool:
    return (c.isascii() and c.isalpha()) or c in _LETTERS


def _not_western(text: str) -> int:
    """The position of the first character that Western European text would not have there,
    or -1 (see the comment above)."""
    for found in re.finditer(r"[^\x00-\x7f]+", text):
        start, end = found.span()
        if end - start >= 3:
            return start
        for i in range(start, end):
            c = text[i]
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if c in _LETTERS:
                if c in _CAPITALS and before.islower() and _letter(before):
                    return i
                if before in _ODD_ASCII or after in _ODD_ASCII:
                    return i
                if after in _LETTERS and c + after not in _PAIRS and not (
                        c in _CAPITALS and after.islower() and not _letter(before)):
                    return i
            elif c in _PUNCTUATION:
                if c not in _QUIET and _letter(before) and _letter(after):
                    return i
                if c == "™" and _letter(after):
                    return i
            else:  # a sign
                if c in _SHIFT_JIS_FIRST and "\x40" <= after <= "\x7e":
                    return i
                if _letter(after) and c not in _BEFORE_LETTER:
                    return i
                if _letter(before) and c not in _AFTER_LETTER:
                    return i
    return -1


_SET_ENCODING = ("save the file as UTF-8, or give its encoding, e.g. --encoding shift_jis "
                 "(encoding='shift_jis' from Python)")


def _line_of(data: bytes | str, position: int) -> int:
    return data.count(b"\n" if isinstance(data, bytes) else "\n", 0, position) + 1


def _excerpt(text: str, position: int) -> str:
    """The word around ``position`` (up to 30 characters), to show where a character is."""
    start = max(text.rfind(c, max(0, position - 30), position) for c in " ,;\t\n\"") + 1
    ends = [i for i in (text.find(c, position, position + 30) for c in " ,;\t\n\r\"") if i >= 0]
    return text[start:min(ends) if ends else position + 30]


def decode(data: bytes, name: str, encoding: str | None, notes: list[str]) -> str:
    """The text of a file's bytes ``data`` (a leading byte-order mark removed).

    ``encoding``: the codec to use (any name Python knows); None to decide on the evidence
    above. DataError (naming ``name`` and a line) when the bytes cannot be read that way.
    """
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise DataError(f"encoding {encoding!r} is not an encoding Python knows "
                            "(e.g. 'utf-8', 'cp1252', 'shift_jis', 'gbk', 'utf-16')", file=name) from None
    for bom, codec in _BOMS:  # a byte-order mark says it all, whatever encoding= says
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as error:
                raise DataError(f"line {_line_of(data, error.start)}: the file starts as "
                                f"{codec.upper().replace('-SIG', '')} but has bytes that are not; "
                                f"{_SET_ENCODING}", file=name) from None
            return text[1:] if text.startswith("\ufeff") else text
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            raise DataError(f"line {_line_of(data, error.start)}: byte 0x{data[error.start]:02X} "
                            f"cannot be read as {encoding}; check the encoding", file=name) from None
        return text[1:] if text.startswith("\ufeff") else text
    if b"\x00" in data:
        at = data.index(b"\x00")
        raise DataError(f"line {_line_of(data, at)}: the file holds zero bytes, so it is not text "
                        "as a CSV file should be (UTF-16 without a byte-order mark?); save it as "
                        "CSV UTF-8, or give its encoding, e.g. --encoding utf-16-le (encoding='utf-16-le' "
                        "from Python)", file=name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        bad_at = error.start
    first = f"line {_line_of(data, bad_at)}: byte 0x{data[bad_at]:02X} is not UTF-8"
    utf8 = _UTF8_SEQUENCE.search(data)
    if utf8 is not None:
        raise DataError(f"{first}, while line {_line_of(data, utf8.start())} is UTF-8: the file "
                        f"mixes two encodings; {_SET_ENCODING}", file=name)
    try:
        text = data.decode(WESTERN)
    except UnicodeDecodeError:
        raise DataError(f"{first}, and the file is not Western European text (Windows-1252) "
                        f"either; {_SET_ENCODING}", file=name) from None
    odd = _not_western(text)
    if odd >= 0:
        raise DataError(f"{first}, and read as Western European text (Windows-1252) line "
                        f"{_line_of(text, odd)} would read {_excerpt(text, odd)!r}; "
                        f"{_SET_ENCODING}", file=name)
    outside = re.findall(r"[^\x00-\x7f]", text)
    at = re.search(r"[^\x00-\x7f]", text).start()
    notes.append(counted("data_cp1252", len(outside), name=name,
                         excerpt=repr(_excerpt(text, at)), line=_line_of(text, at)))
    return text
