"""spaCy imported without its command line.

`import spacy` runs spacy/__init__.py, which imports ``spacy.cli.info`` for the `spacy.info`
helper and with it spaCy's whole command line: typer, requests, weasel, jinja2 and the rest,
0.19 s of the 0.57 s the import takes here, paid by every process a build starts (the main one
and each worker) for nothing extraction runs. Upstream made it lazy once and took it back
because `spacy.cli` stopped being an attribute (explosion/spaCy#12962; #13721 is open).

`import_spacy` does what that change does, from outside: spacy/__init__ is handed a stand-in
for ``spacy.cli.info`` whose `info` imports the real one when called, and ``spacy.cli`` loads
on first use (``import spacy.cli``, or `spacy.cli` read as an attribute). Should a spaCy
release ask more of the stand-in, the import is made again the usual way.
"""
from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_STAND_IN = "spacy.cli.info"


def import_spacy() -> types.ModuleType:
    """The spacy module, imported now without ``spacy.cli`` unless something imported it before."""
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    stand_in = types.ModuleType(_STAND_IN)
    stand_in.info = _info           # type: ignore[attr-defined]
    sys.modules[_STAND_IN] = stand_in
    try:
        spacy = importlib.import_module("spacy")
    except Exception:
        # (a spaCy whose __init__ reads more of spacy.cli: forget the half-made import)
        _forget_spacy()
        return importlib.import_module("spacy")
    finally:
        if sys.modules.get(_STAND_IN) is stand_in:
            del sys.modules[_STAND_IN]
    if "spacy.cli" not in sys.modules:
        spacy.__getattr__ = _cli_on_first_use       # type: ignore[attr-defined]
    return spacy


def _info(*args: Any, **kwargs: Any) -> Any:
    """`spacy.info`, the real one imported when first called."""
    from spacy.cli.info import info

    return info(*args, **kwargs)


def _cli_on_first_use(name: str) -> Any:
    """The spacy module's __getattr__ (PEP 562): `spacy.cli` imports it."""
    if name == "cli":
        return importlib.import_module("spacy.cli")
    raise AttributeError(f"module 'spacy' has no attribute {name!r}")


def _forget_spacy() -> None:
    for name in [n for n in sys.modules if n == "spacy" or n.startswith("spacy.")]:
        del sys.modules[name]
