"""Line styles shared by every renderer: dashes and widths (colours come with the Atlas).

Stated legs are solid; inferred legs (from another source, or a corridor's waypoints) are
dashed.
"""

from __future__ import annotations

INFERRED_DASH = (6, 5)  # on, off in pixels
STATED_DASH = None


def line_width(route_count: int) -> float:
    """Wider lines for a few routes, hairlines for thousands (CPU stroking cost, clutter)."""
    if route_count <= 200:
        return 3.0
    if route_count <= 2000:
        return 2.0
    return 1.0
