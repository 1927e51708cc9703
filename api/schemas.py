"""Shapes of what the API reads and writes, as published in /api/v1/openapi.json.

Times are ISO 8601 with their offset, in Europe/Paris; codes come with their French label so that
a partner can show them without a table of its own. Every code is an enum in the document."""
from datetime import date, datetime
from typing import Any, Literal, Optional

from ninja import Field, Schema
from pydantic import ConfigDict

from zones.schemas import ZoneCollection, ZoneFeature  # noqa: F401 (ZoneCollection: read.py)

from notices.models import Category, Kind, Perception, RevisionAction, Status
from territories.models import Seveso

# The largest identifier the databases hold (64-bit): beyond it SQLite cannot even compare.
MAX_ID = 2**63 - 1
# Far beyond any territory's count of notices, and far below an overflow of offset + limit.
MAX_OFFSET = 1_000_000_000

CategoryCode = Literal[tuple(Category.values)]
KindCode = Literal[tuple(Kind.values)]
PerceptionCode = Literal[tuple(Perception.values)]
StatusCode = Literal[tuple(Status.values)]
ActionCode = Literal[tuple(RevisionAction.values)]
SevesoCode = Literal[tuple(Seveso.values)]


def enum_of(choices):
    """For a write field validated by notices.services (whose French message the console shows
    too): the document lists the codes, the service keeps the word."""
    return {"enum": list(choices.values)}


class Label(Schema):
    code: str
    label: str


class CategoryLabel(Label):
    code: CategoryCode


class KindLabel(Label):
    code: KindCode


class PerceptionLabel(Label):
    code: PerceptionCode


class StatusLabel(Label):
    code: StatusCode


class ActionLabel(Label):
    code: ActionCode


class SevesoLabel(Label):
    code: SevesoCode


class CommuneOut(Schema):
    code: str = Field(description="Code INSEE")
    name: str


class SiteRef(Schema):
    id: int
    name: str
    url: str


class SiteOut(Schema):
    id: int
    name: str
    slug: str
    organization: str
    commune: CommuneOut
    latitude: float
    longitude: float
    seveso: SevesoLabel
    description: str
    neighbouring_communes: list[CommuneOut]
    url: str


class TerritoryOut(Schema):
    slug: str
    name: str
    url: str
    toll_free_number: str
    coordinator_name: str
    siren_advice: str
    communes: list[CommuneOut]
    feeds: dict[str, str] = Field(description="Atom, CAP, iCalendar et CSV du territoire")
    notices_url: str


class NoticeOut(Schema):
    id: int
    url: str
    territory: str = Field(description="Identifiant (slug) du territoire")
    site: SiteRef
    category: CategoryLabel
    kind: KindLabel
    status: StatusLabel = Field(description="scheduled, ongoing, ended, cancelled (draft pour un brouillon)")
    perceptions: list[PerceptionLabel]
    title: str
    body: str
    impact: str
    what_to_do: str = Field(description="« Que dois-je faire ? » : la ligne affichée en premier sur chaque canal")
    starts_at: datetime
    expected_end_at: Optional[datetime]
    ended_at: Optional[datetime]
    communes: list[CommuneOut]
    explainer_url: Optional[str]
    immediate: bool
    public_reason: str
    published_at: Optional[datetime]
    updated_at: datetime
    revision: int = Field(description="Numéro de la dernière version publiée (0 pour un brouillon)")
    zone: Optional[ZoneFeature] = Field(
        None, description="Zone de perception possible en cours (GeoJSON), indicative, d'après la prévision de vent"
    )


class RevisionOut(Schema):
    number: int
    action: ActionLabel
    status: StatusLabel
    change_note: str
    created_at: datetime
    snapshot: dict[str, Any] = Field(description="État public du message à cette version")
    zone: Optional[ZoneFeature] = Field(None, description="Zone de perception possible publiée avec cette version")


