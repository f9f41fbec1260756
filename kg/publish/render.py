"""HTML from templates, with Jinja2 autoescaping on: text read from articles (labels, headlines,
evidence sentences) is data, and reaches a page only as escaped text."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

# No script runs on any page: the only <script> element is the JSON-LD data block.
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; "
                           "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("kg.publish", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False, "indent": 1}
    # frame-ancestors has no effect in a <meta> policy; the server sends it as a header.
    env.globals["csp_meta"] = CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", "")
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def stylesheet() -> bytes:
    from importlib.resources import files
    return files("kg.publish").joinpath("static/style.css").read_bytes()
