"""Nothing a defender types is readable on disk: the canary test.

Records holding a unique random string (the canary) in every field are written, edited,
deleted and searched through the real `carnet` process. The canary reaches Carnet only
through argv and standard input, never through a file in the scanned folders. Afterwards
no file under the vault folder, TMPDIR, HOME (which holds the XDG config, data, cache and
state folders) or XDG_RUNTIME_DIR holds it in UTF-8, UTF-16-LE or UTF-16-BE, SQLite's
-wal and -shm included.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import PASSPHRASE, CarnetEnv, Result, VaultFixture

ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")


@dataclass(frozen=True)
class Hit:
    path: Path
    encoding: str
    in_name: bool = False


def scan(roots: list[Path], canary: str) -> list[Hit]:
    """Every regular file under `roots` whose name or bytes hold `canary` (or its upper case)."""
    needles = [(text.encode(enc), enc) for enc in ENCODINGS for text in {canary, canary.upper()}]
    hits: list[Hit] = []
    for root in roots:
        for folder, dirs, files in os.walk(root, followlinks=False):
            for name in dirs + files:
                if canary.casefold() in name.casefold():
                    hits.append(Hit(Path(folder) / name, "file name", in_name=True))
            for name in files:
                path = Path(folder) / name
                mode = path.lstat().st_mode
                if not stat.S_ISREG(mode):
                    continue  # sockets, FIFOs and links hold no file data of their own
                data = path.read_bytes()
                hits.extend(Hit(path, enc) for needle, enc in needles if needle in data)
    return hits


def scanned_roots(cenv: CarnetEnv) -> list[Path]:
    roots = [cenv.vault, cenv.tmpdir, cenv.home, Path(cenv.env["XDG_RUNTIME_DIR"])]
    # Also the whole isolated root: it is every carnet process's working directory, so a
    # file written "here" (a log, a dump) is caught too. Its secrets/ folder holds the
    # passphrase files only; no canary is ever written to a file.
    roots.append(cenv.root)
    for key in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        # They live under HOME in the fixture; scanned on their own should that change.
        path = Path(cenv.env[key])
        if not path.is_relative_to(cenv.home):
            roots.append(path)
    return roots


def all_files(root: Path) -> list[Path]:
    return [Path(folder) / name for folder, _, files in os.walk(root) for name in files]


def ok(result: Result) -> str:
    assert result.code == 0, result.err
    return result.out


def last_id(result: Result) -> int:
    return int(ok(result).strip().splitlines()[-1])


def test_scanner_finds_a_canary_in_every_encoding(tmp_path: Path) -> None:
    """Positive control: the scan below can fail."""
    canary = "cnry" + secrets.token_hex(10)
    control = tmp_path / "control"
    (control / "deep" / "er").mkdir(parents=True)
    (control / "plain.txt").write_bytes(b"before " + canary.encode("utf-8") + b" after")
    (control / "deep" / "store.db-wal").write_bytes(b"x" * 99 + canary.encode("utf-16-le"))
    (control / "deep" / "er" / ".hidden").write_bytes(canary.upper().encode("utf-16-be"))
    (control / f"named-{canary}").write_bytes(b"nothing inside")
    (control / "clean").write_bytes(os.urandom(4096))
    hits = scan([control], canary)
    found = {(hit.path.name, hit.encoding) for hit in hits}
    assert found == {
        ("plain.txt", "utf-8"),
        ("store.db-wal", "utf-16-le"),
        (".hidden", "utf-16-be"),
        (f"named-{canary}", "file name"),
    }
    assert scan([control / "deep" / "er"], "cnry" + secrets.token_hex(10)) == []


def test_no_canary_anywhere_after_a_full_session(vault: VaultFixture) -> None:
    cenv = vault.cenv
    canary = "cnry" + secrets.token_hex(10)  # lower-case letters and digits: one FTS token

    def c(field: str) -> str:
        return f"{canary}{field}"

    # Incident fields as options, the narrative on standard input.
    first = last_id(
        vault.run(
            "incident",
            "add",
            "--title",
            f"Arrest {c('title')} at the market",
            "--narrative-file",
            "-",
            "--location",
            f"Rue {c('location')}",
            "--tag",
            c("tagone"),
            "--tag",
            c("tagtwo"),
            "--date",
            "2024-03-05",
            "--country",
            "SN",
            "--violation",
            "arbitrary-detention",
            stdin=f"Witnesses saw {c('narrative')} taken away.\nSecond line {canary}.\n",
        )
    )
    # A JSON import on standard input (two incidents, one transaction).
    imported = ok(
        vault.run(
            "incident",
            "add",
            "--json-file",
            "-",
            stdin=json.dumps(
                [
                    {
                        "title": c("jsontitle"),
                        "narrative": c("jsonnarrative"),
                        "location": c("jsonlocation"),
                        "tags": [c("jsontag")],
                        "date": "2023-01..2023-02",
                        "violations": ["raid"],
                        "status": "documented",
                    },
                    {"title": f"Second {c('jsontitletwo')}", "tags": [c("jsontagtwo")]},
                ]
            ),
        )
    )
    second, third = (int(line) for line in imported.split())

    # People, with informed consent on their links.
    person = last_id(
        vault.run(
            "person",
            "add",
            "--name",
            c("personname"),
            "--notes",
            f"Lives near {c('personnotes')}",
            "--incident",
            str(first),
            "--role",
            "victim",
            "--consent",
            "share",
            "--consent-org",
            c("consentorg"),
            "--consent-note",
            c("consentnote"),
        )
    )
    group = last_id(
        vault.run("person", "add", "--name", c("groupname"), "--kind", "group", "--notes", canary)
    )
    link = last_id(
        vault.run(
            "person",
            "link",
            str(group),
            "--incident",
            str(second),
            "--role",
            "witness",
            "--consent",
            "publish",
            "--consent-note",
            c("linknote"),
        )
    )
    ok(
        vault.run(
            "person",
            "link-edit",
            str(link),
            "--consent",
            "share",
            "--consent-org",
            c("editedorg"),
            "--consent-note",
            c("editednote"),
        )
    )
    ok(vault.run("person", "edit", str(person), "--name", c("renamed"), "--notes", c("renotes")))

    # Interventions.
    intervention = last_id(
        vault.run(
            "intervention",
            "add",
            str(first),
            "--actor",
            c("actor"),
            "--kind",
            "urgent-appeal",
            "--status",
            "sent",
            "--date",
            "2024-03-06",
            "--notes",
            c("interventionnotes"),
        )
    )
    ok(
        vault.run(
            "intervention", "edit", str(intervention), "--actor", c("actortwo"), "--notes", canary
        )
    )

    # Edits: options plus narrative on stdin, and a JSON object on stdin.
    ok(
        vault.run(
            "incident",
            "edit",
            str(first),
            "--title",
            c("editedtitle"),
            "--location",
            c("editedlocation"),
            "--add-tag",
            c("addedtag"),
            "--narrative-file",
            "-",
            stdin=f"Rewritten {c('editednarrative')}\n",
        )
    )
    ok(
        vault.run(
            "incident",
            "edit",
            str(second),
            "--json-file",
            "-",
            stdin=json.dumps({"title": c("jsonedit"), "narrative": c("jsoneditnarrative")}),
        )
    )

    # Deletions: an incident, a person, an intervention.
    doomed = last_id(
        vault.run("incident", "add", "--title", c("deletedtitle"), "--tag", c("deletedtag"))
    )
    doomed_person = last_id(vault.run("person", "add", "--name", c("deletedperson")))
    doomed_intervention = last_id(
        vault.run("intervention", "add", str(third), "--actor", c("deletedactor"))
    )
    ok(vault.run("incident", "delete", str(doomed), "--yes"))
    ok(vault.run("person", "delete", str(doomed_person), "--yes"))
    ok(vault.run("intervention", "delete", str(doomed_intervention), "--yes"))

    # Searches for the canary (argv), reads of everything.
    def search(*words: str) -> list[int]:
        return [hit["id"] for hit in json.loads(ok(vault.run("search", "--json", *words)))]

    assert search(c("editedtitle")) == [first]
    assert search(c("renamed")) == [first]  # a linked person's new name
    assert search(c("groupname")) == [second]
    assert search(c("jsontagtwo")) == [third]
    assert search(c("deletedtitle")) == []
    assert sorted(search(canary + "*")) == sorted([first, second, third])
    for listing in (
        ("incident", "list"),
        ("incident", "list", "--json"),
        ("person", "list", "--json"),
        ("intervention", "list", "--json"),
        ("search", canary + "*"),
    ):
        assert canary in ok(vault.run(*listing))

    # Control: every field really holds the canary in the store (the scan is not vacuous).
    shown = json.loads(ok(vault.run("incident", "show", str(first), "--json")))
    assert shown["title"] == c("editedtitle")
    assert shown["narrative"] == f"Rewritten {c('editednarrative')}"
    assert shown["location"] == c("editedlocation")
    assert sorted(shown["tags"]) == sorted([c("tagone"), c("tagtwo"), c("addedtag")])
    (person_link,) = shown["people"]
    assert person_link["name"] == c("renamed")
    assert person_link["consent"]["organisations"] == [c("consentorg")]
    assert person_link["consent"]["note"] == c("consentnote")
    (shown_intervention,) = shown["interventions"]
    assert (shown_intervention["actor"], shown_intervention["notes"]) == (c("actortwo"), canary)
    person_json = json.loads(ok(vault.run("person", "show", str(person), "--json")))
    assert person_json["notes"] == c("renotes")
    group_json = json.loads(ok(vault.run("person", "show", str(group), "--json")))
    assert group_json["links"][0]["consent"]["organisations"] == [c("editedorg")]
    assert group_json["links"][0]["consent"]["note"] == c("editednote")
    second_json = json.loads(ok(vault.run("incident", "show", str(second), "--json")))
    assert (second_json["title"], second_json["narrative"]) == (
        c("jsonedit"),
        c("jsoneditnarrative"),
    )
    assert second_json["location"] == c("jsonlocation")
    assert second_json["tags"] == [c("jsontag")]

    hits = scan(scanned_roots(cenv), canary)
    assert hits == [], f"canary found on disk: {hits}"
    assert_private(cenv.vault)
    assert_no_desktop_traces(cenv)


def test_no_canary_in_a_wal_left_by_a_killed_process(vault: VaultFixture) -> None:
    """A process killed with uncheckpointed frames leaves -wal and -shm: scan them too."""
    cenv = vault.cenv
    canary = "cnry" + secrets.token_hex(10)
    child = (
        "import os, signal, sys\n"
        "from app.device_share import NoDeviceShares\n"
        "from app.models import IncidentInput, PersonInput\n"
        "from app.notebook import Notebook\n"
        "from app.paths import VaultPaths\n"
        "from app.vault import VaultService\n"
        "root, canary = sys.argv[1], sys.argv[2]\n"
        "service = VaultService(VaultPaths(__import__('pathlib').Path(root)), NoDeviceShares())\n"
        "nb = Notebook(service.unlock(sys.stdin.readline().rstrip('\\n')))\n"
        "for n in range(3):\n"
        "    nb.incidents.add(IncidentInput(title=canary + 'walt', narrative=canary * 50,\n"
        "                                   location=canary, tags=(canary + f'tag{n}',)))\n"
        "nb.people.add(PersonInput(name=canary + 'walperson', notes=canary))\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", child, str(cenv.vault), canary],
        input=PASSPHRASE + "\n",
        capture_output=True,
        text=True,
        env=cenv.env,
        cwd=cenv.root,
        timeout=60,
    )
    assert proc.returncode == -9, proc.stderr
    wal = cenv.vault / "store.db-wal"
    assert wal.exists() and wal.stat().st_size > 0, "the killed process left no WAL to scan"
    assert (cenv.vault / "store.db-shm").exists()
    hits = scan(scanned_roots(cenv), canary)
    assert hits == [], f"canary found on disk: {hits}"
    assert_private(cenv.vault)
    # And the frames are real: the next unlock finds the records.
    found = vault.run("search", "--json", canary + "walt")
    assert len(json.loads(ok(found))) == 3
    assert scan(scanned_roots(cenv), canary) == []


def test_vault_left_open_in_process_leaks_nothing(vault: VaultFixture) -> None:
    """The GUI will hold the vault open for hours: scan while the connection is open."""
    from app.device_share import NoDeviceShares
    from app.models import IncidentInput
    from app.notebook import Notebook
    from app.paths import VaultPaths
    from app.vault import VaultService

    cenv = vault.cenv
    assert os.environ["TMPDIR"] == str(cenv.tmpdir)  # this process is isolated as well
    canary = "cnry" + secrets.token_hex(10)
    service = VaultService(VaultPaths(cenv.vault), NoDeviceShares())
    with Notebook(service.unlock(PASSPHRASE)) as notebook:
        ids = notebook.incidents.add_many(
            [
                IncidentInput(title=f"{canary} {n}", narrative=canary * 20, tags=(canary,))
                for n in range(200)
            ]
        )
        notebook.incidents.update(ids[0], IncidentInput(title=canary + "edited"))
        notebook.incidents.delete(ids[1])
        assert len(notebook.search.search(canary, limit=500)) == 198
        assert (cenv.vault / "store.db-wal").stat().st_size > 0
        assert scan(scanned_roots(cenv), canary) == []
        assert_private(cenv.vault)
    assert scan(scanned_roots(cenv), canary) == []


def assert_private(vault_dir: Path) -> None:
    assert stat.S_IMODE(vault_dir.stat().st_mode) == 0o700, oct(vault_dir.stat().st_mode)
    files = []
    for folder, dirs, names in os.walk(vault_dir):
        for name in dirs:
            mode = stat.S_IMODE((Path(folder) / name).stat().st_mode)
            assert mode == 0o700, f"{name}: {oct(mode)}"
        for name in names:
            mode = stat.S_IMODE((Path(folder) / name).stat().st_mode)
            assert mode == 0o600, f"{name}: {oct(mode)}"
            files.append(name)
    assert {"header", "store.db"} <= set(files)


DESKTOP_TRACES = (
    "QtProject",
    "Trolltech.conf",
    "Carnet.conf",
    "carnet.conf",
    "recently-used.xbel",
    "RecentDocuments",
    "thumbnails",
    ".thumbnails",
    "Recent",  # Windows-style recent items, should a port ever write them here
)


def assert_no_desktop_traces(cenv: CarnetEnv) -> None:
    """No Qt settings, recent-files list or thumbnail anywhere under HOME."""
    traces = [
        path
        for folder, dirs, files in os.walk(cenv.home)
        for path in (Path(folder) / name for name in dirs + files)
        if any(part in DESKTOP_TRACES for part in path.relative_to(cenv.home).parts)
        or path.suffix in (".conf", ".ini", ".xbel")
    ]
    assert traces == [], f"desktop traces under HOME: {traces}"


def test_gui_start_leaves_no_settings_or_recent_files(carnet_env: CarnetEnv) -> None:
    """`carnet` without arguments opens the first-run wizard: it must write nothing."""
    child = (
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication(['carnet'])\n"
        "shown = []\n"
        "def done():\n"
        "    shown.extend(w for w in app.topLevelWidgets() if w.isVisible())\n"
        "    for w in app.topLevelWidgets():\n"
        "        w.close()\n"
        "    app.quit()\n"
        "QTimer.singleShot(300, done)\n"
        "from app.__main__ import main\n"
        "code = main([])\n"
        "print('shown:', ','.join(type(w).__name__ for w in shown))\n"
        "sys.exit(code)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", child],
        capture_output=True,
        text=True,
        env=carnet_env.env,
        cwd=carnet_env.root,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "FirstRunWizard" in proc.stdout
    assert_no_desktop_traces(carnet_env)
    assert all_files(Path(carnet_env.env["XDG_CONFIG_HOME"])) == []
