from django.core.management.base import BaseCommand, CommandError

from demo import data, loader


class Command(BaseCommand):
    help = (
        "Charge (ou recharge) la démonstration : trois territoires sur des communes réelles, des "
        "entreprises et des messages fictifs. À lancer après load_reference_data. Ne touche à aucun "
        "territoire qui n'est pas marqué « démonstration »."
    )

    def handle(self, *args, **options):
        try:
            summary = loader.load()
        except loader.DemoError as e:
            raise CommandError(str(e)) from e
        for territory, active, upcoming, ended in summary.territories:
            self.stdout.write(
                f"/{territory.slug}/  {territory.name} : {territory.communes.count()} communes, "
                f"{active} en cours, {upcoming} à venir (7 jours), {ended} terminés ou annulés"
            )
        self.stdout.write(f"Comptes de démonstration (mot de passe « {data.PASSWORD} ») :")
        for username, role in summary.users:
            self.stdout.write(f"  {username:36} {role}")
