"""Numbers, dates, times and counts as people read them, in Norwegian bokmål or English (issue 18).

Every number or instant a page shows goes through this module, so one page never mixes "155.1" with
"155,1" or "05 Nov" with "5. november". It builds on Babel's CLDR data (locales ``nb_NO`` and
``en_GB``) rather than on ``strftime`` and f-strings: those follow the server's C locale, know no
Norwegian month names, decimal commas, non-breaking group separators or plural rules. Where CLDR and
Norwegian house style differ we say so and use an explicit pattern (time of day: Språkrådet writes
"kl. 08.00", CLDR 4x "08:00"). The patterns are listed in ``docs/formatting.md``.

Every function takes ``lang`` ("nb" or "en"), by default the request's
(:func:`portal.kernel.i18n.current_language`). Instants are shown in Oslo time. The zone is named on
English pages (CET or CEST, since their readers may be anywhere) and not on Norwegian ones (every time
on a Norwegian page is Norwegian time); ``zone=True`` or ``zone=False`` overrides that for one call.

Machine formats (CSV, JSON, feeds, iCal, JSON-LD, sitemaps, PX) keep their own conventions and never
use this module.
"""

from __future__ import annotations

import re
from datetime import date as Date
from datetime import datetime as DateTime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from portal.kernel.clock import in_oslo
from portal.kernel.i18n import current_language, register_messages, translate

LOCALES = {"nb": Locale.parse("nb_NO"), "en": Locale.parse("en_GB")}

Width = Literal["long", "short"]

#: Counted nouns for :func:`count`: ``<key>.one`` and ``<key>.other`` with ``{n}`` (already formatted).
PLURALS: dict[str, tuple[str, str]] = {
    "count.statistics.one": ("{n} statistikk", "{n} statistic"),
    "count.statistics.other": ("{n} statistikker", "{n} statistics"),
    "count.releases.one": ("{n} publisering", "{n} release"),
    "count.releases.other": ("{n} publiseringer", "{n} releases"),
    "count.hours_before.one": ("{n} time før", "{n} hour before"),
    "count.hours_before.other": ("{n} timer før", "{n} hours before"),
}
register_messages(PLURALS)


def _lang(lang: str | None) -> str:
    chosen = lang or current_language()
    return chosen if chosen in LOCALES else "nb"


# Numbers ---------------------------------------------------------------------------------------------


def _decimal(value: float | int | Decimal | str) -> Decimal:
    # str() first: Decimal(0.1) is 0.1000000000000000055…, Decimal(str(0.1)) is what was written.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def number(
    value: float | int | Decimal | str | None,
    decimals: int | None = None,
    lang: str | None = None,
) -> str:
    """``value`` with the language's decimal sign and digit grouping: nb "1 234,5" (U+00A0 between
    groups), en "1,234.5". With ``decimals`` it shows exactly that many (a table's decimals:
    ``number(155.1, decimals=2)`` is "155,10"), rounding half away from zero as statistics tables do;
    without, it shows every digit the value has and never rounds. None gives "–"."""
    if value is None:
        return "–"
    amount = _decimal(value)
    if not amount.is_finite():
        return "–"
    locale = LOCALES[_lang(lang)]
    if decimals is None:
        if amount.is_zero():
            amount = abs(amount)
        return babel_numbers.format_decimal(
            amount, format="#,##0.###", locale=locale, decimal_quantization=False
        )
    amount = amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if amount.is_zero():
        amount = abs(amount)  # no "-0,0" for a small negative value rounded away
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return babel_numbers.format_decimal(amount, format=pattern, locale=locale)


_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def number_text(text: str, lang: str | None = None) -> str:
    """An ASCII fixed-point number as machine formats write it ("-1234.50") in the language's form
    ("-1 234,50"), keeping exactly its digits; any other text is returned unchanged. The same as
    :func:`number` with the text's decimals, by string operations on the locale's symbols, since a
    table preview has thousands of cells."""
    if not _PLAIN_NUMBER.fullmatch(text):
        return text
    locale = LOCALES[_lang(lang)]
    negative, digits = text.startswith("-"), text.lstrip("-")
    whole, _, fraction = digits.partition(".")
    groups = [whole[max(0, end - 3) : end] for end in range(len(whole), 0, -3)][::-1]
    symbols = locale.number_symbols["latn"]
    out = str(symbols["group"]).join(groups)
    if fraction:
        out += str(symbols["decimal"]) + fraction
    # Babel writes the minus as "-" (not CLDR's U+2212 for nb): so do we, and no "-0".
    return "-" + out if negative and whole.strip("0") + fraction.strip("0") else out


def percent(
    value: float | int | Decimal | str | None,
    decimals: int | None = None,
    lang: str | None = None,
) -> str:
    """A share given in per cent (87.5, not 0.875): nb "87,5 %" (U+00A0 before the sign), en "87.5%".
    ``decimals`` as for :func:`number`. None gives "–"."""
    if value is None:
        return "–"
    locale = LOCALES[_lang(lang)]
    pattern = str(locale.percent_formats[None].pattern)  # nb "#,##0 %", en "#,##0%"
    return pattern.replace("#,##0", number(value, decimals, lang), 1)


