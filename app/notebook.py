"""One unlocked notebook: the session and a service object per capability.

This is what the CLI commands and the GUI's controllers hold while the vault is open.
"""

from __future__ import annotations

from app.clock import Clock, utc_now
from app.incidents import IncidentService
from app.interventions import InterventionService
from app.people import PersonService
from app.search import SearchService
from app.vault import VaultSession


class Notebook:
    def __init__(self, session: VaultSession, clock: Clock = utc_now) -> None:
        self.session = session
        self.incidents = IncidentService(session.db, clock)
        self.people = PersonService(session.db, clock)
        self.interventions = InterventionService(session.db, clock)
        self.search = SearchService(session.db)

    def __repr__(self) -> str:
        return f"Notebook({self.session.paths.root})"

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Notebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
