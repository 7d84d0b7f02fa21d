"""Carnet's application core: vault lifecycle, the encrypted store, the services, the CLI.

Never imports Qt; the `carnet` entry point (app.__main__) may launch ui/ lazily.
"""

__version__ = "0.2.0"
