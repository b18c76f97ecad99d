from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from suzhi.core.demo import load_demo


def logins_text(logins: list[tuple[str, str, str]], url: str = "") -> str:
    lines = ["", "Suzhi demo ready · 演示数据已就绪"]
    if url:
        lines.append(f"Open · 打开 {url}")
    lines.append("Demo logins · 演示账号 (username / password):")
    lines += [f"  {username:<10} {password:<12} {what}" for username, password, what in logins]
    return "\n".join(lines) + "\n"


def loaded_then_computed() -> list[tuple[str, str, str]]:
    """Load the demo with background work held back, then compute the ranks and targets it asked for, once each,
    in this process. On SQLite a recomputation running on a background thread meanwhile would wait for the
    loader's long transactions and fail with "database is locked"."""
    from suzhi.core.tasks import refresh_run_pending

    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        logins = load_demo()
    with override_settings(SUZHI_REFRESH_MIN_SECONDS=0):
        refresh_run_pending()
    return logins


class Command(BaseCommand):
    help = "Load the demo campaign (Dunhuang, the seed's plan 1) idempotently and print the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--logins-file", help="write the logins there instead of printing them (make demo prints "
                                                  "the file once the server listens)")
        parser.add_argument("--url", default="", help="the address the demo is served on, printed with the logins")

    def handle(self, *args: Any, **options: Any) -> None:
        text = logins_text(loaded_then_computed(), options["url"])
        if options["logins_file"]:
            path = Path(options["logins_file"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.stdout.write("Demo loaded; the logins follow once the server is up · "
                              "演示数据已载入，服务启动后显示账号")
        else:
            self.stdout.write(text)
