"""Small helpers the page views share: permission checks, pagination, Excel downloads."""

from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse

from suzhi.core.errors import DomainError, PermissionDenied
from suzhi.core.models import User


class AuthedHttpRequest(HttpRequest):
    """The request of a page behind login: `request.user` is a real account."""

    user: User



def require_perm(code: str) -> Callable:
    """Page views: log in first, then hold `code`, else 403. Scope is checked by the selector."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.has_perm(code):
                raise PermissionDenied()
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def ensure_perm(user: Any, code: str) -> None:
    """API handlers and services: raise the domain's 403 unless `user` holds `code`."""
    if not user.has_perm(code):
        raise PermissionDenied()


def paginate(request: HttpRequest, queryset: Any, per_page: int = 20) -> dict[str, Any]:
    """Context for `core/_pagination.html`: the page and the query string to keep the filters."""
    paginator = Paginator(queryset, per_page)
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return {"page_obj": page_obj, "querystring_without_page": f"{encoded}&" if encoded else ""}


def xlsx_download(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = ""
) -> HttpResponse:
    from suzhi.core.excel import write_xlsx

    response = HttpResponse(
        write_xlsx(headers, rows, sheet_title=sheet),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def show_form_error(form: Any, exc: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Put a service's error next to the fields its detail names ("organisation_id" finds the
    "organisation" field), or above the form when it names none of them."""
    placed = False
    for item in exc.detail if isinstance(exc.detail, list) else []:
        if not isinstance(item, dict):
            continue
        field = str(item.get("field") or "")
        field = (aliases or {}).get(field, field)
        if field not in form.fields and field.endswith("_id"):
            field = field[:-3]
        if field in form.fields and not form.fields[field].disabled and field not in form.errors:
            form.add_error(field, str(item.get("message") or exc.message))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))
