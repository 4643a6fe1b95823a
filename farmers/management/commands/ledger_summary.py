"""Check the monthly ledger summary against the ledger, or rebuild it.

``manage.py ledger_summary`` lists disagreements (exit status 1 if any);
``--rebuild`` recomputes the summary from the ledger, after a repair made
outside the services or a bulk load.
"""

from django.core.management.base import BaseCommand, CommandError

from farmers.services.ledger_summary import ledger_summary_mismatches, ledger_summary_rebuild


class Command(BaseCommand):
    help = "Check the monthly ledger summary against the ledger (--rebuild to recompute it)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="recompute it from the ledger")

    def handle(self, *args, rebuild: bool = False, **options):
        if rebuild:
            months, reach = ledger_summary_rebuild()
            self.stdout.write(f"rebuilt: {months} household-months, {reach} order-villages")
            return
        problems = ledger_summary_mismatches()
        for problem in problems[:50]:
            self.stdout.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} disagreements; run with --rebuild")
        self.stdout.write("the summary agrees with the ledger")
