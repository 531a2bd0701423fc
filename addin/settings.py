"""The report's settings, read one way for every edge: the command line, the Refresh button and
a workbook's Settings sheet.

A setting arrives as command-line text (``retention report --gross-margin 80%``) or as the value
of a Settings cell (a number, TRUE/FALSE, a date, text); each reader below takes either and
gives :func:`addin.report.build_report` its argument, or raises :class:`SettingError` (an
:class:`~addin.errors.InvalidInputError`) naming the setting, the value and what it accepts.
A blank (nothing, or text of spaces only) gives the setting's default: ``None``, English for
the language.

**Numbers written as text** (``--gross-margin``, ``--program-cost``, or a number typed into a
text cell) are read the same way whatever the language of the person who typed them:

- a number written with both ``,`` and ``.`` takes the last one as the decimal mark and the
  other as the thousands separator: ``1,234.5`` and ``1.234,5`` are 1234.5;
- one separator, used once, followed by exactly three digits, after a non-zero integer part,
  groups thousands: ``50,000`` and ``50.000`` are 50000;
- otherwise a single separator is the decimal mark: ``0,8`` and ``1.5``; so are ``0,125``
  (integer part 0) and ``1,25`` (not three digits);
- one separator used several times groups thousands (``1,000,000``); grouped digits start
  with 1 to 3 digits, not zero, and continue in groups of exactly three, or the text is
  refused (``1,2,3``, ``0,000,001``);
- ``_`` between digits is ignored (``50_000``); a leading ``+`` or ``-`` is the sign;
- a trailing ``%`` (``80%``, ``80 %``) divides by 100, where a percentage makes sense.

Spaces inside a number, exponents (``1e3``), ``inf`` and ``nan`` are refused.

**The settings**

- ``period``: text ``2026`` (a year), ``2026-Q3`` (a quarter, ``q`` too) or ``2026-03`` (a
  month, ``2026-3`` too), spaces around allowed; a date cell stands for its month; a number is
  a year when it is a whole number from 1900 to 9999, else a date's serial number (from 1, up
  to 2,958,466 excluded). Given back as ``2026``, ``2026-Q3`` or ``2026-03``. :data:`PERIOD_TEXT` and :func:`period_validation_formula` state the same
  forms for the Settings sheet's data validation.
- ``segment``: text as it is (spaces around dropped); a whole number as its digits (``3``).
- ``lang``: a language of :data:`addin.i18n.LANGUAGES` (case and spaces ignored).
- ``gross_margin``: a share of revenue from 0 to 1: ``0.8``, ``80%``, ``0,8``; a number
  over 1 without ``%`` is a percentage (``80`` is 0.8, and ``1.5`` is 1.5 %); ``150%`` is
  refused.
- ``program_cost``: an amount of 0 or more: ``50000``, ``50,000``, ``50.000``, ``50_000``.
- ``currency``: an ISO 4217 code such as ``EUR`` or ``usd``, given back upper case.

Nothing here imports xlwings, openpyxl or pandas: every edge may use it.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable, Mapping
from numbers import Real

from .cells import date_of_serial
from .errors import InvalidInputError
from .i18n import DEFAULT_LANGUAGE, LANGUAGES, check_language

__all__ = [
    "SETTING_NAMES", "READERS", "SettingError", "CURRENCIES",
    "PERIOD_TEXT", "PERIOD_SERIALS", "period_validation_formula",
    "number", "period", "segment", "language", "gross_margin", "program_cost", "currency",
    "read",
]

#: The workbook's defined names of the settings the report reads, by build_report's argument.
SETTING_NAMES = {
    "period": "Settings_Period",
    "segment": "Settings_Segment",
    "lang": "Settings_Language",
    "gross_margin": "Settings_GrossMargin",
    "program_cost": "Settings_ProgramCost",
    "currency": "Settings_Currency",
}


class SettingError(InvalidInputError):
    """A setting with a value it cannot take: ``Settings_GrossMargin is 'lots', expected …``.

    ``setting`` is the name shown (a defined name, an option, an argument), ``value`` what was
    given, ``expected`` what the setting accepts. :attr:`value_message` says the same without
    the name, for edges that name the setting themselves (argparse: ``argument --x: …``).
    """

    def __init__(self, setting: str, value: object, expected: str):
        self.setting, self.value, self.expected = setting, value, expected
        super().__init__(f"{setting} is {value!r}, expected {expected}")

    @property
    def value_message(self) -> str:
        """``'-5' is not an amount of 0 or more``."""
        return f"{self.value!r} is not {self.expected}"


# --------------------------------------------------------------------------- numbers

_PERIOD_EXPECTED = "a year (2026), a quarter (2026-Q3), a month (2026-03) or a date"
_MARGIN_EXPECTED = "a share of revenue from 0 to 1 (0.8) or a percentage (80%)"
_AMOUNT_EXPECTED = "an amount of 0 or more"
_NUMBER_EXPECTED = "a number"
_CURRENCY_EXPECTED = "an ISO 4217 currency code such as EUR or USD"

_SIGNED = re.compile(r"([+-]?)([0-9.,]*[0-9][0-9.,]*)")
_UNDERSCORE = re.compile(r"(?<=[0-9])_(?=[0-9])")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(" "))


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _grouped(digits: str, mark: str) -> str | None:
    """``1,234,567`` without its marks; None unless the first group is 1-3 digits, not zero,
    and every other group 3 digits."""
    groups = digits.split(mark)
    if not 1 <= len(groups[0]) <= 3 or not groups[0].strip("0"):
        return None
    if any(len(g) != 3 for g in groups[1:]):
        return None
    return "".join(groups)


def _number_text(text: str) -> float | None:
    """A number written as text by the rule of this module's docstring; None if it is not one."""
    match = _SIGNED.fullmatch(_UNDERSCORE.sub("", text))
    if match is None:
        return None
    sign, body = match.groups()
    marks = [c for c in body if c in ",."]
    if not marks:
        whole, fraction = body, ""
    elif len(set(marks)) == 2:
        decimal = marks[-1]
        whole, _, fraction = body.rpartition(decimal)
        if decimal in whole:
            return None
        whole = _grouped(whole, "," if decimal == "." else ".")
        if whole is None or not fraction:
            return None
    elif len(marks) == 1:
        whole, _, fraction = body.partition(marks[0])
        if len(fraction) == 3 and whole.strip("0"):  # 50,000 and 50.000 group thousands
            whole, fraction = whole + fraction, ""
        elif not fraction:
            return None
    else:
        whole, fraction = _grouped(body, marks[0]), ""
        if whole is None:
            return None
    return float(f"{sign}{whole or '0'}.{fraction or '0'}")


