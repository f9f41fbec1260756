"""Benchmarks of conflict-kg: speed, memory and scale, run with `python -m bench`.

Not tests: they print ratios measured side by side in one run (kg against spaCy's tokenizer,
Oxigraph against rdflib, 10^5 articles against 10^4), never absolute pass/fail times.
"""
