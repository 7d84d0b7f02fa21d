"""Primitives and file formats: pure functions over bytes and file objects.

This package imports only PyNaCl, `cryptography` and the standard library, and nothing
of the rest of Carnet (the rule is checked by import-linter in `make test`).
"""