def _parse_number(name: str, value: object, expected: str, *,
                  percent: bool) -> tuple[float, bool] | None:
    """(the number, whether it was written with %) of a cell value or text; None when blank."""
    if _blank(value):
        return None
    if _is_number(value):
        number, with_percent = float(value), False
    elif isinstance(value, str):
        text = value.strip()
        with_percent = text.endswith("%")
        if with_percent and not percent:
            raise SettingError(name, value, expected)
        number = _number_text(text[:-1].rstrip() if with_percent else text)
        if number is None:
            raise SettingError(name, value, expected)
    else:  # TRUE/FALSE, a date, anything else a cell may hold
        raise SettingError(name, value, expected)
    if not math.isfinite(number):
        raise SettingError(name, value, expected)
    return number, with_percent


def number(value: object, name: str = "number") -> float | None:
    """Any number by this module's rule: ``50,000`` is 50000, ``0,8`` is 0.8, ``80%`` is 0.8;
    a number cell as it is; blank gives None."""
    parsed = _parse_number(name, value, _NUMBER_EXPECTED, percent=True)
    if parsed is None:
        return None
    figure, with_percent = parsed
    return figure / 100 if with_percent else figure


# --------------------------------------------------------------------------- period

#: The period forms written as text: a year, a year and quarter, a year and month (month 1-12
#: is checked after the match). Only spaces may surround them, as Excel's TRIM removes.
PERIOD_TEXT = re.compile(r" *([0-9]{4})(?:-(?:([0-9]{1,2})|[Qq]([1-4])))? *")
#: The numbers a period cell may hold, from the first up to (not including) the second: Excel
#: date serials (1900-01-01 … 9999-12-31), whole numbers 1900-9999 being years.
PERIOD_SERIALS = (1, 2_958_466)
_YEARS = (1900, 9999)


def period(value: object, name: str = "period") -> str | None:
    """The report period as ``2026``, ``2026-Q3`` or ``2026-03``; blank gives None (the last
    complete month). A date, or a date's serial number, gives its month."""
    if _blank(value):
        return None
    if isinstance(value, (_dt.datetime, _dt.date)):  # Excel made a date of "2026-09"
        return f"{value.year:04d}-{value.month:02d}"
    if _is_number(value):
        if float(value).is_integer() and _YEARS[0] <= value <= _YEARS[1]:
            return str(int(value))
        if PERIOD_SERIALS[0] <= value < PERIOD_SERIALS[1]:  # a date cell not formatted as one
            day = date_of_serial(float(value))
            return f"{day.year:04d}-{day.month:02d}"
        raise SettingError(name, value, _PERIOD_EXPECTED)
    match = PERIOD_TEXT.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise SettingError(name, value, _PERIOD_EXPECTED)
    year, month, quarter = match.groups()
    if quarter:
        return f"{year}-Q{quarter}"
    if month:
        if not 1 <= int(month) <= 12:
            raise SettingError(name, value, _PERIOD_EXPECTED)
        return f"{year}-{int(month):02d}"
    return year


