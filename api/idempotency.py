"""Retry-safe writes: the `Idempotency-Key` header, and one transaction per write.

A write answered 503 ("réessayez") may still have been stored: the database can go away between
the commit and the answer. A client that retries then publishes twice, and subscribers are told
twice. So every write of the API:

- runs in one transaction that also builds its answer (the notice as the API shows it): after
  the commit nothing is read or written that could turn a stored write into an error — only
  the after-commit hooks, which log their failures instead of raising (notices.services);
- when the client sends `Idempotency-Key: <a unique value per write>`, stores the key with the
  organization, a fingerprint of the request and the answer, in that same transaction. A retry
  with the same key gets the stored answer again (header `Idempotent-Replayed: true`), whatever
  happened to the first one; the same key with another request (another operation or body) is
  refused with 422 and changes nothing. Two requests with the same key at the same moment: the
  second waits on the key's unique index, then gets the first one's answer. Only successful
  writes are kept: a refused request changes nothing and may be sent again with the same key.
  Keys are kept 24 hours (`manage.py purge_idempotency_keys`).

api.write applies it, and documents the header, for every write operation."""
import hashlib
import json
import re
from datetime import timedelta
from functools import wraps

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from .models import IdempotentWrite

HEADER = "Idempotency-Key"
KEEP = timedelta(hours=24)
# Visible ASCII, as a UUID or any client-made unique value; HTTP headers carry nothing else safely.
VALID_KEY = re.compile(r"[!-~]{1,255}")
INVALID_KEY = "En-tête Idempotency-Key invalide : 1 à 255 caractères ASCII visibles, par exemple un UUID."
REUSED_KEY = (
    "Cette clé Idempotency-Key a déjà servi pour une autre requête (autre opération ou autre contenu) : "
    "rien n'a été modifié. Utilisez une nouvelle clé pour chaque nouvelle écriture, et la même seulement pour "
    "renvoyer exactement la même requête."
)

def openapi():
    """The header in an operation's OpenAPI description (`openapi_extra`; a fresh copy each time:
    ninja merges it into the generated document in place)."""
    return {"parameters": [{
        "name": HEADER,
        "in": "header",
        "required": False,
        "description": (
            "Rend l'écriture sûre à renvoyer : une valeur unique par écriture (par exemple un UUID). Si la réponse "
            "s'est perdue (coupure, 503), renvoyez la même requête avec la même clé pendant 24 h : l'écriture n'est "
            "pas refaite et la réponse enregistrée est renvoyée, avec l'en-tête « Idempotent-Replayed: true ». "
            "La même clé avec une autre requête est refusée (422) sans rien modifier. Une requête refusée (4xx) "
            "n'est pas enregistrée : corrigée, elle peut réutiliser sa clé."
        ),
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]{1,255}$"},
        "example": "5f0c8e9e-3b7d-4a8e-9d8a-2f6f1c1b7e42",
    }]}


def idempotent(run, authenticate):
    """Wrap an operation's run (auth, view, answer) in one transaction, with the key stored."""

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            with transaction.atomic():
                return run(request, *args, **kwargs)
        if not VALID_KEY.fullmatch(key):
            return _problem(400, INVALID_KEY, {HEADER: [INVALID_KEY]})
        token = authenticate(request)
        if token is None:  # the operation answers 401 as usual
            return run(request, *args, **kwargs)
        fingerprint = _fingerprint(request)
        stored = _stored(token.organization_id, key)
        if stored is not None:
            return _replay(stored, fingerprint)
        try:
            with transaction.atomic():
                response = run(request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    # A key older than 24 h, not purged yet, is free again.
                    _expired(token.organization_id, key).delete()
                    IdempotentWrite.objects.create(
                        organization_id=token.organization_id, key=key, fingerprint=fingerprint,
                        status=response.status_code, body=response.content.decode(),
                    )
        except IntegrityError:
            # Another request with this key committed first: this one's write is undone.
            stored = _stored(token.organization_id, key)
            if stored is None:
                raise
            return _replay(stored, fingerprint)
        return response

    return wrapper


def purge(now=None):
    """Delete the keys older than 24 hours; returns how many."""
    deleted, _per_model = IdempotentWrite.objects.filter(created_at__lt=(now or timezone.now()) - KEEP).delete()
    return deleted


def _stored(organization_id, key):
    return IdempotentWrite.objects.filter(
        organization_id=organization_id, key=key, created_at__gte=timezone.now() - KEEP
    ).first()


def _expired(organization_id, key):
    return IdempotentWrite.objects.filter(organization_id=organization_id, key=key, created_at__lt=timezone.now() - KEEP)


def _replay(stored, fingerprint):
    if stored.fingerprint != fingerprint:
        return _problem(422, REUSED_KEY, {HEADER: [REUSED_KEY]})
    response = HttpResponse(stored.body, status=stored.status, content_type="application/json; charset=utf-8")
    response["Idempotent-Replayed"] = "true"
    return response


def _fingerprint(request):
    """Method, path and body; a JSON body in canonical form, so that the same data with its keys
    in another order or other spacing is the same request."""
    try:
        body = json.dumps(json.loads(request.body or b"null"), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        body = request.body
    digest = hashlib.sha256(f"{request.method}\n{request.path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def _problem(status, detail, errors):
    return JsonResponse({"detail": detail, "errors": errors}, status=status, json_dumps_params={"ensure_ascii": False})
