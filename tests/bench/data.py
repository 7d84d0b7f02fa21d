"""Deterministic, realistic synthetic incidents and the fixed set of search queries.

Everything here comes from `random.Random(seed)`: the same seed gives byte-for-byte the
same incidents and queries on every machine, so two runs (or two engines) always work on
the same rows. The text is shaped like real documentation: English and French narratives
of several sentences built from the kinds of sentence a defender writes (who, where, by
whom, what happened after), people's names, places, organisations, and a long tail of
rarer words (organisation, street and district names) so the full-text index has a
Zipf-like vocabulary rather than a few hundred words.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass

from app.models import IncidentInput

SEED = 20240611
LEXICON_SIZE = 20_000

# (first name, "" for a man or "e" for a woman: French past participles agree with it)
FIRST_NAMES = (
    ("Aminata", "e"), ("Moussa", ""), ("Fatou", "e"), ("Ibrahima", ""), ("Mariam", "e"),
    ("Youssef", ""), ("Leïla", "e"), ("Samir", ""), ("Nadia", "e"), ("Karim", ""),
    ("Jean-Claude", ""), ("Marie", "e"), ("Pierre", ""), ("Claire", "e"), ("Ahmed", ""),
    ("Hassan", ""), ("Omar", ""), ("Salma", "e"), ("Grace", "e"), ("Esther", "e"),
    ("Patrick", ""), ("Joseph", ""), ("Amina", "e"), ("Khadija", "e"), ("Olivier", ""),
    ("Sophie", "e"), ("Luc", ""), ("Béatrice", "e"), ("Chantal", "e"), ("Thérèse", "e"),
    ("Emmanuel", ""), ("Désiré", ""), ("Hélène", "e"), ("Rania", "e"), ("Tariq", ""),
    ("Zainab", "e"), ("Daniel", ""), ("Ruth", "e"), ("Samuel", ""), ("Agnès", "e"),
    ("Rafael", ""), ("Lucía", "e"), ("Carlos", ""), ("María José", "e"), ("Andrés", ""),
    ("Nguyen", ""), ("Thu", "e"), ("Aung", ""), ("Su", "e"), ("Ramesh", ""),
    ("Priya", "e"), ("Farida", "e"), ("Yerlan", ""), ("Aigerim", "e"), ("Giorgi", ""),
    ("Nino", "e"), ("Olena", "e"), ("Dmitri", ""), ("Fatima", "e"), ("Mohamed", ""),
)  # fmt: skip
SURNAMES = (
    "Diallo", "Traoré", "Ndiaye", "Koné", "Sow", "Ba", "Camara", "Okafor", "Mukamana",
    "Habimana", "Nkurunziza", "Mensah", "Asante", "Benali", "El Amrani", "Haddad",
    "Khalil", "Nasser", "Dupont", "Lefèvre", "Moreau", "Girard", "Kabongo", "Mutombo",
    "Ilunga", "Tshibanda", "Mwangi", "Otieno", "Wanjiru", "Achieng", "Okello", "Nakato",
    "Moyo", "Chikwanha", "Banda", "Phiri", "Adeyemi", "Bello", "Abubakar", "Osei",
    "Tesfaye", "Gebremedhin", "Abdelrahman", "Osman", "Deng", "Santos", "Reyes",
    "Hernández", "Gómez", "Pérez", "Castillo", "Morales", "Tran", "Pham", "Win", "Thapa",
    "Sharma", "Rahman", "Hossain", "Perera", "Fernando", "Abenov", "Nurlanovna",
    "Beridze", "Kovalenko", "Ivanova", "Aliyev", "Mammadova", "Hamdi", "Bouazizi",
    "Saidi", "Cissé", "Keïta", "Sankara", "Ouédraogo", "Zongo", "Kaboré", "Bamba",
    "Yao", "Kouassi",
)  # fmt: skip
# (city, ISO country code, language of the narrative, latitude, longitude)
PLACES = (
    ("Dakar", "SN", "fr", 14.69, -17.44), ("Saint-Louis", "SN", "fr", 16.03, -16.49),
    ("Bamako", "ML", "fr", 12.64, -8.00), ("Ouagadougou", "BF", "fr", 12.37, -1.53),
    ("Abidjan", "CI", "fr", 5.36, -4.01), ("Kinshasa", "CD", "fr", -4.32, 15.31),
    ("Goma", "CD", "fr", -1.68, 29.22), ("Bukavu", "CD", "fr", -2.51, 28.86),
    ("Lubumbashi", "CD", "fr", -11.66, 27.48), ("Bujumbura", "BI", "fr", -3.38, 29.36),
    ("Douala", "CM", "fr", 4.05, 9.77), ("Yaoundé", "CM", "fr", 3.87, 11.52),
    ("Niamey", "NE", "fr", 13.51, 2.11), ("Conakry", "GN", "fr", 9.64, -13.58),
    ("Lomé", "TG", "fr", 6.13, 1.22), ("Cotonou", "BJ", "fr", 6.37, 2.39),
    ("N'Djamena", "TD", "fr", 12.13, 15.06), ("Port-au-Prince", "HT", "fr", 18.54, -72.34),
    ("Tunis", "TN", "fr", 36.81, 10.18), ("Alger", "DZ", "fr", 36.75, 3.06),
    ("Rabat", "MA", "fr", 34.02, -6.84), ("Casablanca", "MA", "fr", 33.57, -7.59),
    ("Beyrouth", "LB", "fr", 33.89, 35.50), ("Antananarivo", "MG", "fr", -18.88, 47.51),
    ("Nairobi", "KE", "en", -1.29, 36.82), ("Mombasa", "KE", "en", -4.04, 39.67),
    ("Kampala", "UG", "en", 0.35, 32.58), ("Harare", "ZW", "en", -17.83, 31.05),
    ("Lagos", "NG", "en", 6.52, 3.38), ("Abuja", "NG", "en", 9.08, 7.40),
    ("Accra", "GH", "en", 5.60, -0.19), ("Addis Ababa", "ET", "en", 9.03, 38.74),
    ("Khartoum", "SD", "en", 15.50, 32.56), ("Juba", "SS", "en", 4.85, 31.58),
    ("Lusaka", "ZM", "en", -15.39, 28.32), ("Manila", "PH", "en", 14.60, 120.98),
    ("Dhaka", "BD", "en", 23.81, 90.41), ("Colombo", "LK", "en", 6.93, 79.86),
    ("Kathmandu", "NP", "en", 27.72, 85.32), ("Karachi", "PK", "en", 24.86, 67.01),
    ("Cairo", "EG", "en", 30.04, 31.24), ("Amman", "JO", "en", 31.95, 35.93),
    ("Istanbul", "TR", "en", 41.01, 28.98), ("Tbilisi", "GE", "en", 41.72, 44.79),
    ("Almaty", "KZ", "en", 43.24, 76.89), ("Baku", "AZ", "en", 40.41, 49.87),
    ("Minsk", "BY", "en", 53.90, 27.56), ("Caracas", "VE", "en", 10.48, -66.90),
    ("Bogotá", "CO", "en", 4.71, -74.07), ("Tegucigalpa", "HN", "en", 14.07, -87.19),
    ("Managua", "NI", "en", 12.11, -86.24), ("Guatemala City", "GT", "en", 14.63, -90.51),
    ("Mexico City", "MX", "en", 19.43, -99.13), ("Yangon", "MM", "en", 16.87, 96.20),
    ("Phnom Penh", "KH", "en", 11.56, 104.93), ("Hanoi", "VN", "en", 21.03, 105.85),
    ("Jakarta", "ID", "en", -6.21, 106.85),
)  # fmt: skip
VIOLATIONS = (
    "arbitrary-detention", "enforced-disappearance", "torture-ill-treatment",
    "extrajudicial-killing", "threats-intimidation", "physical-attack",
    "sexual-gender-violence", "judicial-harassment", "surveillance",
    "device-seizure-hacking", "raid", "travel-ban", "defamation-campaign",
    "restriction-assembly", "restriction-association", "restriction-expression",
    "internet-shutdown", "forced-eviction-land-grab", "reprisal-un-cooperation", "other",
)  # fmt: skip
VIOLATION_WEIGHTS = (14, 5, 6, 2, 16, 8, 3, 10, 5, 4, 5, 3, 4, 5, 3, 6, 2, 4, 2, 3)
TAGS = (
    "urgent", "follow-up", "verified-source", "elections", "land", "press-freedom",
    "women-hrd", "lgbti", "environment", "students", "trade-union", "cross-border",
    "medical", "court-monitoring", "appeal-sent", "relocation", "legal-aid", "mining",
    "indigenous", "online",
)  # fmt: skip
STATUSES = ("draft", "documented", "verified", "shared")
SENSITIVITIES = ("low", "medium", "high")

EN = {
    "profession": (
        "journalist", "lawyer", "trade unionist", "teacher", "student leader",
        "land rights activist", "environmental defender", "blogger", "community leader",
        "doctor", "women's rights activist", "LGBTI activist", "human rights monitor",
        "radio presenter", "photographer",
    ),
    "actor": (
        "police officers", "plain-clothes agents", "soldiers", "gendarmes",
        "unidentified armed men", "intelligence officers", "militia members",
        "municipal guards", "riot police", "men in an unmarked car",
    ),
    "topic": (
        "land seizures", "corruption in the mining sector", "police violence",
        "the elections", "forced evictions", "water pollution", "prison conditions",
        "the budget of the ministry of health", "logging concessions",
        "the killing of protesters", "conditions in the camps", "the new cybercrime law",
    ),
    "charge": (
        "spreading false news", "undermining state security", "insulting the head of state",
        "taking part in an unauthorised gathering", "terrorism", "criminal defamation",
        "cybercrime", "incitement to rebellion", "membership of an illegal organisation",
    ),
    "place": (
        "their home", "the central market", "a checkpoint", "the bus station",
        "the university campus", "the courthouse", "the offices of {org}",
        "a café on {street}", "the airport", "their workplace",
    ),
}  # fmt: skip
FR = {
    "profession": (
        "journaliste", "avocat{e}", "syndicaliste", "enseignant{e}", "leader étudiant{e}",
        "militant{e} pour le droit à la terre", "défenseur{e} de l'environnement",
        "blogueur{e}", "responsable communautaire", "médecin", "militant{e} des droits des femmes",
        "militant{e} LGBTI", "observateur{e} des droits humains", "animateur{e} radio",
        "photographe",
    ),
    "actor": (
        "des policiers", "des agents en civil", "des militaires", "des gendarmes",
        "des hommes armés non identifiés", "des agents du renseignement",
        "des miliciens", "des gardes municipaux", "des éléments de la police anti-émeute",
        "des hommes à bord d'un véhicule banalisé",
    ),
    "topic": (
        "l'accaparement des terres", "la corruption dans le secteur minier",
        "les violences policières", "les élections", "les expulsions forcées",
        "la pollution de l'eau", "les conditions de détention", "le budget de la santé",
        "les concessions forestières", "la mort de manifestants",
        "la situation dans les camps", "la nouvelle loi sur la cybercriminalité",
    ),
    "charge": (
        "diffusion de fausses nouvelles", "atteinte à la sûreté de l'État",
        "offense au chef de l'État", "participation à un attroupement non autorisé",
        "terrorisme", "diffamation", "cybercriminalité", "incitation à la révolte",
        "appartenance à une organisation illégale",
    ),
    "place": (
        "son domicile", "le marché central", "un poste de contrôle", "la gare routière",
        "le campus universitaire", "le palais de justice", "les locaux de {org}",
        "un café de la {street}", "l'aéroport", "son lieu de travail",
    ),
}  # fmt: skip

EN_OPENING = (
    "On {date}, {person}, a {profession}, was arrested by {actor} at {place} in {city}.",
    "{person}, a {profession} working with {org}, was detained by {actor} in {district}, "
    "{city}, on {date}.",
    "On {date}, {actor} dispersed a peaceful gathering organised by {org} near {place} in {city}.",
    "{person}, a {profession} based in {city}, received anonymous threats after publishing "
    "a report on {topic}.",
    "On the night of {date}, {actor} raided the offices of {org} in {district}, {city}.",
    "{person} has been missing since {date}, when {actor} took them from {place} in {city}.",
)
EN_BODY = (
    "Witnesses said that {actor} used tear gas and beat several participants.",
    "The family was not told where {person} was being held for {n} days.",
    "{person} reported being beaten during interrogation and was denied access to a lawyer.",
    "Laptops, phones and documents belonging to {org} were seized and have not been returned.",
    "{person} had recently spoken publicly about {topic}.",
    "A court in {city} later charged {person} with {charge}.",
    "Internet access was cut in {city} for {n} days during the protests.",
    "Local sources confirmed that {n} people were injured and taken to hospital.",
    "Lawyers for {person} filed a complaint, which has not been examined.",
    "The incident was documented by {org} and verified with two independent witnesses.",
    "{person} has since left {city} and is in hiding with relatives.",
    "Messages circulating on social media accused {person} of working for foreign interests.",
    "A colleague, {person2}, was questioned the same day and released without charge.",
    "The authorities have not responded to requests for information.",
    "A medical examination recorded bruises on the arms and back.",
    "Neighbours in {district} reported that the house had been watched for weeks.",
    "The hearing was postponed {n} times, and {person} remains in pre-trial detention.",
    "Staff of {org} say their phones showed signs of spyware after the arrest.",
    "An urgent appeal was sent to the special rapporteur on human rights defenders.",
    "Relatives were asked to pay a bribe to visit {person} at the station on {street}.",
)
FR_OPENING = (
    "Le {date}, {person}, {profession}, a été arrêté{e} par {actor} devant {place} à {city}.",
    "{person}, {profession} membre de {org}, a été interpellé{e} par {actor} dans le quartier "
    "{district} à {city}, le {date}.",
    "Le {date}, {actor} ont dispersé une manifestation pacifique organisée par {org} près "
    "de {place} à {city}.",
    "{person}, {profession} à {city}, a reçu des menaces anonymes après la publication d'un "
    "rapport sur {topic}.",
    "Dans la nuit du {date}, {actor} ont perquisitionné les locaux de {org} dans le quartier "
    "{district} à {city}.",
    "{person} est porté{e} disparu{e} depuis le {date}, jour où {actor} l'ont emmené{e} "
    "depuis {place} à {city}.",
)
FR_BODY = (
    "Selon des témoins, {actor} ont fait usage de gaz lacrymogène et frappé plusieurs "
    "participants.",
    "La famille n'a pas été informée du lieu de détention pendant {n} jours.",
    "{person} affirme avoir été frappé{e} pendant l'interrogatoire et privé{e} d'avocat.",
    "Des ordinateurs, des téléphones et des documents de {org} ont été saisis.",
    "{person} s'était récemment exprimé{e} publiquement sur {topic}.",
    "Un tribunal de {city} a ensuite inculpé {person} pour {charge}.",
    "L'accès à Internet a été coupé à {city} pendant {n} jours au moment des manifestations.",
    "Des sources locales confirment que {n} personnes ont été blessées et hospitalisées.",
    "Les avocats de {person} ont déposé une plainte qui n'a pas encore été examinée.",
    "L'incident a été documenté par {org} et vérifié auprès de deux témoins indépendants.",
    "{person} a depuis quitté {city} et vit dans la clandestinité chez des proches.",
    "Des messages diffusés sur les réseaux sociaux accusent {person} de travailler pour "
    "l'étranger.",
    "Un collègue, {person2}, a été entendu le même jour puis relâché sans inculpation.",
    "Les autorités n'ont pas répondu aux demandes d'information.",
    "Un examen médical a constaté des ecchymoses sur les bras et le dos.",
    "Des voisins du quartier {district} indiquent que la maison était surveillée depuis des "
    "semaines.",
    "L'audience a été reportée {n} fois et {person} reste en détention provisoire.",
    "Le personnel de {org} a constaté des signes de logiciel espion sur ses téléphones.",
    "Un appel urgent a été adressé au rapporteur spécial sur les défenseurs des droits humains.",
    "Les proches ont dû verser de l'argent pour rendre visite à {person} au commissariat de "
    "la {street}.",
)
EN_TITLES = (
    "{profession_cap} arrested in {city}",
    "Detention of {person} in {city}",
    "Threats against {person}",
    "Raid on the offices of {org}",
    "Peaceful protest dispersed in {city}",
    "Disappearance of {person}",
    "{person} charged with {charge}",
    "Surveillance of {org} staff",
)
FR_TITLES = (
    "Arrestation d'un{e_fr} {profession} à {city}",
    "Détention de {person} à {city}",
    "Menaces contre {person}",
    "Perquisition dans les locaux de {org}",
    "Manifestation pacifique dispersée à {city}",
    "Disparition de {person}",
    "{person} inculpé{e} pour {charge}",
    "Surveillance du personnel de {org}",
)
EN_ORG = ("{w} Human Rights Network", "the {w} Collective", "{w} Legal Clinic", "{w} Watch")
FR_ORG = ("l'association {w}", "l'ONG {w}", "l'observatoire {w}", "{w} Vigilance")
EN_STREET = ("{w} Street", "{w} Road", "{w} Avenue")
FR_STREET = ("rue {w}", "avenue {w}", "route de {w}")
SYLLABLES = (
    "ka", "lo", "mi", "ra", "to", "ne", "su", "ba", "di", "fo", "ga", "ju", "ke", "ma",
    "no", "pa", "ri", "sa", "te", "vu", "wa", "ya", "zo", "bo", "de", "li", "mu", "ro",
    "si", "tu", "an", "el", "ou", "ki", "ha",
)  # fmt: skip


def lexicon(seed: int = SEED, size: int = LEXICON_SIZE) -> list[str]:
    """`size` distinct pseudo-words (2 to 4 syllables), most frequent first."""
    rng = random.Random(seed * 7 + 1)
    words: dict[str, None] = {}
    while len(words) < size:
        n = rng.choice((2, 3, 3, 4))
        words.setdefault("".join(rng.choice(SYLLABLES) for _ in range(n)).capitalize())
    return list(words)


@dataclass(frozen=True)
class Corpus:
    """The generator's vocabulary, shared by the incidents and the queries."""

    words: list[str]
    cum_weights: list[float]

    @classmethod
    def make(cls, seed: int = SEED) -> Corpus:
        words = lexicon(seed)
        weights = [1.0 / (rank**1.05) for rank in range(1, len(words) + 1)]
        return cls(words, list(itertools.accumulate(weights)))

    def word(self, rng: random.Random) -> str:
        return rng.choices(self.words, cum_weights=self.cum_weights)[0]


