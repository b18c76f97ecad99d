"""`suzhi people import FILE --org CODE [--dry-run] [--skip-invalid] [--json] [--as USERNAME]`."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from suzhi.core.cli import acting_user
from suzhi.core.errors import DomainError
from suzhi.core.models import Organisation


class Command(BaseCommand):
    help = "Roster tasks: `import` reads a spreadsheet of people (人员导入)."

    def add_arguments(self, parser: Any) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        importing = commands.add_parser("import", help="Import people from .xlsx, .xls, .ods or .csv")
        importing.add_argument("file", help="the spreadsheet")
        importing.add_argument("--org", help="code of the organisation for rows that name none")
        importing.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        importing.add_argument("--skip-invalid", action="store_true",
                               help="import the valid rows even when others have errors")
        importing.add_argument("--json", action="store_true", help="print one JSON object")
        importing.add_argument("--as", dest="username", help="acting user (default: the first superuser)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "import":
            sys.exit(self._import(options))

    def _import(self, options: dict[str, Any]) -> int:
        from suzhi.people.services.imports import people_import

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        actor = acting_user(options["username"])
        org_id = None
        if options["org"]:
            org = Organisation.objects.filter(code=options["org"]).only("pk").first()
            if org is None:
                raise CommandError(f"No organisation has the code {options['org']!r}.")
            org_id = org.pk
        try:
            result = people_import(
                actor=actor, data=path.read_bytes(), filename=path.name, default_org_id=org_id,
                dry_run=options["dry_run"], skip_invalid=options["skip_invalid"],
            )
        except DomainError as exc:
            if options["json"]:
                error = {"row": 0, "column": "", "message": str(exc.message)}
                self.stdout.write(json.dumps({"created": 0, "updated": 0, "unchanged": 0, "errors": [error]},
                                             ensure_ascii=False))
                return 1
            raise CommandError(str(exc.message)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(
                {"created": result.created, "updated": result.updated, "unchanged": result.unchanged,
                 "errors": result.errors}, ensure_ascii=False,
            ))
        else:
            for error in result.errors:
                self.stderr.write(str(error["message"]))
            state = "dry run" if result.dry_run else ("written" if result.written else "nothing written")
            self.stdout.write(
                f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged, "
                f"{result.invalid_rows} rows with errors ({state})."
            )
        return 1 if result.errors else 0
