"""Importers: a platform's own export (Medium zip, WordPress WXR) -> one source per post."""
