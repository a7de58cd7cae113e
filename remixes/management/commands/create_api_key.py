"""`manage.py create_api_key USERNAME [--name NAME]`: print a new API key for an account."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from remixes.apikeys import create_api_key


class Command(BaseCommand):
    help = "Create an API key for USERNAME and print it (it is shown only once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="A label to recognise the key by.")

    def handle(self, *args, username: str, name: str, **options) -> None:
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No account named {username!r}.") from None
        key, raw = create_api_key(user, name=name or "created by manage.py")
        self.stderr.write(f"Created key {key.prefix}... for {user.username}. It will not be shown again.")
        self.stdout.write(raw)
