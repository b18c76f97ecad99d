from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from suzhi.core.demo import load_demo


def logins_text(logins: list[tuple[str, str, str]], url: str = "") -> str:
    lines = ["", "Suzhi demo ready · 演示数据已就绪"]
    if url:
        lines.append(f"Open · 打开 {url}")
    lines.append("Demo logins · 演示账号 (username / password):")
    lines += [f"  {username:<10} {password:<12} {what}" for username, password, what in logins]
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Load the demo campaign (Dunhuang, the seed's plan 1) idempotently and print the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--logins-file", help="write the logins there instead of printing them (make demo prints "
                                                  "the file once the server listens)")
        parser.add_argument("--url", default="", help="the address the demo is served on, printed with the logins")

    def handle(self, *args: Any, **options: Any) -> None:
        text = logins_text(load_demo(), options["url"])
        if options["logins_file"]:
            path = Path(options["logins_file"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.stdout.write("Demo loaded; the logins follow once the server is up · "
                              "演示数据已载入，服务启动后显示账号")
        else:
            self.stdout.write(text)
