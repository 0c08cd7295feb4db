"""The demo article in Italian and in French, written by the network's own people.

The Italian one was saved from the current original; the French one was made from an
earlier version (8 March 2021) and the original was corrected on 12 March: the French
translation is out of date, and its editors see it flagged.
"""

import datetime as dt

from .models import Article, ArticleTranslation

FRENCH_FROM = dt.datetime(2021, 3, 8, 16, 0, tzinfo=dt.UTC)


def italian(meeting_urls) -> dict:
    return {
        "title": "Novità: il lavoro della rete da novembre 2020 a febbraio 2021",
        "summary": (
            "Tre incontri transnazionali online, dieci roadmap dei Piani d'Azione Integrati "
            "consegnate e l'avvio della fase di Pianificazione delle Azioni con le prime "
            "Small Scale Actions."
        ),
        "body": f"""\
Quattro mesi, tre incontri online e dieci roadmap: ecco a che punto è il partenariato
CITIES4CSR all'inizio della primavera 2021.

## Tre incontri transnazionali, tutti online

Il Covid-19 ci ha tenuti lontani, e i nostri incontri transnazionali si sono spostati online.

- **[TNM #3]({meeting_urls[3]}), 25 novembre 2020**, si è aperto con un intervento su come
  la Responsabilità Sociale d'Impresa possa aiutare le città a raggiungere gli Obiettivi di
  Sviluppo Sostenibile e a uscire dalla pandemia. Abbiamo poi incontrato un'altra rete
  URBACT per uno scambio tra reti, e provato strumenti digitali che permettono ai gruppi
  locali di lavorare insieme anche quando non possono riunirsi in una stanza.
- **[TNM #4]({meeting_urls[4]}), 14 dicembre 2020**, è stato dedicato alla revisione delle
  roadmap dei Piani d'Azione Integrati, con chiamate bilaterali in cui le città partner
  hanno letto e discusso i piani le une delle altre.
- **[TNM #5]({meeting_urls[5]}), 16 febbraio 2021**, ha fatto il punto sul lavoro svolto,
  ha approfondito il contenuto di un IAP, ha riunito le città in coppie per scambiarsi
  buone pratiche e ha approvato il piano di lavoro dei prossimi mesi.

## Roadmap consegnate, check-up completati

All'inizio di dicembre il lead partner e il lead expert hanno tenuto una chiamata di
check-up con ogni città. Con quegli spunti, e con i riscontri del TNM #4, ogni città
partner ha consegnato la sua **roadmap IAP alla fine di dicembre 2020**: le tappe, i
responsabili e le scadenze che porteranno il suo URBACT Local Group dalle idee al piano
finito.

## È iniziata la Pianificazione delle Azioni

Con le roadmap consegnate, la rete ha chiuso la fase di Attivazione ed è entrata nella
**Pianificazione delle Azioni**. Le città stanno trasformando i loro obiettivi in azioni
concrete e preparano le **Small Scale Actions**: piccole sperimentazioni locali, costruite
con gli attori del territorio, che mettono alla prova un'idea prima che entri nel piano.
Alberi piantati insieme da imprese e residenti, progetti di solidarietà di quartiere e
lavoro con le attività commerciali locali sono tra le prime idee sul tavolo. Ciò che ci
insegneranno darà forma ai piani finali.

Racconteremo le prime Small Scale Actions nel nostro prossimo aggiornamento.
""",
    }


def french(meeting_urls) -> dict:
    """Made from the version of 8 March, which still dated TNM #5 on 17 February."""
    return {
        "title": "Quoi de neuf ? Le travail du réseau de novembre 2020 à février 2021",
        "summary": (
            "Trois réunions transnationales en ligne, dix feuilles de route de Plans d'Action "
            "Intégrés remises, et le début de la phase de Planification des Actions avec les "
            "premières Small Scale Actions."
        ),
        "body": f"""\
Quatre mois, trois réunions en ligne et dix feuilles de route : voici où en est le
partenariat CITIES4CSR au début du printemps 2021.

## Trois réunions transnationales, toutes en ligne

Le Covid-19 nous a tenus à distance : nos réunions transnationales sont passées en ligne.

- **[TNM #3]({meeting_urls[3]}), 25 novembre 2020**, s'est ouverte sur une intervention sur
  la manière dont la Responsabilité Sociétale des Entreprises peut aider les villes à
  atteindre les Objectifs de Développement Durable et à se relever de la pandémie. Nous
  avons ensuite rencontré un autre réseau URBACT pour un échange entre réseaux, et essayé
  des outils numériques qui permettent aux groupes locaux de travailler ensemble quand ils
  ne peuvent pas se réunir.
- **[TNM #4]({meeting_urls[4]}), 14 décembre 2020**, a été consacrée à la révision des
  feuilles de route des Plans d'Action Intégrés, avec des appels bilatéraux où les villes
  partenaires ont lu et questionné les plans les unes des autres.
- **[TNM #5]({meeting_urls[5]}), 17 février 2021**, a fait le point sur le travail accompli,
  approfondi le contenu d'un IAP, réuni les villes en binômes pour échanger leurs bonnes
  pratiques et adopté le programme de travail des mois à venir.

## Feuilles de route remises, appels de suivi terminés

Début décembre, le partenaire chef de file et l'expert principal ont tenu un appel de
suivi avec chaque ville. Avec ces apports et les retours de la TNM #4, chaque ville
partenaire a remis sa **feuille de route IAP fin décembre 2020** : les étapes, les
responsables et les échéances qui mèneront son URBACT Local Group des idées au plan
achevé.

## La Planification des Actions a commencé

Les feuilles de route remises, le réseau a clos la phase d'Activation et est entré dans la
**Planification des Actions**. Les villes transforment leurs objectifs en actions
concrètes et préparent des **Small Scale Actions** : de petites expériences locales,
construites avec les acteurs du territoire, qui testent une idée avant qu'elle n'entre
dans le plan. Des arbres plantés par des entreprises et des habitants, des projets de
solidarité de quartier et un travail avec les commerces locaux font partie des premières
idées. Ce qu'elles nous apprendront façonnera les plans finaux.

Nous présenterons les premières Small Scale Actions dans notre prochaine mise à jour.
""",
    }


def load(*, article: Article, translator, meeting_urls) -> None:
    for language, text, source_edited_at in (
        ("it", italian(meeting_urls), article.edited_at),
        ("fr", french(meeting_urls), FRENCH_FROM),
    ):
        ArticleTranslation.objects.update_or_create(
            article=article,
            language=language,
            defaults={**text, "translator": translator, "source_edited_at": source_edited_at},
        )
