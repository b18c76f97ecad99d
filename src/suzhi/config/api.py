"""The JSON API at /api/v1/ (django-ninja). Each area brings its own router: the core's are added here, every
other app's come from its manifest (core/manifests.py)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI

from suzhi.core import manifests
from suzhi.core.api import activation, auth, dicts, logs, notices, orgs, roles, users
from suzhi.core.api.base import BearerTokenAuth, SessionAuth, document_common_errors, install_error_handlers


class SuzhiAPI(NinjaAPI):
    """The OpenAPI document also lists the error statuses every operation can answer (document_common_errors)."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_common_errors(schema)


api = SuzhiAPI(
    title="Suzhi API",
    version="1",
    description=str(_("Suzhi campaign platform API. Authenticate with a bearer token from /api/v1/auth/token.")),
    auth=[BearerTokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
)
install_error_handlers(api)

api.add_router("/auth/activate", activation.router)
api.add_router("/auth", auth.router)
api.add_router("/orgs", orgs.router)
api.add_router("/users", users.router)
api.add_router("/roles", roles.router)
api.add_router("/logs", logs.router)
api.add_router("/dicts", dicts.router)
api.add_router("/notices", notices.router)
for prefix, router in manifests.api_routers():
    api.add_router(prefix, router)
