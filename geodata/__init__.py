"""Gazetteer and geometry: turn the place names of a route catalogue into points, polygons and lines."""
