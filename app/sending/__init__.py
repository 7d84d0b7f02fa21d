"""Sending bundles from the outbox: destinations' transports, delivery states, the sender.

The CLI (app/cli/send_commands.py) and, later, the GUI call the same services here; sync/
does the moving and knows nothing of the vault.
"""
