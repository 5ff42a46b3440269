"""Renderers and exports: everything here reads the hand-off GeoDataFrame, never YAML."""
