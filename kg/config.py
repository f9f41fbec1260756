"""Run-wide settings. The only configuration the stages share; passed explicitly, never global."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_BASE = "https://w3id.org/conflict-kg/"


@dataclass(frozen=True)
class Settings:
    base: str = DEFAULT_BASE         # IRIs of resources are minted under this prefix

    @classmethod
    def from_env(cls) -> "Settings":
        base = os.environ.get("KG_BASE", DEFAULT_BASE)
        return cls(base=base if base.endswith(("/", "#")) else base + "/")


def cache_root() -> Path:
    """Where kg keeps what it can make again (the compiled gazetteer, server stores' fusion
    indexes): ``$KG_CACHE_DIR``, or ``conflict-kg`` under ``$XDG_CACHE_HOME`` or ``~/.cache``."""
    base = os.environ.get("KG_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "conflict-kg"
