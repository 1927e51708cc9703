"""The licence of the notice data Riverains publishes (API, feeds, CSV open data).

French public bodies publish open data under Etalab's Licence Ouverte 2.0 (décret 2017-638),
compatible with CC BY 2.0 and ODC-BY: reuse is free, commercial or not, provided the source and
the date of the data are mentioned. A chamber of commerce running a territory does the same."""

LICENCE_NAME = "Licence Ouverte / Open Licence version 2.0 (Etalab)"
LICENCE_SPDX = "etalab-2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


def link_header():
    """RFC 8288 Link header value naming the licence of a response's data (rel="license")."""
    return f'<{LICENCE_URL}>; rel="license"'
