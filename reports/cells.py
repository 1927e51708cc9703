"""The H3 grid: where a report is, coarsely, and which cells lie within a distance of it."""
import math

import h3

from . import conf


def cell_of(latitude, longitude):
    return h3.latlng_to_cell(float(latitude), float(longitude), conf.get("REPORTS_H3_RESOLUTION"))


def rings_for(radius_km):
    """How many rings around a cell hold every point within radius_km of any point of the cell.

    A ring is two apothems (√3 × edge) wide; hexagons shrink up to ~15 % away from the cell
    centres of the icosahedron, hence the margin."""
    edge = h3.average_hexagon_edge_length(conf.get("REPORTS_H3_RESOLUTION"), "km")
    return max(1, math.ceil(radius_km / (math.sqrt(3) * edge * 0.85)))


def disk(cell, radius_km):
    return list(h3.grid_disk(cell, rings_for(radius_km)))


def boundary(cell):
    """Polygon of a cell as [[lat, lon], ...], for maps."""
    return [[round(lat, 5), round(lon, 5)] for lat, lon in h3.cell_to_boundary(cell)]


def centre(cell):
    return h3.cell_to_latlng(cell)
