"""Run the daily 28 CFR 23.20(h) review pass now (reminders and expiry)."""

from django.core.management.base import BaseCommand

from intel import services


class Command(BaseCommand):
    help = "Send review reminders (90/60/30 days) and restrict subjects whose review expired."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Queue it as a task instead.")

    def handle(self, *args, **options):
        if options["enqueue"]:
            from intel.tasks import review_tick

            result = review_tick.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        counts = services.subjects_review_tick()
        self.stdout.write(f"reminded {counts['reminded']}, expired {counts['expired']}")
