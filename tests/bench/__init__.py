"""Carnet's benchmarks (`make bench`, or `python -m tests.bench [NAME...]`).

Not tests: they measure and print, and never assert on time (pytest does not collect
this folder). Each figure is set against the tool a person would otherwise use, measured
in the same run (DESIGN.md, "Numbers it is measured by"); a JSON copy of every figure is
written to bench-results/ for the closing note.
"""
