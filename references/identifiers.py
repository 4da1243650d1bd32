"""Normal forms of a reference's identifiers: URL, DOI and PubMed id.

Two spellings of the same source must compare equal, so uniqueness is checked on
these normal forms.
"""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
PMID_RE = re.compile(r"^\d{1,9}$")
_TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")


def url_problem(url):
    """Why ``url`` cannot name a page although Django's URL validator lets it through, or "".

    Django accepts any digits as a port (``http://example.com:99999/``); the standard library
    refuses one above 65535, as does every browser.
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return "The port (the number after the host's colon) must be between 0 and 65535."
    return ""


def normalise_url(url):
    """Scheme and host in lower case, no default port, fragment, tracking query or trailing slash.

    A URL with a malformed port keeps its host and port as written, lower-cased (``url_problem``
    says what is wrong with it).
    """
    url = (url or "").strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return url.lower()
    scheme = parts.scheme.lower()
    if url_problem(url):
        netloc = parts.netloc.rpartition("@")[2].lower()
    else:
        host = (parts.hostname or "").lower()
        if host.startswith("www."):
            host = host[4:]
        port = parts.port if parts.port and (scheme, parts.port) not in {("http", 80), ("https", 443)} else None
        netloc = f"{host}:{port}" if port else host
    path = parts.path.rstrip("/") or ""
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith(_TRACKING_PARAMS))
    )
    # http and https name the same document for identity purposes.
    return urlunsplit(("https" if scheme in {"http", "https"} else scheme, netloc, path, query, ""))


def normalise_doi(doi):
    """A bare, lower-case DOI ('10.1000/xyz'), whatever prefix it was pasted with."""
    doi = (doi or "").strip()
    for prefix in _DOI_PREFIXES:
        if doi.lower().startswith(prefix):
            doi = doi[len(prefix):]
            break
    return doi.strip().lower()


def normalise_pmid(pmid):
    """Digits only ('PMID: 123' -> '123')."""
    pmid = (pmid or "").strip()
    if pmid.upper().startswith("PMID"):
        pmid = pmid[4:].lstrip(" :")
    return pmid.strip()
