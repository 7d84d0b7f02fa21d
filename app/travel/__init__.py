"""Travel: a full backup sealed to the person's own recovery key, and its restore.

Before a risky crossing the person writes a backup (`carnet travel prepare`), carries or
sends it separately, wipes the laptop, and on the other side rebuilds the vault from the
backup and the recovery key (`carnet travel restore`). docs/travel-backup.md gives the
format.
"""
