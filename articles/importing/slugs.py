"""Slugs for imported titles by the admin's own rule, so "Επίπεδο 3" gets the address the admin would give it.

The admin fills an article's slug from its title with Django's ``URLify`` (in
``admin/js/urlify.js``): letters of Greek, Cyrillic, Turkish, Polish, Georgian and
other alphabets are transliterated by that file's tables, anything else not a
Latin letter, digit, space or hyphen is dropped. The tables are read from that
same file, so the importers and the admin cannot drift apart.
"""

import functools
import re
from pathlib import Path

import django.contrib.admin

_URLIFY = Path(django.contrib.admin.__file__).parent / "static" / "admin" / "js" / "urlify.js"
_MAP_BLOCK = re.compile(r"const \w+_MAP = \{(.*?)\};", re.DOTALL)
_ENTRY = re.compile(r"""(?:"([^"]+)"|'([^']+)'|([^\s:"',{}]+))\s*:\s*"([^"]*)\"""")


# Read from Django's urlify.js once per process (a fixed file of the installed Django).
@functools.cache
def _downcode_table():
    """{character: replacement} from every map in urlify.js (the first map naming a letter wins, as in the JS)."""
    table = {}
    for block in _MAP_BLOCK.findall(_URLIFY.read_text(encoding="utf-8")):
        for double, single, bare, replacement in _ENTRY.findall(block):
            table.setdefault(double or single or bare, replacement)
    return table


@functools.cache
def _downcode_pattern():
    keys = sorted(_downcode_table(), key=len, reverse=True)
    return re.compile("|".join(re.escape(key) for key in keys))


def admin_slug(text, max_length=200):
    """``text`` as the admin's slug field would prefill it; "" when nothing usable is left (e.g. Chinese)."""
    text = _downcode_pattern().sub(lambda match: _downcode_table()[match.group(0)], text or "")
    text = re.sub(r"[^-\w\s]", "", text.lower(), flags=re.ASCII)
    text = re.sub(r"[-\s]+", "-", text.strip())
    return text[:max_length].rstrip("-").lstrip("-")
