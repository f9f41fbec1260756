"""A picture of an actor network (PNG, SVG or PDF by file suffix), meant to be read at a glance.

Allies are drawn close and enemies apart: the layout (Kamada–Kawai per connected part) takes
cooperative ties as short springs and hostile ties as long ones. Circles are coloured by actor
kind and sized by a metric (weighted degree unless told otherwise); red arrows run from agent
to target, dashed green arrows from supporter to agent, and solid green lines join actors that
acted together. The number on a tie is the number of operations behind it; ties bend around
actors they would otherwise cross. A legend explains all of it.

matplotlib is used through `Figure` alone (no pyplot), so drawing leaves no global state; SVG
keeps text as text.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable
from pathlib import Path

import networkx as nx
import numpy as np
from matplotlib import rc_context
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch

from kg.network import style
from kg.network.metrics import pair_view, structural_balance

ALLY_DISTANCE, ENEMY_DISTANCE, AMBIVALENT_DISTANCE = 1.0, 2.0, 1.5
MIN_SEPARATION = 1.0
NEIGHBOUR_DISTANCE = 1.6
INCH_PER_UNIT = 0.85
LEGEND_WIDTH = 3.9                   # inches
PART_GAP = 2.4
MAX_LABELS = 40
MAX_EDGE_LABELS = 40
KAMADA_KAWAI_LIMIT = 150
# Beyond this many ties, ties are drawn as plain straight lines in one collection (thousands of
# arrow patches take minutes to render and cannot be read anyway).
MAX_ARROWS = 600


def layout(graph: nx.Graph, seed: int = 7) -> dict[Hashable, tuple[float, float]]:
    """Positions: each connected part laid out on its own, parts packed in rows, largest first.

    Each part is scaled so that an actor's nearest neighbour is typically NEIGHBOUR_DISTANCE
    away, and no two actors end up closer than MIN_SEPARATION.
    """
    pairs = pair_view(graph)
    for _, _, d in pairs.edges(data=True):
        d["distance"] = ALLY_DISTANCE if d["sign"] > 0 else ENEMY_DISTANCE if d["sign"] < 0 else AMBIVALENT_DISTANCE
    parts = sorted(nx.connected_components(pairs), key=lambda c: (-len(c), min(str(n) for n in c)))
    if not parts:
        return {}
    laid_out = []
    for part in parts:
        nodes = sorted(part, key=str)
        local = _part_layout(pairs.subgraph(nodes), seed)
        local = local * _spacing_scale(local)
        laid_out.append((nodes, local - local.min(axis=0)))
    # Rows about as wide as a 3:2 page holding all parts (at least as wide as the largest part);
    # PART_GAP between parts leaves room for the labels of the actors at their edges.
    area = sum((xy[:, 0].max() + PART_GAP) * (xy[:, 1].max() + PART_GAP) for _, xy in laid_out)
    max_row = max(max(xy[:, 0].max() for _, xy in laid_out), math.sqrt(area * 1.5))
    placed: dict[Hashable, tuple[float, float]] = {}
    x_cursor, y_cursor, row_height = 0.0, 0.0, 0.0
    for nodes, xy in laid_out:
        width, height = float(xy[:, 0].max()), float(xy[:, 1].max())
        if x_cursor > 0 and x_cursor + width > max_row:
            y_cursor -= row_height + PART_GAP * 0.6
            x_cursor, row_height = 0.0, 0.0
        for node, (x, y) in zip(nodes, xy + np.array([x_cursor, y_cursor - height])):
            placed[node] = (float(x), float(y))
        x_cursor += width + PART_GAP
        row_height = max(row_height, height)
    return _separate(placed)


def _spacing_scale(xy: np.ndarray) -> float:
    """The factor that puts the median actor NEIGHBOUR_DISTANCE from its nearest neighbour."""
    if len(xy) < 2:
        return 1.0
    delta = xy[:, None, :] - xy[None, :, :] if len(xy) <= 800 else None
    if delta is None:
        return NEIGHBOUR_DISTANCE * math.sqrt(len(xy)) / max(float(np.ptp(xy, axis=0).max()), 1e-9)
    dist = np.sqrt((delta ** 2).sum(axis=2))
    np.fill_diagonal(dist, np.inf)
    nearest = float(np.median(dist.min(axis=1)))
    return NEIGHBOUR_DISTANCE / max(nearest, 1e-9)


def _part_layout(sub: nx.Graph, seed: int) -> np.ndarray:
    """Coordinates of one connected part, its longest spread turned horizontal."""
    nodes = list(sub)
    if len(nodes) == 1:
        return np.zeros((1, 2))
    if len(nodes) == 2:
        return np.array([[-0.5, 0.0], [0.5, 0.0]])
    if len(nodes) <= KAMADA_KAWAI_LIMIT:
        found = nx.kamada_kawai_layout(sub, weight="distance")
    else:
        # Kamada-Kawai is quadratic in memory and slow beyond a few hundred actors; springs
        # pulling allies harder than enemies give the same picture in coarse form.
        attraction = {(u, v): 1.0 / d["distance"] ** 2 for u, v, d in sub.edges(data=True)}
        springs = nx.Graph()
        springs.add_nodes_from(nodes)
        springs.add_edges_from((u, v, {"attraction": w}) for (u, v), w in attraction.items())
        found = nx.spring_layout(springs, weight="attraction", seed=seed)
    xy = np.array([found[n] for n in nodes], dtype=float)
    xy -= xy.mean(axis=0)
    _, vectors = np.linalg.eigh(np.cov(xy.T))
    xy = xy @ vectors[:, ::-1]                 # principal axis first
    # The sign of an eigenvector is arbitrary: fix it so that the picture does not flip.
    for axis in (0, 1):
        if np.abs(xy[:, axis]).max() > 0 and xy[np.argmax(np.abs(xy[:, axis])), axis] < 0:
            xy[:, axis] = -xy[:, axis]
    return xy


def _separate(positions: dict[Hashable, tuple[float, float]], rounds: int = 200
              ) -> dict[Hashable, tuple[float, float]]:
    """Push apart actors closer than MIN_SEPARATION (small graphs; large ones are left as laid out)."""
    nodes = list(positions)
    if len(nodes) < 2 or len(nodes) > 800:
        return positions
    xy = np.array([positions[n] for n in nodes], dtype=float)
    rng = np.random.default_rng(0)
    for _ in range(rounds):
        delta = xy[:, None, :] - xy[None, :, :]
        dist = np.sqrt((delta ** 2).sum(axis=2))
        np.fill_diagonal(dist, 1e9)
        close = dist < MIN_SEPARATION
        if not close.any():
            break
        dist = np.where(dist == 0, 1e-6, dist)
        same = (delta ** 2).sum(axis=2) == 0
        delta = np.where(same[:, :, None], rng.normal(scale=1e-3, size=delta.shape), delta)
        push = np.where(close, (MIN_SEPARATION - dist) / 2 / dist, 0.0)
        xy += (delta * push[:, :, None]).sum(axis=1)
    return {n: (float(x), float(y)) for n, (x, y) in zip(nodes, xy)}


def draw_network(graph: nx.Graph, path: str | Path, *, title: str | None = None,
                 size_by: str = "weighted_degree",
                 positions: dict[Hashable, tuple[float, float]] | None = None, dpi: int = 150) -> Path:
    """Draw `graph` (annotated with metrics, see `kg.network.metrics.annotate`) to `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = graph.number_of_nodes()
    pos = positions or layout(graph) if n else {}
    xs = [pos[v][0] for v in graph] or [0.0]
    ys = [pos[v][1] for v in graph] or [0.0]
    xlim = (min(xs) - 0.9, max(xs) + 0.9)
    ylim = (min(ys) - 0.75, max(ys) + 0.45)
    # About 0.85 inch per layout unit (neighbours 1.6 units apart), within a page that a screen
    # or an A3 sheet can show; the drawing keeps the layout's proportions, the legend has a
    # column of its own on the right and the title a band at the top.
    x_range, y_range = xlim[1] - xlim[0], ylim[1] - ylim[0]
    area_w = min(max(x_range * INCH_PER_UNIT, 4.5), 22.0)
    area_h = area_w * y_range / x_range
    if area_h > 16.0:
        area_w, area_h = area_w * 16.0 / area_h, 16.0
    margin, title_band = 0.3, 1.3
    width = margin + area_w + margin + LEGEND_WIDTH
    kinds = {d.get("kind") for _, d in graph.nodes(data=True)}
    relations = {d.get("kind") for *_, d in graph.edges(data=True)}
    legend_h = 0.6 + 0.31 * (len(kinds) + len(relations) + 5)        # entries of _legend, in inches
    height = max(area_h + title_band + margin, legend_h + title_band, 4.5)
    fig = Figure(figsize=(width, height), dpi=dpi)
    ax = fig.add_axes((margin / width, margin / height, area_w / width, (height - title_band - margin) / height))
    ax.set_axis_off()
    fig.text(0.02, 1 - 0.3 / height, title or "Actor network", fontsize=17, fontweight="bold", va="top")
    fig.text(0.02, 1 - 0.75 / height, _subtitle(graph), fontsize=10.5, color="#444444", va="top")

    if n == 0:
        ax.text(0.5, 0.5, "No actors match these filters.", ha="center", va="center", fontsize=14,
                color="#666666", transform=ax.transAxes)
        _save(fig, path, dpi)
        return path

    sizes = style.node_sizes(graph, size_by)
    # Radii in layout units, so that circles never overlap however many actors there are.
    radius = {v: MIN_SEPARATION * (0.13 + 0.24 * (sizes[v] - style.MIN_SIZE) / (style.MAX_SIZE - style.MIN_SIZE))
              for v in graph}
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal", adjustable="box", anchor="W")

    circles = {}
    for v in sorted(graph, key=lambda v: sizes[v]):
        circles[v] = Circle(pos[v], radius[v], facecolor=style.kind_colour(graph.nodes[v].get("kind")),
                            edgecolor="white", linewidth=1.5, zorder=3)
        ax.add_patch(circles[v])
    ax.apply_aspect()
    box = ax.get_position()
    per_unit = box.width * width * 72 / (xlim[1] - xlim[0])          # points per layout unit
    font = 10 if n <= 30 else 8
    labelled = sorted(graph, key=lambda v: -sizes[v])[:MAX_LABELS]
    texts = {v: _wrap(str(graph.nodes[v].get("label", v))) for v in labelled}
    label_boxes = []
    for v, text in texts.items():
        lines = text.split("\n")
        w = max(len(line) for line in lines) * font * 0.62 / per_unit
        h = len(lines) * font * 1.25 / per_unit
        top = pos[v][1] - radius[v] - 0.04
        label_boxes.append((pos[v][0] - w / 2, top - h, pos[v][0] + w / 2, top))
    _draw_edges(ax, graph, pos, circles, label_boxes, badge=7 / per_unit)
    # A pale box rather than a stroke effect: stroked text would become outlines in SVG.
    halo = {"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.8}
    for v, text in texts.items():
        x, y = pos[v]
        ax.text(x, y - radius[v] - 0.04, text, ha="center", va="top", fontsize=font,
                fontweight="bold" if sizes[v] >= style.MAX_SIZE * 0.6 else "normal", zorder=5, bbox=halo)
    _legend(fig, graph, size_by)
    _save(fig, path, dpi)
    return path


def _save(fig: Figure, path: Path, dpi: int) -> None:
    # SVG keeps its text as text (searchable, editable in Inkscape) instead of glyph outlines.
    with rc_context({"svg.fonttype": "none"}):
        fig.savefig(path, dpi=dpi)


def _draw_edges(ax, graph: nx.Graph, pos, circles, label_boxes, badge: float) -> None:
    by_pair: dict[tuple[str, str], list[tuple[Hashable, Hashable, dict]]] = defaultdict(list)
    ends: dict[tuple[str, str], tuple[Hashable, Hashable]] = {}
    for u, v, data in graph.edges(data=True):
        if u != v:
            key = tuple(sorted((str(u), str(v))))
            by_pair[key].append((u, v, data))
            ends[key] = (u, v) if str(u) == key[0] else (v, u)
    if graph.number_of_edges() > MAX_ARROWS:
        _draw_plain_edges(ax, graph, pos)
        return
    label_edges = graph.number_of_edges() <= MAX_EDGE_LABELS
    names = list(circles)
    obstacles = np.array([(*pos[n], circles[n].get_radius() + 0.08) for n in names])
    for pair, ties in sorted(by_pair.items()):
        ties.sort(key=lambda t: (t[2].get("kind", ""), str(t[0])))
        k = len(ties)
        spread = [0.0] if k == 1 else [-0.25 + 0.5 * i / (k - 1) for i in range(k)]
        a, b = ends[pair]
        base = _bend_around(pos, obstacles, names, a, b, spread)
        for (u, v, data), offset in zip(ties, spread):
            rad = base + offset
            if u != a:
                rad = -rad            # arc3 bends relative to the drawing direction
            relation = data.get("kind", "co-agent")
            colour = style.RELATION_COLOURS.get(relation, "#777777")
            directed = data.get("directed", graph.is_directed())
            arrow = FancyArrowPatch(
                pos[u], pos[v], patchA=circles[u], patchB=circles[v], shrinkA=2, shrinkB=3,
                arrowstyle="-|>" if directed else "-", mutation_scale=15, connectionstyle=f"arc3,rad={rad}",
                linewidth=1.1 * style.edge_thickness(float(data.get("weight", 1.0))), color=colour, alpha=0.85,
                linestyle="--" if style.RELATION_SHAPES.get(relation) == "dashed" else "-", zorder=2)
            ax.add_patch(arrow)
            if label_edges and data.get("events"):
                mx, my = _badge_point(pos[u], pos[v], rad, circles, label_boxes, badge)
                label_boxes.append((mx - badge, my - badge, mx + badge, my + badge))
                ax.text(mx, my, str(data["events"]), fontsize=8, color=colour, ha="center", va="center", zorder=4,
                        bbox={"boxstyle": "circle,pad=0.18", "fc": "white", "ec": colour, "lw": 0.8})


def _draw_plain_edges(ax, graph: nx.Graph, pos) -> None:
    segments, colours, widths = [], [], []
    for u, v, data in graph.edges(data=True):
        if u == v:
            continue
        segments.append((pos[u], pos[v]))
        colours.append(style.RELATION_COLOURS.get(data.get("kind", "co-agent"), "#777777"))
        widths.append(0.6 * style.edge_thickness(float(data.get("weight", 1.0))))
    ax.add_collection(LineCollection(segments, colors=colours, linewidths=widths, alpha=0.35, zorder=2))


def _curve_point(p1, p2, rad: float, t: float) -> tuple[float, float]:
    """A point of matplotlib's arc3 curve (a quadratic Bezier), in data units (equal aspect)."""
    (x1, y1), (x2, y2) = p1, p2
    cx, cy = (x1 + x2) / 2 + rad * (y2 - y1), (y1 + y2) / 2 - rad * (x2 - x1)
    return ((1 - t) ** 2 * x1 + 2 * t * (1 - t) * cx + t ** 2 * x2,
            (1 - t) ** 2 * y1 + 2 * t * (1 - t) * cy + t ** 2 * y2)


def _badge_point(p1, p2, rad: float, circles, boxes, size: float) -> tuple[float, float]:
    """Where on the curve the operation count goes: clear of actors, labels and other counts.

    Off-centre first (40 %), so that the counts of two ties crossing in the middle do not meet.
    """
    candidates = (0.4, 0.6, 0.3, 0.7, 0.5, 0.25, 0.75)
    for t in candidates:
        x, y = _curve_point(p1, p2, rad, t)
        if any((x - c.center[0]) ** 2 + (y - c.center[1]) ** 2 < (c.get_radius() + size) ** 2
               for c in circles.values()):
            continue
        if any(x0 - size < x < x1 + size and y0 - size < y < y1 + size for x0, y0, x1, y1 in boxes):
            continue
        return x, y
    return _curve_point(p1, p2, rad, candidates[0])


def _bend_around(pos, obstacles: np.ndarray, names: list[Hashable], a: Hashable, b: Hashable,
                 spread: list[float]) -> float:
    """The smallest extra bend that keeps all ties between a and b clear of other actors.

    `obstacles` holds one row (x, y, clearance radius) per actor, in the order of `names`.
    """
    others = obstacles[[i for i, n in enumerate(names) if n != a and n != b]]
    if not len(others):
        return 0.0
    t = np.linspace(0.08, 0.92, 22)[:, None]
    (x1, y1), (x2, y2) = pos[a], pos[b]

    def clear(rad: float) -> bool:
        cx, cy = (x1 + x2) / 2 + rad * (y2 - y1), (y1 + y2) / 2 - rad * (x2 - x1)
        x = (1 - t) ** 2 * x1 + 2 * t * (1 - t) * cx + t ** 2 * x2
        y = (1 - t) ** 2 * y1 + 2 * t * (1 - t) * cy + t ** 2 * y2
        return not ((x - others[:, 0]) ** 2 + (y - others[:, 1]) ** 2 < others[:, 2] ** 2).any()

    for base in (0.0, 0.2, -0.2, 0.35, -0.35, 0.5, -0.5):
        if all(clear(base + offset) for offset in spread):
            return base
    return 0.0


def _legend(fig: Figure, graph: nx.Graph, size_by: str) -> None:
    kinds = sorted({d.get("kind", "Actor") for _, d in graph.nodes(data=True)},
                   key=lambda k: list(style.KIND_COLOURS).index(k) if k in style.KIND_COLOURS else 99)
    relations = [r for r in ("hostility", "support", "co-agent")
                 if any(d.get("kind") == r for *_, d in graph.edges(data=True))]
    handles = [Line2D([], [], marker="o", linestyle="", markersize=11, markerfacecolor=style.kind_colour(k),
                      markeredgecolor="white", label=style.KIND_NAMES.get(k, k)) for k in kinds]
    handles += [Line2D([], [], color=style.RELATION_COLOURS[r], linewidth=2.2,
                       linestyle="--" if style.RELATION_SHAPES[r] == "dashed" else "-",
                       label=style.RELATION_NAMES[r]) for r in relations]
    metric = {"pagerank": "PageRank", "betweenness": "betweenness", "eigenvector": "eigenvector centrality",
              "weighted_degree": "weighted degree", "degree": "degree"}.get(size_by, size_by)
    notes = ["", f"circle size: {metric}", "line width: reports (operation \u00d7", "    independent outlet)",
             "number on a tie: operations"]
    handles += [Line2D([], [], linestyle="", marker="", label=text) for text in notes]
    width, height = fig.get_figwidth(), fig.get_figheight()
    legend = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(1 - LEGEND_WIDTH / width, 1 - 1.3 / height),
                        frameon=False, fontsize=10, title="Actors and ties", title_fontsize=11, alignment="left")
    legend.get_title().set_fontweight("bold")


def _subtitle(graph: nx.Graph) -> str:
    ties = graph.number_of_edges()
    parts = [f"{graph.number_of_nodes()} actors", f"{ties} ties", f"{graph.graph.get('events', 0)} operations"]
    starts = [d["start"] for *_, d in graph.edges(data=True) if d.get("start")]
    ends = [d["end"] for *_, d in graph.edges(data=True) if d.get("end")]
    firsts = {d["start"]: d.get("first") for *_, d in graph.edges(data=True) if d.get("start")}
    lasts = {d["end"]: d.get("last") for *_, d in graph.edges(data=True) if d.get("end")}
    if starts and ends:
        first, last = firsts[min(starts)], lasts[max(ends)]
        parts.append(first if first == last else f"{first} \u2013 {last}")
    if graph.graph.get("region"):
        parts.append(f"in {graph.graph['region']}")
    balance = structural_balance(graph)
    if balance.balanced or balance.unbalanced:
        parts.append(f"{len(balance.balanced)} balanced / {len(balance.unbalanced)} unbalanced triangles")
    return "  \u00b7  ".join(parts)


def _wrap(label: str, width: int = 22) -> str:
    if len(label) <= width:
        return label
    words, lines, line = label.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    return "\n".join(lines)
