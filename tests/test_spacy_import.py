"""kg.extract imports spaCy without its command line, and spaCy still works whole.

Each check runs in a fresh interpreter: in this one spaCy is imported already.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(code: str, *, path: Path | None = None) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in ([path] if path else []) + [ROOT])
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_extraction_imports_spacy_without_its_command_line():
    seen = _run("""
        import json, sys
        import kg.extract
        from kg.extract import make_nlp
        doc = make_nlp()("Turkish jets struck Afrin on Sunday.")
        print(json.dumps({"tokens": [t.text for t in doc],
                          "loaded": sorted(m for m in ("spacy.cli", "typer", "requests", "weasel") if m in sys.modules)}))
    """)
    assert seen["tokens"] == ["Turkish", "jets", "struck", "Afrin", "on", "Sunday", "."]
    assert seen["loaded"] == []


def test_spacy_cli_and_info_load_when_asked_for():
    seen = _run("""
        import json, sys
        import kg.extract, spacy
        download = spacy.cli.download                  # the attribute, with no import of its own
        from spacy.cli.info import info as real_info   # the real module, not the stand-in
        data = spacy.info(silent=True)                 # the stand-in's info calls the real one
        print(json.dumps({"download": download.__module__, "info_module": real_info.__module__,
                          "info_has_version": data.get("spacy_version") == spacy.__version__,
                          "cli_in_modules": "spacy.cli" in sys.modules}))
    """)
    assert seen == {"download": "spacy.cli.download", "info_module": "spacy.cli.info",
                    "info_has_version": True, "cli_in_modules": True}


def test_a_spacy_that_asks_more_of_its_cli_is_imported_the_usual_way(tmp_path):
    # A stand-in spaCy package whose __init__ reads a second name from spacy.cli.info, as a
    # later release might: the stand-in cannot give it, so the import is made again as usual.
    package = tmp_path / "spacy"
    (package / "cli").mkdir(parents=True)
    (package / "__init__.py").write_text("from .cli.info import info, version_table\n")
    (package / "cli" / "__init__.py").write_text("LOADED = True\n")
    (package / "cli" / "info.py").write_text("def info():\n    return 'real'\nversion_table = {}\n")
    seen = _run("""
        import importlib.util, json, sys
        # (the module alone: kg.extract's own modules need the real spaCy)
        spec = importlib.util.spec_from_file_location("spacy_import", "kg/extract/spacy_import.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        spacy = module.import_spacy()
        print(json.dumps({"info": spacy.info(), "cli": sys.modules["spacy.cli"].LOADED,
                          "real_info_module": hasattr(sys.modules["spacy.cli.info"], "version_table")}))
    """, path=tmp_path)
    assert seen == {"info": "real", "cli": True, "real_info_module": True}


def test_an_earlier_import_of_spacy_is_left_as_it_is():
    seen = _run("""
        import json, sys
        import spacy.cli
        import spacy
        from kg.extract.spacy_import import import_spacy
        print(json.dumps({"same": import_spacy() is spacy, "getattr": "__getattr__" in vars(spacy)}))
    """)
    assert seen == {"same": True, "getattr": False}
