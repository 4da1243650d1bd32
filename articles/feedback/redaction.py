"""Remove personal data a reader may type into a report, before anything is stored.

Readers are asked for none, but some write their e-mail address ("please reply to…"), a phone
number or an NHS or social security number. What is removed, and why a dose or a date is not:

- e-mail addresses (``name@domain.tld``, and the ``(at)``/``[at]``, ``(dot)``/``[dot]`` spellings);
- any run of digits, joined by spaces, dots, hyphens or brackets, with 9 or more digits in all:
  NHS numbers (``943 476 5919``), US social security numbers (``078-05-1120``), phone numbers
  (``020 7946 0958``, ``+44 7700 900123``, ``(555) 010-4477``), card and account numbers;
- a number written with a leading ``+`` and 7 or more digits (an international phone number);
- a 7-digit local phone number written ``555-0134`` or ``555 0134`` after "call", "phone", "tel",
  "mobile" or "ring".

A dose (``2.5 mg``), a date (``12/03/2024``), a year or a percentage has far fewer than 9 digits
in one run and is kept. A run that starts with ``+`` or a bracket is replaced by "[phone number
removed]", any other by "[number removed]" (a reader's ``07700 900123`` is either). Text is NFKC-normalised first, so full-width digits count as digits.
"""

import re
import unicodedata

EMAIL = "[email removed]"
PHONE = "[phone number removed]"
NUMBER = "[number removed]"

_EMAIL = re.compile(
    r"[\w.!#$%&'*+/=?^`{|}~-]+\s*(?:@|\(at\)|\[at\])\s*[\w-]+(?:\s*(?:\.|\(dot\)|\[dot\])\s*[\w-]+)+",
    re.IGNORECASE,
)
# Digits joined by at most two separators at a time; the whole run is judged by its digit count.
_DIGIT_RUN = re.compile(r"\+?\(?\d(?:[\s.\-()]{0,2}\d)+\)?")
_LOCAL_PHONE = re.compile(r"\b(call|phone|tel|telephone|mobile|ring|text)(\W{1,3})\d{3}[\s.-]?\d{4}\b", re.IGNORECASE)


def _number(match):
    run = match.group(0)
    digits = sum(character.isdigit() for character in run)
    if run.startswith("+") and digits >= 7:
        return PHONE
    if digits >= 9:
        return PHONE if run.startswith("(") else NUMBER
    return run


def redact(text):
    """``text`` with e-mail addresses, phone numbers and long ID numbers replaced by a bracketed note."""
    text = unicodedata.normalize("NFKC", text)
    text = _EMAIL.sub(EMAIL, text)
    text = _DIGIT_RUN.sub(_number, text)
    return _LOCAL_PHONE.sub(lambda m: f"{m.group(1)}{m.group(2)}{PHONE}", text)
