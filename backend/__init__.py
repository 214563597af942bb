"""Politieloket backend: receives sealed cases from kiosks and serves the officer console's JSON API."""
