"""Reporters: they only read `Finding`s and turn them into text for a reader."""