class SummaryOut(Schema):
    language: str
    direction: str = Field(description="rtl pour l'arabe, ltr sinon")
    what_to_do: str
    what_to_do_language: str = Field(description="fr quand la ligne est celle de l'exploitant (jamais traduite)")
    category: str
    status: str
    site: str
    commune: str
    starts: str
    end_label: str
    ends: str
    perceptions: list[str]
    communes: list[str]
    text: str = Field(description="Le résumé en quelques phrases, texte brut")


class NoticeDetail(NoticeOut):
    revisions: list[RevisionOut]
    summaries: dict[str, SummaryOut] = Field(
        description="Résumé structuré traduit (en, ar, es, pt, tr), depuis les catalogues gettext ; "
                    "le texte de l'exploitant reste en français"
    )


class NoticePage(Schema):
    count: int
    limit: int
    offset: int
    results: list[NoticeOut]


class Problem(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict, description="Messages par champ")


class NoticeFilters(Schema):
    status: Optional[Literal["active", "upcoming", "ended"]] = Field(
        None, description="active : en cours ; upcoming : programmé, pas encore commencé ; ended : terminé ou annulé"
    )
    site: Optional[int] = Field(None, ge=1, le=MAX_ID, description="Identifiant du site")
    # Checked by api.read.filter_notices, whose message names the category: listed here.
    category: Optional[str] = Field(None, description="Code de catégorie", json_schema_extra=enum_of(Category))
    commune: Optional[str] = Field(None, description="Code INSEE d'une commune concernée")
    date_from: Optional[date] = Field(None, alias="from", description="Messages encore en cours ou à venir ce jour-là ou après")
    date_to: Optional[date] = Field(None, alias="to", description="Messages commencés au plus tard ce jour-là")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class AllNoticeFilters(NoticeFilters):
    territory: Optional[str] = Field(None, description="Identifiant (slug) du territoire")


# --- write API ---------------------------------------------------------------------------------


class StrictSchema(Schema):
    # A misspelt field must not be silently ignored.
    model_config = ConfigDict(extra="forbid")


class NoticeIn(StrictSchema):
    site: int = Field(description="Identifiant d'un site de votre adhérent")
    category: str = Field(description="Code de catégorie", json_schema_extra=enum_of(Category))
    kind: str = Field("planned", description="planned (prévu) ou observed (constaté)", json_schema_extra=enum_of(Kind))
    perceptions: list[str] = Field(description="visible, audible, olfactory", json_schema_extra={"items": enum_of(Perception)})
    starts_at: datetime = Field(description="ISO 8601 ; sans décalage, heure de Paris")
    expected_end_at: Optional[datetime] = None
    title: str
    body: str
    impact: str = ""
    what_to_do: str = Field("", description="« Que dois-je faire ? » ; par défaut celle de la catégorie")
    communes: Optional[list[str]] = Field(None, description="Codes INSEE ; par défaut les communes voisines du site")
    explainer: Optional[str] = Field(None, description="Identifiant d'une fiche « comprendre »")
    immediate: bool = False
    draft: bool = Field(False, description="true : enregistrer un brouillon sans publier")


class NoticePatch(StrictSchema):
    site: Optional[int] = None
    category: Optional[str] = Field(None, json_schema_extra=enum_of(Category))
    kind: Optional[str] = Field(None, json_schema_extra=enum_of(Kind))
    perceptions: Optional[list[str]] = Field(None, json_schema_extra={"items": enum_of(Perception)})
    starts_at: Optional[datetime] = None
    expected_end_at: Optional[datetime] = None
    title: Optional[str] = None
    body: Optional[str] = None
    impact: Optional[str] = None
    what_to_do: Optional[str] = None
    communes: Optional[list[str]] = None
    explainer: Optional[str] = None
    immediate: Optional[bool] = None
    change_note: str = Field("", description="Ce qui a changé (obligatoire pour un message publié, public)")
    notify: bool = Field(True, description="false : ne pas prévenir les abonnés (correction mineure)")


class EndIn(StrictSchema):
    ended_at: Optional[datetime] = Field(None, description="Par défaut : maintenant")
    change_note: str = ""


class CancelIn(StrictSchema):
    reason: str = Field("", description="Motif public de l'annulation")
