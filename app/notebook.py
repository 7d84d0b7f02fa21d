"""One unlocked notebook: the session and a service object per capability.

This is what the CLI commands and the GUI's controllers hold while the vault is open.
Opening one also sweeps blobs a crash left unregistered (see app/evidence/blobs.py).
"""

from __future__ import annotations

from app.clock import Clock, utc_now
from app.custody import CustodyLog
from app.destinations import DestinationService
from app.evidence.attachments import AttachmentService
from app.evidence.blobs import BlobStore
from app.export.exporter import Exporter
from app.export.outbox import Outbox
from app.incident_list import IncidentLister
from app.incidents import IncidentService
from app.interventions import InterventionService
from app.people import PersonService
from app.search import SearchService
from app.sending.sender import SendService
from app.session import VaultSession
from crypto.signing import PURPOSE_SIGNING_SEED, DeviceSigner


class Notebook:
    def __init__(self, session: VaultSession, clock: Clock = utc_now) -> None:
        self.session = session
        blobs = BlobStore(session.paths.blobs)
        signer = DeviceSigner(session.subkey(PURPOSE_SIGNING_SEED))
        self.custody = CustodyLog(session.db, signer, clock)
        self.incidents = IncidentService(session.db, self.custody, blobs, clock)
        self.people = PersonService(session.db, clock)
        self.interventions = InterventionService(session.db, clock)
        self.search = SearchService(session.db)
        self.lister = IncidentLister(session.db)
        self.destinations = DestinationService(session.db, clock)
        self.attachments = AttachmentService(session.db, blobs, self.custody, clock)
        self.outbox = Outbox(session.db, session.paths.outbox, clock)
        self.exporter = Exporter(
            self.incidents,
            self.attachments,
            self.custody,
            self.destinations,
            signer,
            self.outbox,
            clock,
        )
        self.sender = SendService(self.outbox, self.destinations, self.custody, clock=clock)
        self.attachments.sweep_orphans()

    def __repr__(self) -> str:
        return f"Notebook({self.session.paths.root})"

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Notebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
