"""What a wipe would lose that has not left the laptop: for the warning before a wipe.

"Never exported" means no export to an organisation names the incident in the custody
log; a travel backup does not count, since it is addressed to the person themself.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.custody import CustodyAction
from app.notebook import Notebook


@dataclass(frozen=True)
class Unsent:
    outbox_bundles: int
    incidents_never_exported: int | None  # None: the vault is locked, not counted


def count_unsent(notebook: Notebook) -> Unsent:
    bundles = sum(1 for item in notebook.outbox.list() if item.sent_at is None)
    exported: set[str] = set()
    for entry in notebook.custody.entries():
        if entry.action == CustodyAction.EXPORT:
            exported.update(str(uid) for uid in entry.details.get("incidents", []))
    with notebook.session.db.reading() as conn:
        uids = {str(row[0]) for row in conn.execute("SELECT uid FROM incidents")}
    return Unsent(bundles, len(uids - exported))