def _date(rng: random.Random) -> tuple[str | None, str]:
    """The incident's date (as `--date` takes it) and how a narrative says it."""
    year = rng.randint(2015, 2025)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    spoken = f"{day} {_MONTHS_EN[month - 1]} {year}"
    kind = rng.random()
    if kind < 0.70:
        return f"{year}-{month:02d}-{day:02d}", spoken
    if kind < 0.83:
        return f"{year}-{month:02d}", spoken
    if kind < 0.88:
        return f"{year}", spoken
    if kind < 0.93:
        return f"~{year}-{month:02d}", spoken
    if kind < 0.97:
        end_month = min(12, month + rng.randint(1, 3))
        return f"{year}-{month:02d}-{day:02d}..{year}-{end_month:02d}", spoken
    return None, spoken


_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip


def _person(rng: random.Random) -> tuple[str, str]:
    first, e = rng.choice(FIRST_NAMES)
    return f"{first} {rng.choice(SURNAMES)}", e


def incident(rng: random.Random, corpus: Corpus) -> IncidentInput:
    city, country, lang, lat, lon = rng.choice(PLACES)
    person, e = _person(rng)
    person2, _ = _person(rng)
    date_text, spoken = _date(rng)
    vocab = FR if lang == "fr" else EN
    if lang == "fr":
        day, month_name, year = spoken.split(" ")
        spoken = f"{day} {_MONTHS_FR[_MONTHS_EN.index(month_name)]} {year}"
    slots = {
        "city": city,
        "person": person,
        "person2": person2,
        "e": e,
        "e_fr": e,
        "date": spoken,
        "n": str(rng.randint(2, 40)),
        "district": corpus.word(rng),
        "org": rng.choice(FR_ORG if lang == "fr" else EN_ORG).format(w=corpus.word(rng)),
        "street": rng.choice(FR_STREET if lang == "fr" else EN_STREET).format(w=corpus.word(rng)),
    }
    for key in ("actor", "topic", "charge"):
        slots[key] = rng.choice(vocab[key])
    slots["profession"] = rng.choice(vocab["profession"]).format(e=e)
    slots["profession_cap"] = slots["profession"][:1].upper() + slots["profession"][1:]
    slots["place"] = rng.choice(vocab["place"]).format(**slots)
    opening = FR_OPENING if lang == "fr" else EN_OPENING
    body = FR_BODY if lang == "fr" else EN_BODY
    sentences = [rng.choice(opening), *rng.sample(body, rng.randint(2, 6))]
    narrative = " ".join(s.format(**slots) for s in sentences)
    narrative = narrative[:1].upper() + narrative[1:]
    title = rng.choice(FR_TITLES if lang == "fr" else EN_TITLES).format(**slots)
    title = title[:1].upper() + title[1:]
    district = slots["district"]
    location = f"{district}, {city}" if rng.random() < 0.8 else city
    coordinates = None
    if rng.random() < 0.3:
        coordinates = (
            round(lat + rng.uniform(-0.05, 0.05), 5),
            round(lon + rng.uniform(-0.05, 0.05), 5),
        )
    violations = tuple(
        dict.fromkeys(rng.choices(VIOLATIONS, weights=VIOLATION_WEIGHTS, k=rng.randint(1, 3)))
    )
    tags = tuple(rng.sample(TAGS, rng.choice((0, 0, 1, 1, 2, 3))))
    return IncidentInput(
        title=title,
        narrative=narrative,
        date=date_text,
        location=location,
        country=country,
        coordinates=coordinates,
        violations=violations,
        tags=tags,
        status=rng.choice(STATUSES),
        sensitivity=rng.choice(SENSITIVITIES),
    )


