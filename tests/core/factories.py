"""Factories for the core app: organisations, users, roles."""

import factory
from django.contrib.auth.hashers import make_password

from suzhi.core.models import DictItem, Organisation, Role, RoleAssignment, User

DEFAULT_PASSWORD = "Passw0rd!x"


def org_type(code: str = "enterprise") -> DictItem:
    return DictItem.objects.get(dict_type__code="org_type", code=code)


_counter = iter(range(1, 10**9))


def make_org(name: str, *, parent: Organisation | None = None, type_code: str = "enterprise",
             code: str | None = None, **extra) -> Organisation:
    """Add an organisation under `parent` (or as a root), the way treebeard needs it."""
    fields = {
        "name": name,
        "code": code or f"ORG{next(_counter):05d}",
        "org_type": org_type(type_code),
        **extra,
    }
    if parent is None:
        return Organisation.objects.add_root(create_kwargs=fields)
    return Organisation.objects.add_child(parent, create_kwargs=fields)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.LazyFunction(lambda: make_password(DEFAULT_PASSWORD))
    is_active = True


def grant(user: User, role_code: str, organisation: Organisation) -> RoleAssignment:
    """Give `user` a built-in role held at `organisation`."""
    return RoleAssignment.objects.create(user=user, role=Role.objects.get(code=role_code), organisation=organisation)
