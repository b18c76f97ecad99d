"""Every domain error carries a code declared in suzhi.core.error_codes.

The source walk finds each place an error of the family is made; codes given at run time (a decision's reason)
are checked at the end of the test session instead (tests/error_codes_seen.py).
"""

import ast
import pathlib

import pytest
from django.core.exceptions import ImproperlyConfigured

import suzhi
from suzhi.core import errors
from suzhi.core.error_codes import CoreErrors, ErrorCodes, declare, declared
from suzhi.core.errors import DomainError

SRC = pathlib.Path(suzhi.__file__).parent
# Classes whose own code says nothing specific: a raise of one must name its code. (NotFound, PermissionDenied
# and the others answer with their own code, which API clients branch on: not_found, permission_denied.)
GENERIC = {"DomainError", "Conflict"}


def _sources() -> list[tuple[pathlib.Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(SRC.rglob("*.py"))
            if "migrations" not in path.parts]


def _family(sources: list[tuple[pathlib.Path, ast.Module]]) -> set[str]:
    """Names of the classes of suzhi.core.errors and of every class in src that derives from one, by name."""
    names = {name for name, value in vars(errors).items() if isinstance(value, type) and issubclass(value, DomainError)}
    classes = [(node.name, {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases})
               for _path, tree in sources for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    grew = True
    while grew:
        grew = False
        for name, bases in classes:
            if name not in names and bases & names:
                names.add(name)
                grew = True
    return names


def _enums() -> dict[str, type[ErrorCodes]]:
    return {type(member).__name__: type(member) for member in declared().values()}


def _problems() -> list[str]:
    sources = _sources()
    family = _family(sources)
    enums = _enums()
    known = declared()
    problems = []
    for path, tree in sources:
        where = path.relative_to(SRC.parent)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name not in family:
                continue
            keywords = {k.arg: k.value for k in node.keywords}
            code = keywords.get("code")
            if isinstance(code, ast.Constant):
                if code.value not in known:
                    problems.append(f"{where}:{node.lineno}: code {code.value!r} is not declared")
            elif isinstance(code, ast.Attribute) and isinstance(code.value, ast.Name) and code.value.id in enums:
                if code.attr not in enums[code.value.id].__members__:
                    problems.append(f"{where}:{node.lineno}: {code.value.id}.{code.attr} is not declared")
            elif code is not None:
                continue  # given at run time: checked at the end of the test session
            elif name in GENERIC:
                problems.append(f"{where}:{node.lineno}: {name}(…) without a specific code")
            elif name == "ValidationFailed" and "detail" not in keywords:
                problems.append(f"{where}:{node.lineno}: ValidationFailed(…) with neither field detail nor a code")
    return problems


def test_every_domain_error_in_src_carries_a_declared_code():
    assert _problems() == []


def test_every_error_class_has_a_declared_code():
    import suzhi.config.urls  # noqa: F401 - loads the apps' views, API and services

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    known = declared()
    assert [c.__qualname__ for c in [DomainError, *subclasses(DomainError)] if str(c.code) not in known] == []


def test_every_app_declares_its_codes_in_its_own_module():
    owners = {type(member).__module__ for member in declared().values()}
    assert {"suzhi.core.error_codes", "suzhi.people.error_codes", "suzhi.campaigns.error_codes",
            "suzhi.training.error_codes", "suzhi.quizzes.error_codes"} <= owners
    assert all(member.description for member in declared().values())


def test_codes_the_clients_rely_on_stay():
    """What the API and the pages have always answered; tests and clients compare these strings."""
    for code in ("validation_error", "not_found", "permission_denied", "conflict", "not_authenticated",
                 "account_locked", "password_change_required", "org_in_use", "role_in_use", "too_many_rows",
                 "not_a_spreadsheet", "empty_file", "closed", "not_started", "attempts_used", "time_up"):
        assert code in declared(), code
    assert DomainError("x", code=CoreErrors.ORG_IN_USE).as_dict() == {"code": "org_in_use", "message": "x",
                                                                     "detail": None}


def test_a_code_is_declared_once():
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        @declare
        class Again(ErrorCodes):
            NOT_FOUND = "not_found", "Once more."


def test_a_code_needs_a_description():
    with pytest.raises(ImproperlyConfigured, match="no description"):
        @declare
        class Bare(ErrorCodes):
            SOMETHING = "something_new"


def test_the_walk_finds_a_loose_code(tmp_path, monkeypatch):
    loose = tmp_path / "suzhi" / "loose.py"
    loose.parent.mkdir()
    loose.write_text('raise Conflict("x")\nraise ValidationFailed("y", code="no_such_code")\n'
                     'raise PermissionDenied("z")\nraise ValidationFailed("w")\n'
                     'raise ValidationFailed("v", detail=[])\n', encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.SRC", loose.parent)
    assert [p.split(": ", 1)[1] for p in _problems()] == [
        "Conflict(…) without a specific code",
        "code 'no_such_code' is not declared",
        "ValidationFailed(…) with neither field detail nor a code",
    ]
