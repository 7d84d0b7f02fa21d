"""Search at N incidents: SearchService.search against plain SQLite FTS5 on the same rows.

Carnet goes through its real code path (`SearchService.search`: the query rewrite, the
SQLCipher connection exactly as `Database.open` configures it, the hit objects). Plain
SQLite runs the same SQL (`app.search.SEARCH_SQL`: newest first, FTS5 streaming rowid
order under the LIMIT) with the same MATCH string (`app.search.fts_query`), bound and
LIMIT on the standard library's sqlite3, over a database holding the same rows (checked
by digest), so both run the same query plan. The ranked search (`ranked=True`, bm25
over every match, `app.search.RANKED_SEARCH_SQL`) is measured the same way after it.
Both are warmed with one untimed pass over every query, then each timed round runs every
query on both, the order of the two alternating query by query. Percentiles are over
every timed call.

A child process (tests/bench/probe.py) then repeats the same measurement with the one
setting that cannot be switched off inside this process, `cipher_memory_security`, left
OFF, so every run shows what that setting costs. `--diagnose` adds SQL variants (no
snippet, no ranking, count only) and page-cache sizes, to see where the time goes.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from app.search import (
    DEFAULT_LIMIT,
    NO_CURSOR,
    RANKED_SEARCH_SQL,
    SEARCH_SQL,
    SearchService,
    fts_query,
)
from app.vault_creation import PURPOSE_DB_KEY
from tests.bench import data, probe, stores
from tests.bench.common import (
    PASSPHRASE,
    ROOT,
    Workspace,
    median,
    percentile,
    ratio,
    say,
    summary_ms,
    table,
)

TARGET_P95_MS = 20.0
TARGET_RATIO = 1.5
# For --diagnose: the shipped queries, then the same with one part removed at a time.
# Each takes (MATCH, limit); the newest-first ones get their rowid bound from _params.
VARIANTS = {
    "newest first (shipped)": SEARCH_SQL,
    "newest first, no snippet()": SEARCH_SQL.replace(
        "snippet(incident_search, -1, '[', ']', '…', 10)", "''"
    ),
    "ranked (shipped, --ranked)": RANKED_SEARCH_SQL,
    "FTS only, ORDER BY rank": "SELECT rowid, rank FROM incident_search "
    "WHERE incident_search MATCH ? ORDER BY rank LIMIT ?",
    "FTS only, unordered": "SELECT rowid FROM incident_search WHERE incident_search MATCH ? "
    "LIMIT ?",
}


def _params(sql: str, match: str) -> tuple[object, ...]:
    if "s.rowid < ?" in sql:
        return (match, NO_CURSOR, DEFAULT_LIMIT)
    return (match, DEFAULT_LIMIT)


CACHE_SIZES = (-2000, -65536, -262144)

Timings = dict[str, dict[str, list[float]]]  # engine -> query text -> seconds


def run(ws: Workspace, count: int, batch_size: int, rounds: int, diagnose: bool) -> dict[str, Any]:
    say(f"== search: {count:,} incidents, SearchService.search against plain sqlite3 FTS5 ==")
    carnet_store = stores.vault(ws, count, batch_size)
    plain_store = stores.plain(ws, count, batch_size)
    queries = data.queries()
    if carnet_store.vault is None:
        raise RuntimeError("the benchmark vault was not built by this run")
    session = carnet_store.vault.unlock(PASSPHRASE)
    plain = sqlite3.connect(plain_store.path, isolation_level=None)
    diagnostics: dict[str, Any] = {}
    try:
        with ws.phases.time("search/check rows"):
            with session.db.reading() as conn:
                carnet_digest = stores.content_digest(conn)
            plain_digest = stores.content_digest(plain)
        if carnet_digest != plain_digest:
            raise RuntimeError("the vault and the plain SQLite copy do not hold the same rows")
        service = SearchService(session.db)

        def carnet_search(text: str) -> list[int]:
            return [hit.incident_id for hit in service.search(text)]

        def plain_search(text: str) -> list[int]:
            rows = plain.execute(SEARCH_SQL, _params(SEARCH_SQL, fts_query(text))).fetchall()
            return [row[0] for row in rows]

        def carnet_ranked(text: str) -> list[int]:
            return [hit.incident_id for hit in service.search(text, ranked=True)]

        def plain_ranked(text: str) -> list[int]:
            sql = RANKED_SEARCH_SQL
            return [row[0] for row in plain.execute(sql, _params(sql, fts_query(text)))]

        with ws.phases.time("search/timed"):
            timings, same, hits = measure_pair(queries, carnet_search, plain_search, rounds)
        with ws.phases.time("search/timed ranked"):
            ranked_timings, ranked_same, _ = measure_pair(
                queries, carnet_ranked, plain_ranked, rounds
            )
        matches = {
            q.text: plain.execute(
                "SELECT count(*) FROM incident_search WHERE incident_search MATCH ?",
                (fts_query(q.text),),
            ).fetchone()[0]
            for q in queries
        }
        if diagnose:
            with ws.phases.time("search/diagnose"), session.db.reading() as conn:
                diagnostics = _diagnose(queries, conn, plain)
        db_key = session.subkey(PURPOSE_DB_KEY)
    finally:
        plain.close()
        session.close()
    say("  -- newest first (the default: search box, carnet search) --")
    result = _report(queries, timings, same, hits, matches, rounds)
    say("  -- ranked by bm25 (ranked=True, carnet search --ranked) --")
    result["ranked"] = _report(queries, ranked_timings, ranked_same, hits, matches, rounds)
    with ws.phases.time("search/probe (memory security off)"):
        result["memory_security_off"] = _probe(ws, carnet_store, plain_store, db_key, rounds)
    if diagnostics:
        _report_diagnostics(diagnostics)
        result["diagnostics"] = diagnostics
    result["rows_digest_equal"] = True
    result["count"] = count
    say()
    return result


def measure_pair(
    queries: list[data.Query],
    carnet: Callable[[str], list[int]],
    plain: Callable[[str], list[int]],
    rounds: int,
) -> tuple[Timings, int, dict[str, int]]:
    """Warm both, then `rounds` timed passes; returns timings, identical-hit count, hits."""
    same = 0
    hits: dict[str, int] = {}
    for q in queries:
        ids = carnet(q.text)
        same += ids == plain(q.text)
        hits[q.text] = len(ids)
    timings: Timings = {"carnet": defaultdict(list), "plain": defaultdict(list)}
    order = list(queries)
    rng = random.Random(7)
    for r in range(rounds):
        rng.shuffle(order)
        for i, q in enumerate(order):
            pair = (("carnet", carnet), ("plain", plain))
            if (i + r) % 2:
                pair = pair[::-1]
            for name, search in pair:
                start = time.perf_counter()
                search(q.text)
                timings[name][q.text].append(time.perf_counter() - start)
    return {k: dict(v) for k, v in timings.items()}, same, hits


def _all(per_query: dict[str, list[float]]) -> list[float]:
    return [s for values in per_query.values() for s in values]


def _report(
    queries: list[data.Query],
    timings: Timings,
    same: int,
    hits: dict[str, int],
    matches: dict[str, int],
    rounds: int,
) -> dict[str, Any]:
    overall = {engine: summary_ms(_all(per)) for engine, per in timings.items()}
    p95_ratio = ratio(overall["carnet"]["p95_ms"], overall["plain"]["p95_ms"])
    p50_ratio = ratio(overall["carnet"]["p50_ms"], overall["plain"]["p50_ms"])
    say(
        f"  {len(queries)} queries × {rounds} rounds per engine, warm, LIMIT {DEFAULT_LIMIT}; "
        f"same hits (ids and order) on both: {same}/{len(queries)}"
    )
    rows = []
    for engine, label in (("carnet", "Carnet (SQLCipher)"), ("plain", "plain sqlite3")):
        o = overall[engine]
        rows.append([label, o["p50_ms"], o["p95_ms"], o["max_ms"], o["mean_ms"]])
    say(table(["engine", "p50 ms", "p95 ms", "max ms", "mean ms"], rows))
    met_abs = overall["carnet"]["p95_ms"] <= TARGET_P95_MS
    met_ratio = p95_ratio <= TARGET_RATIO
    say(
        f"  p95 Carnet {overall['carnet']['p95_ms']:.2f} ms (target ≤ {TARGET_P95_MS:.0f} ms: "
        f"{'met' if met_abs else 'NOT met'}); p95 ratio Carnet/plain {p95_ratio:.2f}× "
        f"(target ≤ {TARGET_RATIO}×: {'met' if met_ratio else 'NOT met'}); "
        f"p50 ratio {p50_ratio:.2f}×"
    )

    by_category: dict[str, Any] = {}
    rows = []
    for category in sorted({q.category for q in queries}):
        texts = [q.text for q in queries if q.category == category]
        c = summary_ms([s for t in texts for s in timings["carnet"][t]])
        p = summary_ms([s for t in texts for s in timings["plain"][t]])
        counts = sorted(matches[t] for t in texts)
        by_category[category] = {
            "queries": len(texts),
            "carnet": c,
            "plain": p,
            "median_matches": percentile(counts, 50),
            "max_matches": counts[-1],
        }
        rows.append(
            [
                category,
                len(texts),
                int(percentile(counts, 50)),
                counts[-1],
                c["p50_ms"],
                c["p95_ms"],
                p["p50_ms"],
                p["p95_ms"],
                ratio(c["p95_ms"], p["p95_ms"]),
            ]
        )
    say(
        table(
            [
                "category",
                "queries",
                "median matches",
                "max matches",
                "Carnet p50",
                "Carnet p95",
                "plain p50",
                "plain p95",
                "p95 ratio",
            ],
            rows,
        )
    )
    slowest = sorted(queries, key=lambda q: -median(timings["carnet"][q.text]))[:6]
    say(
        "  slowest (Carnet / plain median ms, matching rows): "
        + "; ".join(
            f"{q.text!r} {median(timings['carnet'][q.text]) * 1000:.1f}/"
            f"{median(timings['plain'][q.text]) * 1000:.1f} ({matches[q.text]:,})"
            for q in slowest
        )
    )
    return {
        "queries": len(queries),
        "rounds": rounds,
        "limit": DEFAULT_LIMIT,
        "same_hits": same,
        "carnet": overall["carnet"],
        "plain": overall["plain"],
        "p95_ratio": p95_ratio,
        "p50_ratio": p50_ratio,
        "target_p95_ms": TARGET_P95_MS,
        "target_ratio": TARGET_RATIO,
        "met_p95": met_abs,
        "met_ratio": met_ratio,
        "by_category": by_category,
        "hits_returned": hits,
        "matches": matches,
        "per_query_median_ms": {
            engine: {text: median(v) * 1000 for text, v in per.items()}
            for engine, per in timings.items()
        },
    }


def _probe(
    ws: Workspace,
    carnet_store: stores.Built,
    plain_store: stores.Built,
    db_key: bytes,
    rounds: int,
) -> dict[str, Any]:
    with ws.scratch("search-probe") as folder:
        request = {
            "store": str(carnet_store.path / "store.db"),
            "key": db_key.hex(),
            "plain": str(plain_store.path),
            "rounds": rounds,
            "insert_count": carnet_store.batch_size,
            "scratch": str(folder / "vault"),
        }
        answer = probe.run_probe(request, ws.env(), ROOT)
    carnet = summary_ms(_all(answer["search"]["carnet"]))
    plain = summary_ms(_all(answer["search"]["plain"]))
    p95_ratio = ratio(carnet["p95_ms"], plain["p95_ms"])
    say(
        "  the same in a child process with cipher_memory_security OFF "
        f"(PRAGMA reads {answer['memory_security']}), everything else as shipped:"
    )
    say(
        table(
            ["engine", "p50 ms", "p95 ms", "max ms", "mean ms"],
            [
                ["Carnet, memory security off", *_cols(carnet)],
                ["plain sqlite3 (same child)", *_cols(plain)],
            ],
        )
    )
    first_batch = carnet_store.batch_seconds[0]
    say(
        f"  → p95 {carnet['p95_ms']:.2f} ms, ratio {p95_ratio:.2f}× plain. "
        f"First {answer['insert_count']:,}-incident add_many into an empty vault: "
        f"{answer['insert_s']:.2f} s with memory security off, {first_batch:.2f} s on; "
        f"plain sqlite3 {plain_store.batch_seconds[0]:.2f} s"
    )
    return {
        "carnet": carnet,
        "plain": plain,
        "p95_ratio": p95_ratio,
        "same_hits": answer["same_hits"],
        "memory_security_pragma": answer["memory_security"],
        "first_batch_insert_s": answer["insert_s"],
        "first_batch_insert_s_memory_security_on": first_batch,
        "first_batch_insert_s_plain": plain_store.batch_seconds[0],
        "wall_s": answer["wall_s"],
    }


def _cols(s: dict[str, float]) -> list[float]:
    return [s["p50_ms"], s["p95_ms"], s["max_ms"], s["mean_ms"]]


def _time_sql(conn: Any, sql: str, queries: list[data.Query]) -> dict[str, float]:
    for q in queries:
        conn.execute(sql, _params(sql, fts_query(q.text))).fetchall()
    seconds = []
    for q in queries:
        start = time.perf_counter()
        conn.execute(sql, _params(sql, fts_query(q.text))).fetchall()
        seconds.append(time.perf_counter() - start)
    return summary_ms(seconds)


def _diagnose(queries: list[data.Query], carnet: Any, plain: sqlite3.Connection) -> dict[str, Any]:
    found: dict[str, Any] = {"variants": {}, "cache_size": {}}
    for name, sql in VARIANTS.items():
        found["variants"][name] = {
            "carnet": _time_sql(carnet, sql, queries),
            "plain": _time_sql(plain, sql, queries),
        }
    shipped = carnet.execute("PRAGMA cache_size").fetchone()[0]
    try:
        for size in CACHE_SIZES:
            carnet.execute(f"PRAGMA cache_size = {int(size)}")
            found["cache_size"][str(size)] = _time_sql(carnet, SEARCH_SQL, queries)
    finally:
        carnet.execute(f"PRAGMA cache_size = {int(shipped)}")
    return found


def _report_diagnostics(found: dict[str, Any]) -> None:
    say("  --diagnose: one warm pass per variant (memory security on, as shipped)")
    rows = []
    for name, r in found["variants"].items():
        rows.append(
            [name, r["carnet"]["p50_ms"], r["carnet"]["p95_ms"], r["plain"]["p50_ms"],
             r["plain"]["p95_ms"], ratio(r["carnet"]["p95_ms"], r["plain"]["p95_ms"])]
        )  # fmt: skip
    say(table(["SQL", "Carnet p50", "Carnet p95", "plain p50", "plain p95", "p95 ratio"], rows))
    say(
        table(
            ["Carnet cache_size", "p50 ms", "p95 ms"],
            [[k, v["p50_ms"], v["p95_ms"]] for k, v in found["cache_size"].items()],
        )
    )
