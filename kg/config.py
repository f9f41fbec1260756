"""Run-wide settings. The only configuration the stages share; passed explicitly, never global."""
from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_BASE = "https://w3id.org/conflict-kg/"


@dataclass(frozen=True)
class Settings:
    base: str = DEFAULT_BASE         # IRIs of resources are minted under this prefix

    @classmethod
    def from_env(cls) -> "Settings":
        base = os.environ.get("KG_BASE", DEFAULT_BASE)
        return cls(base=base if base.endswith(("/", "#")) else base + "/")
