"""Scanning: walking library roots, probing files, naming rules, artwork, watching."""
