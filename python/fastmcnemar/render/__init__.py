"""Renderers of Comparison and Audit: text, Markdown, JSON, CSV (and HTML/plots by reports)."""
