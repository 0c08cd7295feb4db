"""The CITIES4CSR demo articles: the network's own report on November 2020 – February 2021
(with its Italian and French translations, the French one out of date), and a draft about
the first Small Scale Actions waiting for the coordinator to publish it."""

import datetime as dt

from django.urls import reverse

from . import demo_translations
from .enums import ArticleStatus
from .models import Article, Tag

TITLE = "What's new? The network's work from November 2020 to February 2021"
SLUG = "whats-new-november-2020-to-february-2021"
EDITED = dt.datetime(2021, 3, 12, 10, 0, tzinfo=dt.UTC)
TAGS = [("CSR", "csr"), ("SDGs", "sdgs"), ("Covid-19", "covid-19"), ("IAP", "iap")]


def body(meeting_urls):
    return f"""\
Four months, three online meetings and ten roadmaps: here is where the CITIES4CSR
partnership stands as spring 2021 begins.

## Three transnational meetings, all online

Covid-19 kept us apart, so our transnational meetings moved online.

- **[TNM #3]({meeting_urls[3]}), 25 November 2020**, opened with a keynote on how
  Corporate Social Responsibility can help cities reach the Sustainable Development Goals
  and recover from the pandemic. We then met another URBACT network for a
  network-to-network exchange, and tried out digital tools that keep local groups
  working together when they cannot meet in a room.
- **[TNM #4]({meeting_urls[4]}), 14 December 2020**, was given to the revision of the
  Integrated Action Plan roadmaps, with bilateral peer calls in which partner cities
  read and questioned each other's plans.
- **[TNM #5]({meeting_urls[5]}), 16 February 2021**, took stock of the work so far,
  looked more deeply at what an IAP holds, grouped the cities into pairs for exchanging
  good practices, and agreed the workplan for the months ahead.

## Roadmaps in, check-up calls done

In early December the lead partner and the lead expert held a check-up call with every
city. With that input, and the feedback from TNM #4, each partner city submitted its
**IAP roadmap at the end of December 2020**: the steps, owners and deadlines that will
take its URBACT Local Group from ideas to a finished plan.

## Planning Actions has begun

With the roadmaps submitted, the network closed the Activation stage and entered
**Planning Actions**. Cities are now turning their objectives into concrete actions,
and preparing **Small Scale Actions**: small local experiments, built with local
stakeholders, that test an idea before it goes into the plan. Tree planting with
companies and residents, neighbourhood solidarity projects and work with local
businesses are among the first ideas on the table. What they teach us will shape the
final plans.

We will report on the first Small Scale Actions in our next update.
"""


def load(*, context, stdout=None):
    network = context["network"]
    author = context["coordinator"]
    meetings = context.get("meetings", {})
    meeting_urls = {
        n: reverse("meetings:meeting_detail", args=[network.slug, n]) for n in (3, 4, 5)
    }
    article, _ = Article.objects.update_or_create(
        network=network,
        slug=SLUG,
        defaults={
            "title": TITLE,
            "summary": (
                "Three online transnational meetings, ten IAP roadmaps submitted, and the "
                "start of the Planning Actions phase with the first Small Scale Actions."
            ),
            "body": body(meeting_urls),
            "author": author,
            "byline_role": author.job_title,
            "status": ArticleStatus.PUBLISHED,
            "publish_at": EDITED,
            "created_at": EDITED,
            "edited_at": EDITED,
        },
    )
    tags = [Tag.objects.get_or_create(slug=slug, defaults={"name": name})[0] for name, slug in TAGS]
    article.tags.set(tags)
    article.related_meetings.set([meetings[n] for n in (3, 4, 5) if n in meetings])
    article.related_cities.set(list(context["partners"].values()))
    demo_translations.load(article=article, translator=author, meeting_urls=meeting_urls)
    context["articles"] = [article, load_draft(context, tags)]


DRAFT_TITLE = "First Small Scale Actions: planting trees with companies and residents"
DRAFT_SLUG = "first-small-scale-actions"
DRAFT_BODY = """\
Our cities are testing their first **Small Scale Actions**: small local experiments, built
with the URBACT Local Groups, that try an idea before it goes into the Integrated Action
Plan.

## Trees, companies and residents

In Budaörs, Bratislava and Sofia, local companies and residents plant trees together:
the companies give their employees' time and part of the cost, the city chooses the
places with the neighbourhood. Each city tests whether companies stay involved once the
trees are in the ground.

## Solidarity in the neighbourhoods

"Guimarães une" brings companies and associations together, and in Molina de Segura
"Mi Sueño Fátima" links a neighbourhood with its businesses.

We will share what the cities learn at our next transnational meeting.
"""


def load_draft(context, tags):
    """A draft written two days ago, edited yesterday, not published yet: something for
    the coordinator's home."""
    network, author = context["network"], context["coordinator"]
    dates = context["dates"]
    written = dates.days_ago(2)
    edited = dates.days_ago(1)
    article, _ = Article.objects.update_or_create(
        network=network,
        slug=DRAFT_SLUG,
        defaults={
            "title": DRAFT_TITLE,
            "summary": (
                "Tree planting with companies and residents, and neighbourhood solidarity "
                "projects: the first Small Scale Actions of the network's cities."
            ),
            "body": DRAFT_BODY,
            "author": author,
            "byline_role": author.job_title,
            "status": ArticleStatus.DRAFT,
            "publish_at": None,
            "created_at": dt.datetime(written.year, written.month, written.day, 15, tzinfo=dt.UTC),
            "edited_at": dt.datetime(edited.year, edited.month, edited.day, 11, tzinfo=dt.UTC),
        },
    )
    article.tags.set([tag for tag in tags if tag.slug in ("csr", "sdgs")])
    meetings = context.get("meetings", {})
    article.related_meetings.set([meetings[6]] if 6 in meetings else [])
    partners = context["partners"]
    article.related_cities.set(
        [partners[s] for s in ("budaors", "bratislava", "sofia", "guimaraes", "molina-de-segura")]
    )
    return article
