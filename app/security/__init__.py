"""Protections every response carries (see headers.py)."""