def incidents(
    count: int, seed: int = SEED, corpus: Corpus | None = None
) -> Iterator[IncidentInput]:
    rng = random.Random(seed)
    corpus = corpus or Corpus.make(seed)
    for _ in range(count):
        yield incident(rng, corpus)


def batches(items: list[IncidentInput], size: int) -> Iterator[list[IncidentInput]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def to_json(item: IncidentInput) -> dict[str, object]:
    """The keys `carnet incident add --json-file` reads."""
    return {
        "title": item.title,
        "narrative": item.narrative,
        "date": item.date,
        "location": item.location,
        "country": item.country,
        "coordinates": list(item.coordinates) if item.coordinates else None,
        "violations": list(item.violations),
        "tags": list(item.tags),
        "status": item.status,
        "sensitivity": item.sensitivity,
    }


# --- the fixed query set ---------------------------------------------------------------

COMMON_WORDS = (
    "police", "arrested", "journalist", "witnesses", "lawyer", "family", "court", "phones",
    "threats", "protest", "gathering", "detention", "charged", "hospital", "complaint",
    "documents", "interrogation", "authorities", "urgent", "spyware", "avocat", "tribunal",
    "manifestation", "témoins", "famille", "inculpé", "menaces", "détention", "téléphones",
    "quartier", "gendarmes", "militaires", "plainte", "perquisition", "disparition",
    "corruption", "elections", "temoins", "defenseur", "rapporteur",
)  # fmt: skip
TWO_WORDS = (
    "tear gas", "peaceful gathering", "police violence", "pre-trial detention",
    "false news", "state security", "mining corruption", "forced evictions",
    "urgent appeal", "social media", "medical examination", "special rapporteur",
    "gaz lacrymogène", "fausses nouvelles", "détention provisoire", "expulsions forcées",
    "logiciel espion", "réseaux sociaux", "appel urgent", "manifestation pacifique",
    "journalist Dakar", "lawyer Nairobi", "avocat Kinshasa", "teacher Kampala",
    "journaliste Bamako", "blogger Manila", "soldiers Khartoum", "gendarmes Douala",
    "photographer Caracas", "syndicaliste Tunis", "police Lagos", "miliciens Goma",
    "trade unionist", "radio presenter", "student leader", "land rights",
    "droit terre", "droits femmes", "cybercrime law", "unmarked car",
)  # fmt: skip
PREFIXES = (
    "arrest*", "journ*", "tribun*", "manif*", "détent*", "interrog*", "disapp*", "perquis*",
    "threat*", "menac*", "witness*", "témoi*", "lawy*", "avoc*", "spy*", "surveil*",
    "corrupt*", "elect*", "hospit*", "bless*", "polic*", "militi*", "gendar*", "kinsh*",
    "nair*", "ouaga*", "port-au*", "cyber*", "defam*", "diffam*", "protest*", "evict*",
)  # fmt: skip


@dataclass(frozen=True)
class Query:
    category: str
    text: str


def queries(seed: int = SEED, corpus: Corpus | None = None) -> list[Query]:
    """A fixed mix of 206 searches, in a fixed (shuffled) order."""
    rng = random.Random(seed * 13 + 5)
    corpus = corpus or Corpus.make(seed)
    words = corpus.words
    result = [Query("common", w) for w in COMMON_WORDS]
    # Rare: the lexicon's tail (ranks ~1,500-19,000 appear in a handful of incidents,
    # some in none, as a typo would), plus a few mid-frequency names of places.
    result += [Query("rare", words[rank].lower()) for rank in range(1500, 19_500, 450)]
    result += [Query("two-word", w) for w in TWO_WORDS]
    result += [Query("prefix", w) for w in PREFIXES]
    # Prefixes of lexicon words (an organisation half remembered).
    result += [Query("prefix", words[rank][:4].lower() + "*") for rank in range(10, 810, 100)]
    names = []
    for _ in range(20):
        first, _e = rng.choice(FIRST_NAMES)
        names.append(f"{first} {rng.choice(SURNAMES)}")
    for _ in range(10):
        names.append(rng.choice(SURNAMES))
    # Typed without accents, as people often do: remove_diacritics must still find them.
    names += ["Traore", "Ouedraogo", "Keita", "Lefevre", "Cisse", "Hernandez", "Beatrice Diallo"]
    names += ["Desire Kabongo", "Helene Moreau", "Leila Haddad"]
    result += [Query("name", n) for n in names]
    result += [Query("place", city) for city in ("Bujumbura", "Yaoundé", "Yaounde", "Tbilisi")]
    result += [
        Query("place", f"{words[rank]} {city}") for rank, city in ((3, "Dakar"), (40, "Goma"))
    ]
    rng.shuffle(result)
    return result