def period_validation_formula(cell: str = "B5") -> str:
    """An Excel data-validation formula (type *custom*) for the period cell ``cell``: TRUE
    exactly for what :func:`period` accepts -- blank (or spaces), a number of
    :data:`PERIOD_SERIALS` (a date, its serial, a year), or text of :data:`PERIOD_TEXT` with a
    month from 1 to 12. For ``B5`` it is 248 characters, within the 255 Excel allows in a rule.

    How it reads a text T (spaces trimmed): its first 4 characters are digits (they print
    back the same as a 4-digit number), it has at most 7 characters, and what follows the year,
    upper-cased, with a leading ``-0`` made ``-`` and padded to 3 characters, is one of the
    3-character slots of ``_PERIOD_SUFFIXES`` (found at a slot boundary). A number is accepted
    by ``cell>=1`` and ``cell<2958466`` alone: Excel compares text and TRUE/FALSE as greater
    than every number. IFERROR because ``--"soon"`` is an error and AND does not stop early.
    """
    t = f"TRIM({cell})"
    low, high = PERIOD_SERIALS
    suffix = f'LEFT(SUBSTITUTE(UPPER(MID({t},5,3)),"-0","-")&"   ",3)'
    return (f'=OR(AND({cell}>={low},{cell}<{high}),{t}="",'
            f'IFERROR(AND(TEXT(--LEFT({t},4),"0000")=LEFT({t},4),LEN({t})<8,'
            f'MOD(FIND({suffix},"{_PERIOD_SUFFIXES}"),3)=1),0))')


#: What may follow the year, each in 3 characters: nothing (a year), a month 1-12 (a leading 0
#: is dropped before the lookup), a quarter.
_PERIOD_SUFFIXES = "".join(
    ["   "] + [f"-{m:<2d}" for m in range(1, 13)] + [f"-Q{q}" for q in range(1, 5)])


# --------------------------------------------------------------------------- the others


def segment(value: object, name: str = "segment") -> str | None:
    """One segment of ``Customers[segment]`` as text (a whole number as its digits); blank
    gives None (all customers). Whether the data has it is the report's to say."""
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() or None


def language(value: object, name: str = "lang") -> str:
    """A language code of :data:`addin.i18n.LANGUAGES`; blank gives English."""
    if _blank(value):
        return DEFAULT_LANGUAGE
    try:
        return check_language(value)
    except InvalidInputError:
        raise SettingError(name, value, f"one of {', '.join(LANGUAGES)}") from None


def gross_margin(value: object, name: str = "gross_margin") -> float | None:
    """A share of revenue from 0 to 1: ``0.8``, ``80%``, ``0,8`` or ``80`` (over 1 without
    ``%`` is a percentage); blank gives None (100 %, with a note in the report)."""
    parsed = _parse_number(name, value, _MARGIN_EXPECTED, percent=True)
    if parsed is None:
        return None
    share, with_percent = parsed
    if with_percent or share > 1:
        share /= 100
    if not 0 <= share <= 1:
        raise SettingError(name, value, _MARGIN_EXPECTED)
    return share


def program_cost(value: object, name: str = "program_cost") -> float | None:
    """The retention programme's cost, an amount of 0 or more (``50000``, ``50,000``,
    ``50.000``); blank gives None (no ROI, with a note)."""
    parsed = _parse_number(name, value, _AMOUNT_EXPECTED, percent=False)
    if parsed is None:
        return None
    if parsed[0] < 0:
        raise SettingError(name, value, _AMOUNT_EXPECTED)
    return parsed[0]


# Active ISO 4217 codes (currencies, funds, precious metals), XCG and ZWG of 2024-25 included;
# XTS (testing) and XXX (no currency) left out: an amount has a real currency.
_ISO_4217 = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN
BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP
ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK
JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK
MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN
PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB
TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG
XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XUA YER ZAR ZMW ZWG ZWL
""".split())


#: The currency codes :func:`currency` accepts, sorted (the template's Settings sheet lists them).
CURRENCIES: tuple[str, ...] = tuple(sorted(_ISO_4217))


def currency(value: object, name: str = "currency") -> str | None:
    """An ISO 4217 currency code, upper case (``usd`` gives ``USD``); blank gives None."""
    if _blank(value):
        return None
    code = value.strip().upper() if isinstance(value, str) else None
    if code not in _ISO_4217:
        raise SettingError(name, value, _CURRENCY_EXPECTED)
    return code


#: The reader of each setting of :data:`SETTING_NAMES`.
READERS: dict[str, Callable[[object, str], object]] = {
    "period": period,
    "segment": segment,
    "lang": language,
    "gross_margin": gross_margin,
    "program_cost": program_cost,
    "currency": currency,
}


def read(values: Mapping[str, object], names: Mapping[str, str] | None = None) -> dict[str, object]:
    """build_report's settings from raw values keyed like :data:`SETTING_NAMES` (missing ones
    are blank); errors name each setting by ``names`` (e.g. the defined names)."""
    names = names or {}
    return {key: reader(values.get(key), names.get(key, key)) for key, reader in READERS.items()}
