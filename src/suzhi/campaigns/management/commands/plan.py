"""`suzhi plan validate FILE`, `suzhi plan load FILE [--as USER]`, `suzhi plan schema`,
`suzhi plan render FILE_OR_CODE --format docx|pdf|html [--output PATH]`."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from suzhi.core.cli import acting_user
from suzhi.core.errors import DomainError


def _database_ready() -> bool:
    """Whether the database has its tables: without them a file is checked on its own."""
    from django.db import connection
    from django.db.utils import Error

    try:
        return "core_dictitem" in connection.introspection.table_names()
    except Error:
        return False


def _read(path_text: str) -> str:
    path = Path(path_text)
    if not path.is_file():
        raise CommandError(f"{path} is not a file.")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path} is not UTF-8 text.") from exc


class Command(BaseCommand):
    help = "Plan files (工作方案): validate, load, print the schema, render as an official document."

    def add_arguments(self, parser: Any) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        validate = commands.add_parser("validate", help="check a plan file; exit 1 with one line per error")
        validate.add_argument("file")
        load = commands.add_parser("load", help="create the campaign, or update it in place by its code")
        load.add_argument("file")
        load.add_argument("--as", dest="username", help="acting user (default: the first superuser)")
        commands.add_parser("schema", help="print the JSON Schema of plan files")
        render = commands.add_parser("render", help="the plan as an official document (GB/T 9704 layout)")
        render.add_argument("plan", help="a plan file, or the code of a loaded campaign")
        render.add_argument("--format", choices=["docx", "pdf", "html"], default="docx")
        render.add_argument("--output", "-o", help="where to write (default: the plan code and format, here)")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = {"validate": self._validate, "load": self._load, "schema": self._schema,
                   "render": self._render}[options["subcommand"]]
        sys.exit(handler(options))

    def _validate(self, options: dict[str, Any]) -> int:
        from suzhi.campaigns.plan.check import check_plan_text

        check_db = _database_ready()
        if not check_db:
            from suzhi.__main__ import not_migrated_message

            self.stderr.write(not_migrated_message().splitlines()[0] + " "
                              + _("Organisation codes, organisation types and person categories were not checked."))
        _plan, errors = check_plan_text(_read(options["file"]), check_db=check_db)
        for error in errors:
            self.stdout.write(str(error))
        if not errors:
            self.stdout.write(f"{options['file']}: OK")
        return 1 if errors else 0

    def _load(self, options: dict[str, Any]) -> int:
        from suzhi.campaigns.plan.check import PlanInvalid
        from suzhi.campaigns.services.plans import plan_load

        text = _read(options["file"])
        actor = acting_user(options["username"])
        try:
            campaign = plan_load(actor=actor, text=text)
        except PlanInvalid as exc:
            for error in exc.errors:
                self.stdout.write(str(error))
            return 1
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(f"{campaign.code}: {campaign.title} ({campaign.phases.count()} phases, "
                          f"{campaign.activities.count()} activities, {campaign.targets.count()} targets)")
        return 0

    def _schema(self, options: dict[str, Any]) -> int:
        from suzhi.campaigns.plan.schema import plan_json_schema

        self.stdout.write(json.dumps(plan_json_schema(), ensure_ascii=False, indent=2))
        return 0

    def _render(self, options: dict[str, Any]) -> int:
        from suzhi.campaigns.documents import document_filename, render_plan
        from suzhi.campaigns.models import Campaign
        from suzhi.campaigns.plan.check import PlanInvalid, parse_plan_text
        from suzhi.campaigns.plan.schema import Plan

        given = options["plan"]
        if Path(given).is_file():
            try:
                plan = parse_plan_text(_read(given), check_db=_database_ready())
            except PlanInvalid as exc:
                for error in exc.errors:
                    self.stdout.write(str(error))
                return 1
        else:
            campaign = Campaign.objects.filter(code=given).first()
            if campaign is None:
                raise CommandError(f"{given!r} is neither a file nor the code of a campaign.")
            plan = Plan.model_validate(campaign.plan)
        data = render_plan(plan, options["format"])
        output = Path(options["output"] or document_filename(plan, options["format"]))
        output.write_bytes(data)
        self.stdout.write(f"{output} ({len(data)} bytes)")
        return 0
