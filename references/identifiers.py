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


def normalise_url(url):
    """Scheme and host in lower case, no default port, fragment, tracking query or trailing slash."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
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
