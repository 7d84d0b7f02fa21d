"""`carnet wipe` leaves no trace: the audit of every folder a session can write to.

A whole session goes through the real `carnet` process: init, incidents, a person with
consent, a photo with EXIF and a binary file attached, a bundle sealed into the outbox,
search, lists, `custody verify`, `attachment extract`, then `wipe --yes`. The vault is
in its default place (the user data folder), as most people will have it.

Before the session every path under HOME, each XDG folder, TMPDIR and the processes'
working directory is recorded (files with size and mtime). After the wipe the same
trees are walked again: any path that did not exist before, and any file that changed,
is a trace the wipe left behind (a forensic tool would see it) and fails the test.
During the session, recent-files lists and thumbnail caches are checked, and a canary
placed in a title, a photo's EXIF and inside the binary evidence must appear in no file
at all under those trees, the vault included (its files are ciphertext).

Everything the test itself needs (passphrase files, the evidence to attach) is written
before the first snapshot; what the user chooses to write outside Carnet (the extracted
evidence, the organisation's key file) goes to a folder outside the audited trees.
"""

from __future__ import annotations

import os
import shutil
import stat
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import PASSPHRASE, CarnetEnv, Result, VaultFixture, run_carnet
from tests.image_factory import make_jpeg

XDG_KEYS = (
    "XDG_CONFIG_HOME",
    "XDG_CACHE_HOME",
    "XDG_DATA_HOME",
    "XDG_STATE_HOME",
    "XDG_RUNTIME_DIR",
)
ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")
ORG = "Front Line Defenders"
KEY_PASSPHRASE = "organisation key passphrase"

# path -> None for a folder (or anything that is not a regular file), (size, mtime_ns)
Snapshot = dict[Path, tuple[int, int] | None]


def ok(result: Result) -> str:
    assert result.code == 0, result.err
    return result.out


def last_id(result: Result) -> str:
    return ok(result).strip().splitlines()[-1].split()[0]


# --- the audit ---------------------------------------------------------------------------


def audited_roots(cenv: CarnetEnv) -> list[Path]:
    """HOME, every XDG folder set in the environment, TMPDIR, and the working directory."""
    roots = [cenv.home]
    roots += [Path(cenv.env[key]) for key in XDG_KEYS if cenv.env.get(key)]
    roots += [cenv.tmpdir, cenv.root]  # cenv.root is every carnet process's cwd
    return roots


