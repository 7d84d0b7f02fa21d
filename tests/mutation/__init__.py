"""A curated mutation run over the security checks (`make mutants`); see run.py."""
