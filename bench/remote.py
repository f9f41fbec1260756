"""The remote store on a loopback Virtuoso (scripts/virtuoso.sh) against the embedded store,
on the same N-Quads: load rate through SPARQL Update batches, and query latency."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from bench.measure import ROOT, median_time, timed
from bench.store import library

SCRIPT = ROOT / "scripts" / "virtuoso.sh"


def available() -> str | None:
    """None when Virtuoso can run here, else why not."""
    if shutil.which("virtuoso-t") is None:
        return "virtuoso-t not installed (apt-get install virtuoso-opensource)"
    return None


def compare(nquads: Path, work: Path, timeout: float) -> dict:
    import pyoxigraph as ox

    from kg.store import OxigraphStore
    from kg.store.sparql import SparqlStore

    folder = work / "virtuoso"
    shutil.rmtree(folder, ignore_errors=True)
    url = subprocess.run([str(SCRIPT), "start", str(folder)], check=True, capture_output=True, text=True).stdout.strip()
    try:
        remote = SparqlStore.from_url(f"{url}?timeout={timeout}", graph_prefix="https://w3id.org/conflict-kg/")
        quads = list(ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS))
        load_s, _ = timed(lambda: remote.add(quads))
        out: dict = {"quads": len(quads), "load_s": load_s, "queries": []}
        local_dir = work / "remote-local"
        shutil.rmtree(local_dir, ignore_errors=True)
        local = OxigraphStore(local_dir)
        local.bulk_load(nquads)
        for name, sparql in library():
            t_local, r_local = median_time(lambda: local.query(sparql), runs=3, budget=2.0)
            try:
                t_remote, r_remote = median_time(lambda: remote.query(sparql), runs=3, budget=2.0)
                row = {"query": name, "oxigraph_s": t_local, "virtuoso_s": t_remote,
                       "same_rows": len(r_local.rows) == len(r_remote.rows)}  # type: ignore[union-attr]
            except Exception as exc:  # a query the server refuses or cuts off
                row = {"query": name, "oxigraph_s": t_local, "virtuoso_s": None, "error": str(exc)[:160]}
            out["queries"].append(row)
        local.close()
        remote.close()
        return out
    finally:
        subprocess.run([str(SCRIPT), "stop", str(folder)], check=False)
        shutil.rmtree(folder, ignore_errors=True)