def count(n: int, key: str, lang: str | None = None) -> str:
    """``n`` things with the noun in the right plural form from the message catalogue: the key
    ``<key>.one`` or ``<key>.other`` (Babel's CLDR plural rules; a missing category falls back to
    ``other``), its ``{n}`` filled with :func:`number`. ``count(1, "count.releases")`` is
    "1 publisering", ``count(1234, "count.statistics")`` "1 234 statistikker"."""
    chosen = _lang(lang)
    form = LOCALES[chosen].plural_form(n)
    try:
        return translate(f"{key}.{form}", chosen, n=number(n, lang=chosen))
    except KeyError:
        return translate(f"{key}.other", chosen, n=number(n, lang=chosen))


# Dates and times -------------------------------------------------------------------------------------

#: Time of day: Språkrådet's "08.00" for nb (CLDR has "08:00"), seconds only when there are any.
_TIME = {"nb": ("HH.mm", "HH.mm.ss"), "en": ("HH:mm", "HH:mm:ss")}
#: How a date and a time are joined: nb "5. desember 2026 kl. 08.00", en "5 December 2026, 08:00".
_JOIN = {"nb": "{date} kl. {time}", "en": "{date}, {time}"}


def _day(value: Date | DateTime) -> Date:
    if isinstance(value, DateTime):
        return in_oslo(value).date() if value.tzinfo is not None else value.date()
    return value


def date(value: Date | DateTime, width: Width = "long", lang: str | None = None) -> str:
    """A day: ``long`` (text) nb "5. desember 2026", en "5 December 2026" (CLDR long); ``short``
    (tables and lists) nb "05.12.2026", en "05/12/2026" (CLDR short). An aware datetime gives its
    day in Oslo."""
    return babel_dates.format_date(_day(value), width, locale=LOCALES[_lang(lang)])


def _zone(local: DateTime, lang: str, zone: bool | None) -> str:
    if not (lang == "en" if zone is None else zone):
        return ""
    if lang == "nb":
        return " norsk tid"
    return f" {local.tzname()}"


def time(moment: DateTime, lang: str | None = None, zone: bool | None = None) -> str:
    """The time of day in Oslo: nb "08.00", en "08:00 CET"; seconds only when they are not zero
    (nb "10.14.30", en "10:14:30 CEST"). The zone as in the module's docstring."""
    chosen = _lang(lang)
    local = in_oslo(moment)
    short, full = _TIME[chosen]
    text = babel_dates.format_time(
        local, full if local.second else short, tzinfo=local.tzinfo, locale=LOCALES[chosen]
    )
    return text + _zone(local, chosen, zone)


def datetime(
    moment: DateTime, width: Width = "long", lang: str | None = None, zone: bool | None = None
) -> str:
    """An instant in Oslo time: nb "5. desember 2026 kl. 08.00", en "5 December 2026, 08:00 CET"
    (CEST in summer); ``short`` nb "05.12.2026 kl. 08.00", en "05/12/2026, 08:00 CET". Seconds only
    when they are not zero ("kl. 10.14.30"). Raises ValueError for a naive datetime."""
    chosen = _lang(lang)
    return _JOIN[chosen].format(
        date=date(moment, width, chosen), time=time(moment, chosen, zone=zone)
    )


def month(value: Date | DateTime, lang: str | None = None) -> str:
    """A month: nb "desember 2026", en "December 2026" (CLDR skeleton ``yMMMM``)."""
    return babel_dates.format_skeleton("yMMMM", _day(value), locale=LOCALES[_lang(lang)])


def quarter(value: Date | DateTime, lang: str | None = None) -> str:
    """The quarter a day is in: nb "4. kvartal 2026", en "Q4 2026"."""
    chosen = _lang(lang)
    pattern = "QQQQ y" if chosen == "nb" else "QQQ y"
    return babel_dates.format_date(_day(value), pattern, locale=LOCALES[chosen])


def _interval(start: Date, end: Date, skeleton: str, widen: bool, lang: str) -> str:
    """CLDR interval formatting with the pieces of ``skeleton``'s patterns; ``widen`` turns its
    abbreviated month (MMM) into the full name, as CLDR's rules for a missing skeleton (yMMMMd) say."""
    locale = LOCALES[lang]
    formats = locale.interval_formats[skeleton]
    if start.year != end.year:
        field = "y"
    elif start.month != end.month:
        field = "M"
    else:
        field = "d" if "d" in formats else "M"
    first, second = formats[field]
    if widen:
        first, second = (re.sub(r"(?<!M)MMM(?!M)", "MMMM", p) for p in (first, second))
    return babel_dates.format_date(start, first, locale=locale) + babel_dates.format_date(
        end, second, locale=locale
    )


def date_range(start: Date | DateTime, end: Date | DateTime, lang: str | None = None) -> str:
    """Two days as one range, sharing what they share: nb "5.–7. desember 2026",
    "5. november–7. desember 2026"; en "5–7 December 2026" (CLDR puts thin spaces around the dash
    in English). The same day twice is just :func:`date`."""
    chosen = _lang(lang)
    first, last = _day(start), _day(end)
    if first == last:
        return date(first, lang=chosen)
    return _interval(first, last, "yMMMd", True, chosen)


def month_range(start: Date | DateTime, end: Date | DateTime, lang: str | None = None) -> str:
    """A period of whole months: nb "januar–mars 2026", en "January – March 2026" (CLDR ``yMMMM``)."""
    chosen = _lang(lang)
    first, last = _day(start), _day(end)
    if (first.year, first.month) == (last.year, last.month):
        return month(first, chosen)
    return _interval(first, last, "yMMMM", False, chosen)
