"""A pseudo-language for layout tests: every string of ui/, 40% longer, with accents.

Built from the sources with the lupdate and lrelease PySide6 ships, so a string added
tomorrow is stretched too. Placeholders ({name}, %n) are kept as they are.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_PLACEHOLDER = re.compile(r"(\{[a-z_]+\}|%n|&(?=\w))")
_ACCENTED = str.maketrans("aeiouAEIOUcnCN", "àéîõüÀÉÎÕÜçñÇÑ")


def stretch(text: str) -> str:
    """The padding of a long string comes in words of up to eight, as real languages'
    words do: one 70-character word would make any wrapped label look clipped."""
    parts = _PLACEHOLDER.split(text)
    out = "".join(p if _PLACEHOLDER.fullmatch(p) else p.translate(_ACCENTED) for p in parts)
    padding = "~" * max(2, len(text) * 2 // 5)
    if " " in text:
        padding = " ".join(padding[i : i + 8] for i in range(0, len(padding), 8))
    return f"[{out}{padding}]"


def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def build(directory: Path, language: str = "xx") -> Path:
    """Write carnet_<language>.qm into `directory` and return the folder."""
    ts = directory / f"carnet_{language}.ts"
    sources = sorted(str(p) for p in (ROOT / "ui").rglob("*.py"))
    subprocess.run(
        [
            _tool("pyside6-lupdate"),
            "-silent",
            "-tr-function-alias",
            "tr+=_t",
            "-locations",
            "none",
            *sources,
            "-ts",
            str(ts),
        ],
        check=True,
        capture_output=True,
    )
    tree = ET.parse(ts)
    for message in tree.iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        translation.attrib.pop("type", None)
        if message.get("numerus") == "yes":
            translation.text = None
            for child in list(translation):
                translation.remove(child)
            for _ in range(2):
                ET.SubElement(translation, "numerusform").text = stretch(source)
        else:
            translation.text = stretch(source)
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    subprocess.run(
        [_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(ts.with_suffix(".qm"))],
        check=True,
        capture_output=True,
    )
    return directory
