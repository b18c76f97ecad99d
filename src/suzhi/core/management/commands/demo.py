from django.core.management.base import BaseCommand

from suzhi.core.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo campaign (Dunhuang, the seed's plan 1) idempotently and print the demo logins."

    def handle(self, *args, **options) -> None:
        logins = load_demo()
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Suzhi demo ready · 演示数据已就绪"))
        self.stdout.write("Demo logins · 演示账号 (username / password):")
        for username, password, what in logins:
            self.stdout.write(f"  {username:<10} {password:<12} {what}")
        self.stdout.write("")
