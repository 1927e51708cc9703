"""Every error the API answers has the same French shape: {"detail": "...", "errors": {field: [...]}}.

`detail` says it all in one sentence for clients that show only that; `errors` lets a form put
each message next to its field ("__all__" for what concerns no single field)."""
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

# Pydantic error types → French message (the input value, ctx fields are available).
MESSAGES = {
    "missing": "Ce champ est obligatoire.",
    "extra_forbidden": "Champ inconnu.",
    "int_parsing": "Nombre entier attendu.",
    "int_type": "Nombre entier attendu.",
    "int_from_float": "Nombre entier attendu.",
    "greater_than_equal": "La valeur doit être supérieure ou égale à {ge}.",
    "less_than_equal": "La valeur doit être inférieure ou égale à {le}.",
    "date_parsing": "Date attendue au format AAAA-MM-JJ, par exemple 2025-06-01.",
    "date_from_datetime_parsing": "Date attendue au format AAAA-MM-JJ, par exemple 2025-06-01.",
    "date_from_datetime_inexact": "Date attendue au format AAAA-MM-JJ, sans heure.",
    "date_type": "Date attendue au format AAAA-MM-JJ, par exemple 2025-06-01.",
    "datetime_parsing": "Date et heure attendues au format ISO 8601, par exemple 2025-06-01T14:30:00+02:00.",
    "datetime_from_date_parsing": "Date et heure attendues au format ISO 8601, par exemple 2025-06-01T14:30:00+02:00.",
    "datetime_type": "Date et heure attendues au format ISO 8601, par exemple 2025-06-01T14:30:00+02:00.",
    "string_type": "Texte attendu.",
    "list_type": "Liste attendue.",
    "bool_parsing": "Valeur true ou false attendue.",
    "bool_type": "Valeur true ou false attendue.",
    "model_type": "Objet JSON attendu.",
    "model_attributes_type": "Objet JSON attendu.",
    "dict_type": "Objet JSON attendu.",
}
SOURCES = {"query", "body", "path", "header", "cookie", "form", "file"}


def problem(api, request, status, detail, errors=None, headers=None):
    response = api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def summary(intro, errors):
    parts = [f"{'' if field == NON_FIELD_ERRORS else field + ' : '}{' '.join(msgs)}" for field, msgs in errors.items()]
    return f"{intro} {' ; '.join(parts)}".strip()


def _pydantic_message(error):
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", "")).replace(" or ", " ou ")
        return f"Valeur inconnue « {str(error.get('input'))[:50]} » : valeurs possibles {expected}."
    template = MESSAGES.get(kind)
    if template is None:
        return "Valeur invalide."
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template


def _field(loc, body_params):
    parts = [p for p in loc if isinstance(p, str)]
    if parts and parts[0] in SOURCES:
        parts = parts[1:]
    if parts and parts[0] in body_params:
        parts = parts[1:]
    return parts[0] if parts else NON_FIELD_ERRORS


def field_errors(ninja_errors, body_params=("payload",)):
    errors = {}
    for error in ninja_errors:
        errors.setdefault(_field(error.get("loc", ()), body_params), []).append(_pydantic_message(error))
    return errors


def install(api):
    @api.exception_handler(NinjaValidationError)
    def invalid_request(request, exc):
        errors = field_errors(exc.errors)
        return problem(api, request, 422, summary("Données invalides.", errors), errors)

    @api.exception_handler(DjangoValidationError)
    def invalid_data(request, exc):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        # "Nothing was changed" reassures a client whose write failed; a read changes nothing anyway.
        intro = "Données invalides." if request.method in ("GET", "HEAD") else "Rien n'a été modifié."
        return problem(api, request, 422, summary(intro, errors), errors)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return problem(api, request, 403, str(exc) or "Action non autorisée.")

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem(api, request, 404, "Introuvable.")

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if isinstance(exc, AuthenticationError):
            return problem(
                api, request, 401,
                "Jeton d'API manquant, invalide ou révoqué. En-tête attendu : « Authorization: Bearer <jeton> ».",
                headers={"WWW-Authenticate": 'Bearer realm="riverains"'},
            )
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return problem(api, request, 400, "Le corps de la requête n'est pas un JSON valide.")
        return problem(api, request, exc.status_code, str(exc))
