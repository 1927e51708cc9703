"""JSON API under /api/v1/ (django-ninja). (Skeleton: the API work fills this in.)"""
from ninja import NinjaAPI

api = NinjaAPI(title="Riverains API", version="1", openapi_url="/openapi.json", docs_url="/docs")