def snapshot(roots: list[Path]) -> Snapshot:
    entries: Snapshot = {}
    for root in roots:
        if not root.exists():
            continue
        entries[root] = None
        for folder, dirs, files in os.walk(root, followlinks=False):
            for name in dirs:
                entries[Path(folder) / name] = None
            for name in files:
                path = Path(folder) / name
                info = path.lstat()
                entries[path] = (
                    (info.st_size, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None
                )
    return entries


def describe(path: Path) -> str:
    try:
        info = path.lstat()
    except FileNotFoundError:
        return f"{path} (gone)"
    if stat.S_ISDIR(info.st_mode):
        return f"{path}/ (folder)"
    if stat.S_ISREG(info.st_mode):
        return f"{path} ({info.st_size} bytes)"
    return f"{path} (mode {oct(info.st_mode)})"


def new_traces(before: Snapshot, after: Snapshot) -> list[str]:
    """Paths that exist now and did not before, and files whose size or mtime changed."""
    traces = [describe(path) for path in sorted(set(after) - set(before))]
    traces += [
        f"{path} (changed: {before[path]} -> {after[path]})"
        for path in sorted(set(after) & set(before))
        if before[path] is not None and after[path] != before[path]
    ]
    return traces


@dataclass(frozen=True)
class Hit:
    path: Path
    needle: str
    encoding: str


def scan(roots: list[Path], needles: list[str]) -> list[Hit]:
    """Every file (or folder) under `roots` whose name or bytes hold one of `needles`."""
    patterns = [(text, enc, text.encode(enc)) for text in needles for enc in ENCODINGS]
    hits: list[Hit] = []
    seen: set[Path] = set()
    for root in roots:
        for folder, dirs, files in os.walk(root, followlinks=False):
            for name in dirs + files:
                path = Path(folder) / name
                if path in seen:
                    continue  # the XDG folders are also under HOME
                seen.add(path)
                hits += [
                    Hit(path, t, "file name") for t in needles if t.casefold() in name.casefold()
                ]
                if name in files and stat.S_ISREG(path.lstat().st_mode):
                    data = path.read_bytes()
                    hits += [Hit(path, t, enc) for t, enc, raw in patterns if raw in data]
    return hits


def regular_files(folder: Path) -> set[Path]:
    return {
        Path(parent) / name
        for parent, _, names in os.walk(folder, followlinks=False)
        for name in names
    }


THUMBNAIL_DIRS = ("XDG_CACHE_HOME:thumbnails", "HOME:.thumbnails")


def thumbnail_files(cenv: CarnetEnv) -> set[Path]:
    found: set[Path] = set()
    for spec in THUMBNAIL_DIRS:
        key, name = spec.split(":")
        found |= regular_files(Path(cenv.env[key]) / name)
    return found


# --- the session -------------------------------------------------------------------------


@dataclass
class Session:
    cenv: CarnetEnv
    vault: VaultFixture
    canary: str
    needles: list[str]
    outside: Path  # the user's own folder, outside every audited tree
    photo: Path
    notes: Path
    org_pass: Path
    thumbnails_before: set[Path] = field(default_factory=set)


def prepare(cenv: CarnetEnv, tmp_path: Path) -> Session:
    """Everything the test brings, written before the first snapshot; the vault path set."""
    from app.paths import default_vault_dir

    # The default place, as most people will have it: resolved in this process, which
    # carnet_env gave the same XDG folders as the carnet processes.
    cenv.vault = default_vault_dir()
    assert cenv.vault.is_relative_to(Path(cenv.env["XDG_DATA_HOME"])), cenv.vault
    assert not cenv.vault.exists()

    token = uuid.uuid4().hex
    canary = f"CANARY-TRACE-{token}"
    # The token alone too: the search index splits the canary at its hyphens.
    needles = [canary, canary.lower(), token]
    outside = tmp_path / "user-files"
    outside.mkdir()
    for root in audited_roots(cenv):
        assert not outside.is_relative_to(root), f"{outside} is inside audited {root}"
    names = uuid.uuid4().hex[:12]  # evidence names, checked in recently-used lists
    photo = outside / f"IMG_{names}.jpg"
    make_jpeg(photo, make=f"{canary}-cam", model="Witness 7", gps=(14.69, -17.44, 12.0))
    notes = outside / f"notes-{names}.bin"
    notes.write_bytes(
        os.urandom(40_000)
        + canary.encode("utf-8")
        + os.urandom(20_000)
        + canary.encode("utf-16-le")
        + os.urandom(40_000)
    )
    pw_file = cenv.secret_file(PASSPHRASE)
    org_pass = cenv.secret_file(KEY_PASSPHRASE, "org.key.pass")
    vault = VaultFixture(cenv, PASSPHRASE, pw_file, recovery_key="")
    return Session(cenv, vault, canary, needles, outside, photo, notes, org_pass)


def run_session(s: Session) -> None:
    """Everything but the wipe; the extracted file is checked, then deleted by the user."""
    cenv, v = s.cenv, s.vault
    ok(
        run_carnet(
            cenv,
            "init",
            "--kdf-profile",
            "interactive",
            "--no-keyring",
            "--new-passphrase-file",
            str(v.passphrase_file),
        )
    )
    assert (cenv.vault / "header").is_file()
    incident = last_id(
        v.run(
            "incident",
            "add",
            "--title",
            f"Raid on the office {s.canary}",
            "--narrative-file",
            "-",
            "--date",
            "2024-03-05",
            "--country",
            "SN",
            "--violation",
            "arbitrary-detention",
            "--tag",
            "raid",
            stdin="Three defenders taken away at dawn.\n",
        )
    )
    ok(v.run("incident", "add", "--title", "Threats by phone", "--date", "2024-02"))
    ok(
        v.run(
            "person",
            "add",
            "--name",
            "Awa Diallo",
            "--incident",
            incident,
            "--role",
            "victim",
            "--consent",
            "share",
            "--consent-org",
            ORG,
        )
    )
    attached = ok(v.run("attach", incident, str(s.photo), str(s.notes))).splitlines()
    assert len(attached) == 2, attached
    notes_id = next(line.split()[0] for line in attached if line.endswith(s.notes.name))
    ok(v.run("attachment", "list", incident))

    # The organisation's side: its key file is its own choice of place (outside).
    org_key = s.outside / "org.key"
    public = ok(
        run_carnet(
            cenv,
            "keygen",
            "--out",
            str(org_key),
            "--new-passphrase-file",
            str(s.org_pass),
            "--kdf-profile",
            "interactive",
        )
    ).splitlines()[0]
    ok(v.run("destination", "add", ORG, "--key", public))
    bundle = Path(
        ok(
            v.run(
                "export",
                "--to",
                ORG,
                "--incident",
                incident,
                "--strip-metadata",
                "--unstripped-files",
                "include",  # the binary has no strip: shipped as is
            )
        ).strip()
    )
    assert bundle.is_file() and bundle.is_relative_to(cenv.vault), bundle
    assert_no_recent_files_or_thumbnails(s)
    ok(v.run("outbox", "list"))

    hits = ok(v.run("search", s.canary)).splitlines()
    assert [line.split()[0] for line in hits] == [incident], hits
    ok(v.run("incident", "list"))
    ok(v.run("person", "list"))
    ok(v.run("custody", "verify"))

    chosen = s.outside / "extracted"
    chosen.mkdir()
    extracted = Path(ok(v.run("attachment", "extract", notes_id, "--out", str(chosen))).strip())
    assert extracted == chosen / s.notes.name, extracted
    assert extracted.read_bytes() == s.notes.read_bytes()
    extracted.unlink()  # the user's own file, in the user's own folder


def assert_no_recent_files_or_thumbnails(s: Session) -> None:
    """No recent-files entry naming Carnet, the vault or the evidence; no new thumbnail."""
    cenv = s.cenv
    telltales = ["carnet", str(cenv.vault), s.photo.name, s.notes.name, *s.needles]
    recent = [
        path
        for root in audited_roots(cenv)
        for path in regular_files(root)
        if path.name == "recently-used.xbel"
    ]
    for path in recent:
        text = path.read_bytes().decode("utf-8", "replace").casefold()
        named = [t for t in telltales if t.casefold() in text]
        assert named == [], f"{path} mentions {named}"
    thumbnails = thumbnail_files(cenv) - s.thumbnails_before
    assert thumbnails == set(), f"thumbnails made during the session: {sorted(thumbnails)}"


# --- the tests ---------------------------------------------------------------------------


def test_wipe_leaves_no_new_path_behind(carnet_env: CarnetEnv, tmp_path: Path) -> None:
    s = prepare(carnet_env, tmp_path)
    roots = audited_roots(carnet_env)
    before = snapshot(roots)
    s.thumbnails_before = thumbnail_files(carnet_env)

    run_session(s)
    during = new_traces(before, snapshot(roots))
    assert any(str(carnet_env.vault) in line for line in during), during  # the audit sees it

    result = run_carnet(carnet_env, "wipe", "--yes")
    assert result.code == 0, result.err
    assert "unreadable after" in result.out
    shutil.rmtree(s.outside)  # the user's own folder (sources, org key): not Carnet's

    assert not carnet_env.vault.exists()
    left = new_traces(before, snapshot(roots))
    assert left == [], "left behind after `carnet wipe`:\n  " + "\n  ".join(left)


def test_canary_is_in_no_file_under_the_audited_trees(
    carnet_env: CarnetEnv, tmp_path: Path
) -> None:
    s = prepare(carnet_env, tmp_path)
    roots = audited_roots(carnet_env)
    # Positive controls: the needles are in the evidence as it was attached.
    assert {h.encoding for h in scan([s.outside], s.needles) if h.path == s.notes} >= {
        "utf-8",
        "utf-16-le",
    }
    assert scan(roots, s.needles) == []
    s.thumbnails_before = thumbnail_files(carnet_env)

    run_session(s)

    vault_files = regular_files(carnet_env.vault)
    assert carnet_env.vault / "store.db" in vault_files
    assert any("blobs" in p.parts for p in vault_files) and any(
        "outbox" in p.parts for p in vault_files
    ), sorted(vault_files)
    hits = scan(roots, s.needles)
    assert hits == [], "canary found on disk:\n  " + "\n  ".join(map(str, hits))


def test_the_audit_sees_a_planted_trace(carnet_env: CarnetEnv) -> None:
    """Control: a cache file left by a wipe, or a canary in a temp file, is reported."""
    roots = audited_roots(carnet_env)
    mine = carnet_env.secret_file("first")
    before = snapshot(roots)
    mine.write_text("a longer second version\n")
    cache = Path(carnet_env.env["XDG_CACHE_HOME"]) / "Carnet"
    cache.mkdir()
    (cache / "leftover").write_bytes(b"")
    (carnet_env.tmpdir / "tmpab12").write_bytes(b"x" + "CANARY-TRACE-0f".encode("utf-16-le"))
    left = new_traces(before, snapshot(roots))
    assert left[:3] == [
        f"{cache}/ (folder)",
        f"{cache / 'leftover'} (0 bytes)",
        describe(carnet_env.tmpdir / "tmpab12"),
    ]
    assert len(left) == 4 and left[3].startswith(f"{mine} (changed: "), left
    assert [(h.path.name, h.encoding) for h in scan(roots, ["CANARY-TRACE-0f"])] == [
        ("tmpab12", "utf-16-le")
    ]
