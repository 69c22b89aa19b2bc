"""Maintenance tools (executing the notebooks in place); not needed to learn from nbteach."""
