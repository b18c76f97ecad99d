"""Competitions and honours against their baselines. (ranking) one event of 50,000 contestants ranked from the
judges' raw scores and those who advance chosen, against one ORDER BY over the same score rows
(bench/competition_ranking.py says how). (certificates) a batch of N 荣誉证书 (default 1,000) typeset
as one PDF (`certificates_pdf`: one HTML document with a page per certificate, rendered once) against the same N
certificates each typeset as its own PDF (`certificate_pdf`, as N single downloads would be). Both render the same
template with its QR code and embed the same Noto CJK faces; the batch loads and subsets the fonts once.

The certificates are issued first, untimed, through `certificates_issue_batch` (one issuer, consecutive numbers).
Each timing is the best of --repeat (default 1: the single PDFs take minutes at full size).

    .venv/bin/python bench/competitions.py --count 100
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/suzhi_bench .venv/bin/python bench/competitions.py

Sections: each figure is one function taking the parsed arguments and the shared setup; main() runs them in turn.
"""

import sys

# Python puts this folder first on the path, where bench/collections.py would shadow the standard library's
# `collections` for everything imported after it: the folder goes to the end (bench/targets.py is still found).
_here = sys.path.pop(0)
sys.path.append(_here)

import argparse  # noqa: E402
import logging  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import competition_ranking  # noqa: E402
from targets import Loader, best_of, build_tree, setup_django  # noqa: E402

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["小明", "建国", "秀英", "志强", "海燕", "春梅", "卫东", "丽华", "国庆", "晓燕"]
TITLES = ["优秀志愿者", "岗位能手", "技术标兵", "先进个人", "劳动模范"]


def setup(args: argparse.Namespace) -> dict[str, Any]:
    """The organisation tree (a few organisations) and an administrator: what every section issues under."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from suzhi.campaigns.models import Campaign
    from suzhi.core.models import Organisation, User

    call_command("migrate", verbosity=0)
    loader = Loader()
    with transaction.atomic():
        unit_ids, _stations = build_tree(loader, args.units, timezone.now().isoformat())
    if loader.postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('core_organisation', 'id'), "
                           "(SELECT max(id) FROM core_organisation))")
    root = Organisation.objects.get(depth=1)
    admin = User.objects.create_superuser(username="bench", password="x")  # noqa: S106
    campaign = Campaign.objects.create(code="bench-honours", title="2024年职工素质提升活动", year=2024, organiser=root)
    return {"root": root, "admin": admin, "campaign": campaign, "vendor": connection.vendor, "unit_ids": unit_ids}


def certificates_section(args: argparse.Namespace, env: dict[str, Any]) -> None:
    from suzhi.certificates.render import certificate_pdf, certificates_pdf
    from suzhi.certificates.services.issue import IssueItem, certificates_issue_batch

    items = [IssueItem(source_key=str(i), recipient_name=SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)],
                       fields={"title": TITLES[i % len(TITLES)], "reason": "在2024年职工素质提升活动中表现突出"},
                       digest=f"bench-{i}") for i in range(args.count)]
    started = time.perf_counter()
    issued = certificates_issue_batch(actor=env["admin"], kind="honour", issuer=env["root"], items=items,
                                      campaign=env["campaign"])
    print(f"issued {len(issued)} certificates in {time.perf_counter() - started:.1f} s "
          f"({issued[0].number} … {issued[-1].number})")
    base = "https://suzhi.example.cn"
    sizes: dict[str, int] = {}

    def singles() -> None:
        sizes["singles"] = sum(len(certificate_pdf(c, base_url=base)) for c in issued)

    def batch() -> None:
        sizes["batch"] = len(certificates_pdf(issued, base_url=base))

    single_time = best_of(args.repeat, singles)
    batch_time = best_of(args.repeat, batch)
    print(f"(a) {args.count} single PDFs:      {single_time:8.2f} s ({sizes['singles'] / 1e6:.1f} MB in all)")
    print(f"(b) one PDF of {args.count} pages: {batch_time:8.2f} s ({sizes['batch'] / 1e6:.1f} MB)")
    print(f"certificates b/a = {batch_time / single_time:.2f} (goal <= 0.5)")


def ranking_section(args: argparse.Namespace, env: dict[str, Any]) -> None:
    competition_ranking.run(argparse.Namespace(**{**vars(args), "repeat": args.ranking_repeat}), env)


SECTIONS = [ranking_section, certificates_section]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="certificates")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--ranking-repeat", type=int, default=3, help="runs of the ranking, the best kept")
    competition_ranking.arguments(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_dir:
        setup_django(Path(tmp_dir))
        logging.getLogger("weasyprint").setLevel(logging.WARNING)  # a line per page otherwise
        env = setup(args)
        print(f"database: {env['vendor']}; best of {args.repeat} run(s) each")
        for section in SECTIONS:
            section(args, env)


if __name__ == "__main__":
    main()
