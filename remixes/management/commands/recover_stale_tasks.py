from django.core.management.base import BaseCommand

from remixes.services import recover_stale_tasks


class Command(BaseCommand):
    help = "Re-send remix tasks left IN_QUEUE/PROCESSING by a lost message or a dead worker."

    def handle(self, *args, **options):
        recovered = recover_stale_tasks()
        self.stdout.write(f"recovered {len(recovered)} task(s)" + (": " + ", ".join(recovered) if recovered else ""))
