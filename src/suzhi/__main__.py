"""The `suzhi` console command: Django's manage.py under the project's name."""

import os
import sys


def database_missing(exc: BaseException) -> bool:
    """Whether a database error means the tables are not there yet (SQLite's "no such table", PostgreSQL's
    "relation … does not exist"): the database was never migrated."""
    from django.db.utils import OperationalError, ProgrammingError

    if not isinstance(exc, OperationalError | ProgrammingError):
        return False
    text = str(exc)
    return "no such table" in text or ("relation" in text and "does not exist" in text)


def _not_migrated() -> str:
    from django.utils.translation import gettext

    return gettext("The database is not set up yet: run `suzhi migrate` (or make demo) first.")


def not_migrated_message() -> str:
    """What to run first, in the site's language (Chinese by default), with the English beside another."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        local = _not_migrated()
    with translation.override("en"):
        english = _not_migrated()
    return local if local == english else f"{local}\n{english}"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "suzhi.config.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except Exception as exc:
        if not database_missing(exc):
            raise
        sys.stderr.write(not_migrated_message() + "\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
