"""Regenerate resources/countries.json from Debian's iso-codes package (run by hand).

Names in English, French, Spanish and Arabic come from iso-codes' gettext catalogues; the file
is committed so that Carnet needs nothing of the system at run time.
"""

import gettext
import json
import pathlib

SOURCE = pathlib.Path("/usr/share/iso-codes/json/iso_3166-1.json")
TARGET = pathlib.Path(__file__).resolve().parent.parent / "resources" / "countries.json"
LANGUAGES = ("fr", "es", "ar")  # besides English, the names iso-codes gives


def main() -> None:
    entries = json.loads(SOURCE.read_text(encoding="utf-8"))["3166-1"]
    catalogues = {
        lang: gettext.translation(
            "iso_3166-1", localedir="/usr/share/locale", languages=[lang], fallback=False
        )
        for lang in LANGUAGES
    }
    countries = []
    for entry in sorted(entries, key=lambda e: e["alpha_2"]):
        name = entry["name"]
        labels = {lang: catalogues[lang].gettext(name) for lang in LANGUAGES}
        countries.append({"code": entry["alpha_2"], "en": name, **labels})
    TARGET.write_text(
        json.dumps(
            {"source": "iso-codes (ISO 3166-1)", "countries": countries},
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(countries)} countries written to {TARGET}")


if __name__ == "__main__":
    main()
