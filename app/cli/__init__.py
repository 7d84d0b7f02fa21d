"""The command-line interface: parsing, prompting and printing around app/ services."""
