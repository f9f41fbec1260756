"""Article identity: URL checks, the stable article id, and addresses for articles without one."""
from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

PLACEHOLDER_BASE = "https://example.invalid/articles/"

# Query parameters that track a reader, not name a page: the same article shared from
# a newsletter must get the same id.
_TRACKING_PARAMS = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|ocid)$", re.IGNORECASE)
# Record ids safe to use verbatim in a placeholder address; others are hashed.
_SAFE_KEY = re.compile(r"^[A-Za-z0-9._~-]{1,64}$")


def is_web_url(url: str) -> bool:
    """An absolute http(s) address with a host and nothing unprintable in it."""
    # str.isprintable is false for every whitespace character but the plain space
    if not url or " " in url or not url.isprintable():
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def normalise_url(url: str) -> str:
    """The form of ``url`` that identifies the article.

    Variants that reach the same story are folded together: http and https, upper-case
    host, "www.", default ports, a trailing slash, fragments and tracking parameters.
    Anything that is not a web address is only trimmed.
    """
    url = url.strip()
    if not is_web_url(url):
        return url
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = parts.port
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    query = urlencode([(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)
                       if not _TRACKING_PARAMS.match(key)])
    path = parts.path.rstrip("/")
    return f"//{netloc}{path}" + (f"?{query}" if query else "")


def article_id(url: str) -> str:
    """Stable short id of the article at ``url``: 16 hex digits of the SHA-1 of its
    normalised form. The same on every machine and run, so graphs can be named by it."""
    return hashlib.sha1(normalise_url(url).encode("utf-8")).hexdigest()[:16]


def domain_of(url: str) -> str | None:
    """Host of a web address without "www.", e.g. "rudaw.net"; None for other strings."""
    if not is_web_url(url):
        return None
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    # The reserved .invalid names (placeholders, the demo articles) name no publisher.
    if not host or host == "invalid" or host.endswith(".invalid"):
        return None
    return host


def placeholder_url(record_id: str | None, title: str, text: str) -> str:
    """``https://example.invalid/articles/<key>`` for an article that came without an
    address (see the evaluation contract). The key is the record's own id when it is
    address-safe, else a hash of it, else a hash of the content, so it is stable."""
    if record_id is not None and _SAFE_KEY.match(record_id):
        key = record_id
    else:
        basis = record_id if record_id is not None else f"{title}\n{text}"
        key = hashlib.sha1(basis.encode("utf-8", errors="replace")).hexdigest()[:16]
    return PLACEHOLDER_BASE + key
