"""Which PostgreSQL text search configuration reads which text.

Every configuration here is one of the portal's own (`search_<language>`, made by the
migration): PostgreSQL's configuration of that language with `unaccent` before its
stemmer, so that "Budaors" and "Budaörs", "Guimaraes" and "Guimarães" are one word, and
the highlighting of `ts_headline` marks the accented word that was found.

An entry is read in its language (its city's country, or the article's language; what
belongs to the whole network, in English) and in English too, the networks' working
language: a Hungarian city writes its roadmap in English, its stakeholders' names in
Hungarian. A query is read in every configuration at once (`query_configs`), the readings
joined with OR: whatever language an entry was read in, the query was read in it too, so
the words meet stem to stem. One query, whatever the languages, uses the GIN index.
Languages without a stemmer in PostgreSQL (Bulgarian, Latvian, Croatian, Slovak …) are
read word for word (`simple`), accents folded all the same.

The configurations exist on PostgreSQL only: on another database (the SQLite try-out of
the README) nothing is indexed and the search page says so (`available`).
"""

from django.db import connection

#: The languages the portal has a configuration for (PostgreSQL's names).
LANGUAGES = ("simple", "english", "french", "hungarian", "italian", "portuguese", "spanish")
ENGLISH = "search_english"
SIMPLE = "search_simple"

#: The language of a city's texts, by its country; any other country: `simple`.
_COUNTRY_LANGUAGES = {
    "FR": "french",
    "HU": "hungarian",
    "IE": "english",
    "IT": "italian",
    "MT": "english",
    "PT": "portuguese",
    "ES": "spanish",
}
#: The language of an article, by its language code (settings.LANGUAGES).
_CODE_LANGUAGES = {
    "en": "english",
    "fr": "french",
    "hu": "hungarian",
    "it": "italian",
    "pt": "portuguese",
    "es": "spanish",
}


def config_name(language: str) -> str:
    """The portal's configuration of a PostgreSQL language name."""
    return f"search_{language}"


def config_of_country(country: str | None) -> str:
    """The configuration of a city's texts; English for what has no city."""
    if not country:
        return ENGLISH
    return config_name(_COUNTRY_LANGUAGES.get(country.upper(), "simple"))


def config_of_language(code: str | None) -> str:
    """The configuration of a text in this language code ("pt", "pt-br"); English if unknown."""
    base = (code or "en").split("-")[0].lower()
    return config_name(_CODE_LANGUAGES.get(base, "simple"))


def query_configs() -> list[str]:
    """Every configuration an entry may have been read in, for reading a query."""
    return [config_name(language) for language in LANGUAGES]


def available() -> bool:
    """Whether the database has full-text search: PostgreSQL."""
    return connection.vendor == "postgresql"
