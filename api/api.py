"""JSON API under /api/v1/ (django-ninja): OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs.

Reads (api.read) are public; writes (api.write) need an organization's token. Errors are French
and share one shape (api.errors)."""
from ninja import NinjaAPI
from ninja.errors import ValidationError

from riverains.licence import LICENCE_NAME, LICENCE_URL

from . import errors, read, write  # noqa: F401 (write registers its operations)
from .presenters import RENDERER


class RiverainsAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts):
        """As ninja's, but the wrong value is kept so that the French message can quote it
        (api.errors renders its own body: the raw error list is never sent as is)."""
        found = []
        for context in error_contexts:
            model = context.model
            for error in context.pydantic_validation_error.errors(include_url=False):
                loc = model.__ninja_flatten_map_reverse__.get(error["loc"], error["loc"])
                found.append({**error, "loc": (model.__ninja_param_source__,) + tuple(loc)})
        return ValidationError(found)


api = RiverainsAPI(
    title="Riverains API",
    version="1",
    description=(
        "Messages publiés par les sites industriels pour les riverains : lecture libre, écriture avec un jeton "
        "d'API de l'adhérent (« Authorization: Bearer <jeton> », jetons gérés dans la console). "
        "Écritures sûres à renvoyer : avec l'en-tête « Idempotency-Key: <valeur unique> », une écriture dont la "
        "réponse s'est perdue (coupure, 503) peut être renvoyée telle quelle sans créer de doublon. "
        "Heures en ISO 8601 avec décalage (Europe/Paris). Erreurs : {\"detail\": ..., \"errors\": {champ: [...]}} ; "
        "400 pour une valeur inutilisable (caractère nul), 422 pour un paramètre invalide ou hors limites. "
        "Lecture depuis n'importe quelle page web (CORS, `Access-Control-Allow-Origin: *`, GET seulement). "
        f"Données publiées sous {LICENCE_NAME} : réutilisation libre en mentionnant la source (Riverains et le "
        "territoire) et la date de mise à jour. Information, pas un système d'alerte."
    ),
    openapi_extra={"info": {"license": {"name": LICENCE_NAME, "url": LICENCE_URL}}},
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
    renderer=RENDERER,
)
errors.install(api)
api.add_router("", read.router)  # with the write operations that api.write adds to it
