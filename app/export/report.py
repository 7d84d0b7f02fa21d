"""`report.html`: the bundle's human-readable report, self-contained and printable.

No external resource of any kind (fonts, scripts, images by URL): images appear as small
JPEG thumbnails in data: URIs, re-encoded without metadata. Every value that came from
the defender's records is HTML-escaped. Arabic reports are laid out right to left.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from PIL import Image, ImageOps

from app.errors import RefusedFileError
from app.evidence.images import PILLOW_FORMATS, bomb_guard, check_pixels

THUMBNAIL_PIXELS = 240
MAX_THUMBNAIL_SOURCE_BYTES = 64 * 1024 * 1024
RTL_LANGUAGES = ("ar",)

_STYLE = """
body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#111;
line-height:1.45}
h1{font-size:1.6em}h2{font-size:1.3em;border-bottom:1px solid #999;margin-top:2em}
h3{font-size:1.1em;margin-top:1.5em}table{border-collapse:collapse;width:100%;margin:.5em 0}
td,th{border:1px solid #bbb;padding:.25em .5em;text-align:start;vertical-align:top;font-size:.92em}
.hash{font-family:monospace;font-size:.85em;word-break:break-all}.muted{color:#555}
.narrative{white-space:pre-wrap}img{max-width:240px;max-height:240px}
section.incident{page-break-inside:avoid}
"""


@cache
def _strings() -> dict[str, dict[str, str]]:
    text = resources.files("resources").joinpath("report_strings.json").read_text("utf-8")
    data: dict[str, dict[str, str]] = json.loads(text)
    return data


def strings(language: str) -> dict[str, str]:
    table = _strings()
    return {**table["en"], **table.get(language, {})}


def thumbnail(data: bytes, media_type: str) -> str | None:
    """A data: URI of a small JPEG of an image, or None if it cannot be made safely.

    Only the one Pillow format its media type names is tried, as at intake
    (images.PILLOW_FORMATS: Pillow would otherwise guess among every decoder it has, EPS
    and its Ghostscript call included), under intake's
    decompression-bomb guard (images.bomb_guard and check_pixels): a refused image gets
    no thumbnail, and the report says nothing more about it.
    """
    read_format = PILLOW_FORMATS.get(media_type)
    if len(data) > MAX_THUMBNAIL_SOURCE_BYTES or read_format is None:
        return None
    try:
        with (
            bomb_guard("the image"),
            Image.open(io.BytesIO(data), formats=[read_format]) as image,
        ):
            check_pixels("the image", image.size)
            image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            upright = ImageOps.exif_transpose(image).convert("RGB")
            out = io.BytesIO()
            upright.save(out, "JPEG", quality=80)
    except RefusedFileError:
        return None
    except Exception:  # Pillow raises many types on hostile input; none is shown
        return None
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def render(
    document: Mapping[str, Any],
    custody: Sequence[Mapping[str, Any]],
    thumbnails: Mapping[str, str],
    *,
    created_at: str,
    sender_fingerprint: str | None,
    language: str,
) -> str:
    t = strings(language)
    e = html.escape
    direction = "rtl" if language in RTL_LANGUAGES else "ltr"
    people = {p["ref"]: p for p in document["people"]}
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{e(language)}" dir="{direction}"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">",
        f"<title>{e(t['title'])}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{e(t['title'])}</h1>",
        f"<p>{e(t['intro'])}</p>",
        f"<p>{e(t['created'])}: {e(created_at)}<br>",
        (
            f"{e(t['sender'])}: <span class=hash>{e(sender_fingerprint)}</span>"
            if sender_fingerprint
            else e(t["unsigned"])
        ),
        "</p>",
        f"<h2>{e(t['incidents'])}</h2>",
    ]
    for event in document["events"]:
        parts.append('<section class="incident">')
        parts.append(f"<h3>{e(event['title'])}</h3>")
        rows = [
            (t["date"], event["date"]["text"] or "—"),
            (t["location"], event["location"]["text"] or "—"),
            (t["country"], event["location"]["country"] or "—"),
            (t["status"], event["status"]),
            (t["violations"], ", ".join(a["label"] for a in event["acts"]) or "—"),
            (t["tags"], ", ".join(event["tags"]) or "—"),
        ]
        parts.append("<table>")
        parts.extend(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in rows)
        parts.append("</table>")
        if event["description"]:
            parts.append(f"<h4>{e(t['narrative'])}</h4>")
            parts.append(f'<div class="narrative">{e(event["description"])}</div>')
        parts.append(f"<h4>{e(t['people'])}</h4>")
        parts.append(_people_table(event, people, t) if event["involvements"] else e(t["none"]))
        parts.append(f"<h4>{e(t['interventions'])}</h4>")
        if event["interventions"]:
            parts.append("<table>")
            for item in event["interventions"]:
                parts.append(
                    f"<tr><td>{e(item['date'] or '—')}</td><td>{e(item['type'])}</td>"
                    f"<td>{e(item['actor'])}</td><td>{e(item['status'])}</td>"
                    f"<td>{e(item['notes'])}</td></tr>"
                )
            parts.append("</table>")
        else:
            parts.append(e(t["none"]))
        parts.append(f"<h4>{e(t['attachments'])}</h4>")
        if event["attachments"]:
            parts.append(_files_table(event["attachments"], thumbnails, t))
        else:
            parts.append(e(t["none"]))
        parts.append("</section>")
    parts.append(f"<h2>{e(t['custody'])}</h2><table>")
    parts.append(
        f"<tr><th>#</th><th>{e(t['time'])}</th><th>{e(t['action'])}</th>"
        f"<th>{e(t['subject'])}</th><th>SHA-256</th></tr>"
    )
    for row in custody:
        digest = row.get("details", {}).get("sha256", "")
        parts.append(
            f"<tr><td>{e(str(row['seq']))}</td><td>{e(row['at'])}</td><td>{e(row['action'])}</td>"
            f"<td>{e(row['subject'])}</td><td class=hash>{e(str(digest))}</td></tr>"
        )
    parts.append("</table></body></html>")
    return "\n".join(parts)


def _people_table(event: Mapping[str, Any], people: Mapping[str, Any], t: Mapping[str, str]) -> str:
    e = html.escape
    rows = ["<table>"]
    for involvement in event["involvements"]:
        person = people[involvement["person"]]
        note = ""
        if not person["named"]:
            note = t["pseudonym_note"].replace("%s", person["consent"])
        elif person["consent"] != "consented":
            note = t["named_without_consent"]
        rows.append(
            f"<tr><td>{e(person['name'])}</td><td>{e(person['kind'])}</td>"
            f"<td>{e(involvement['role'])}</td><td class=muted>{e(note)}</td></tr>"
        )
    rows.append("</table>")
    return "".join(rows)


def _files_table(
    files: Sequence[Mapping[str, Any]], thumbnails: Mapping[str, str], t: Mapping[str, str]
) -> str:
    e = html.escape
    rows = [
        f"<table><tr><th></th><th>{e(t['name'])}</th><th>{e(t['type'])}</th>"
        f"<th>{e(t['size'])}</th><th>{e(t['captured'])}</th><th>SHA-256</th></tr>"
    ]
    for item in files:
        thumb = thumbnails.get(item["path"])
        image = f'<img alt="" src="{thumb}">' if thumb else ""
        stripped_note = t["stripped"].replace("%s", item["original_sha256"])
        note = f"<br><span class=muted>{e(stripped_note)}</span>" if item["stripped"] else ""
        rows.append(
            f"<tr><td>{image}</td><td>{e(item['name'])}</td><td>{e(item['media_type'])}</td>"
            f"<td>{e(str(item['size']))}</td><td>{e(item['captured_at'] or '—')}</td>"
            f"<td class=hash>{e(item['sha256'])}{note}</td></tr>"
        )
    rows.append("</table>")
    return "".join(rows)
