"""Dates as the publisher's pages write them, read without depending on the locale."""

import datetime
import re

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
_DAY_MONTH_YEAR = re.compile(rf"^{_ORDINAL}\s+([a-z]+)\.?,?\s+(\d{{4}})$")  # 26 March 2021
_MONTH_DAY_YEAR = re.compile(rf"^([a-z]+)\.?\s+{_ORDINAL},?\s+(\d{{4}})$")  # March 26, 2021
_NUMERIC_DAY_FIRST = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")  # 26.3.2021, 1.2.2022 (day first)
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")  # 2021-03-26

FORMATS_HELP = '"26 March 2021", "March 26, 2021", "26.3.2021" or "2021-03-26"'


def parse_date(text):
    """The date written in ``text``, or None when it is not one of the accepted forms.

    Numeric dates with dots or slashes are read day first (1.2.2022 is
    1 February 2022), as the publisher's pages write them.
    """
    value = " ".join((text or "").strip().rstrip(".").lower().split())
    try:
        if match := _DAY_MONTH_YEAR.match(value):
            day, month, year = match.group(1), _MONTHS.get(match.group(2)), match.group(3)
        elif match := _MONTH_DAY_YEAR.match(value):
            month, day, year = _MONTHS.get(match.group(1)), match.group(2), match.group(3)
        elif match := _NUMERIC_DAY_FIRST.match(value):
            day, month, year = match.groups()
        elif match := _ISO.match(value):
            year, month, day = match.groups()
        else:
            return None
        if month is None:
            return None
        return datetime.date(int(year), int(month), int(day))
    except ValueError:  # 31 February and friends
        return None
