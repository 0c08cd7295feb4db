"""Fifty articles for each generated network of `load_demo --scale N`: most published over
the two years, two scheduled, a few drafts (see partners.demo_scale)."""

import datetime as dt

from django.utils.text import slugify

from partners.demo_scale import BATCH

from .enums import ArticleStatus
from .models import Article, Tag

ARTICLES_PER_NETWORK = 50
DRAFTS = 5
SCHEDULED = 2

TAGS = [
    ("IAP", "iap"), ("Small Scale Actions", "small-scale-actions"), ("ULG", "ulg"),
    ("Transnational meetings", "transnational-meetings"), ("Peer learning", "peer-learning"),
    ("Funding", "funding"), ("Residents", "residents"), ("Companies", "companies"),
]  # fmt: skip

TITLES = [
    "{city} opens its first neighbourhood hub",
    "What the local group of {city} learned this season",
    "{city} and {other}: a peer visit",
    "Five questions to the city coordinator of {city}",
    "{acronym} at the URBACT City Festival",
    "Small Scale Action in {city}: the first results",
    "How {city} funds the actions of its plan",
    "{city} signs a pact with local companies",
    "Residents of {city} choose the plan's priorities",
    "A walk through {city} with its local group",
    "{other} hosts the cities for a site visit",
    "The lead expert on the roadmaps of {acronym}",
]
PARAGRAPHS = [
    "The URBACT Local Group of {city} met again this month, with more residents and "
    "companies around the table than at the start. What began as a list of problems is "
    "turning into a list of actions, each with an owner and a date.",
    "For the city team, the most useful part of the network is the peer review: another "
    "city reads the plan and asks the questions nobody at home asks. {other} did just that, "
    "and the roadmap changed as a result.",
    "The Small Scale Action was small on purpose. It tested one idea in one street, for a "
    "few weeks, with a budget the city could spend without a council vote. The lessons "
    "are already in the draft action table.",
    "Funding remains the hardest question. The city budget covers the first year; for the "
    "larger actions the team is looking at regional programmes and European funds, with "
    "help from the lead expert.",
    "Residents were asked where to start. More than three hundred answered, online and at "
    "stalls in the markets, and their first choice surprised the city team.",
    "Local companies are part of the plan too. Some lend volunteers, some space, and a few "
    "have signed up to buy from social enterprises in the neighbourhood.",
    "The next transnational meeting will look at indicators: how to show, in a few figures, "
    "what the actions change for the people who live in {city}.",
    "Not everything worked. The first meetings drew the usual participants, and the team "
    "had to go to where people are, not wait for them at the town hall.",
]
LIST = """\
- a local group that meets every two months;
- a roadmap reviewed by the lead expert;
- a Small Scale Action tested with residents;
- an action table with owners, dates and budgets.
"""


def load(*, context, stdout=None):
    now = context["now"]
    tags = tags_by_slug()
    articles, tagged, meetings_of, cities_of = [], [], [], []
    for gen in context["generated"]:
        rng = gen.random("news")
        held = [m for m in gen.shared.get("meetings", []) if m.starts_at < now]
        first = dt.datetime.combine(gen.timeline.day(30), dt.time(9), tzinfo=dt.UTC)
        span = (now - dt.timedelta(days=1) - first).total_seconds()
        published = sorted(
            first + dt.timedelta(seconds=rng.uniform(0, span))
            for _ in range(ARTICLES_PER_NETWORK - DRAFTS - SCHEDULED)
        )
        kinds = [ArticleStatus.PUBLISHED] * len(published)
        kinds += [ArticleStatus.SCHEDULED] * SCHEDULED + [ArticleStatus.DRAFT] * DRAFTS
        slugs = set()
        for n, status in enumerate(kinds):
            city, other = rng.sample(gen.partners, 2)
            meeting = None
            if status == ArticleStatus.PUBLISHED:
                publish_at = published[n].replace(microsecond=0)
                created = publish_at - dt.timedelta(days=rng.randint(1, 10))
                before = [m for m in held if m.starts_at < publish_at]
                meeting = before[-1] if before and rng.random() < 0.4 else None
            elif status == ArticleStatus.SCHEDULED:
                publish_at = now + dt.timedelta(days=rng.randint(2, 20), hours=rng.randint(0, 8))
                created = now - dt.timedelta(days=rng.randint(1, 10))
            else:
                publish_at = None
                created = now - dt.timedelta(days=rng.randint(1, 60))
            if meeting is not None:
                title = f"TNM #{meeting.number} in {meeting.host.city}: {meeting.title}"
            else:
                title = rng.choice(TITLES).format(
                    city=city.city, other=other.city, acronym=gen.network.acronym
                )
            slug = base = slugify(title)[:100].strip("-")
            suffix = 2
            while slug in slugs:
                slug, suffix = f"{base}-{suffix}", suffix + 1
            slugs.add(slug)
            article = Article(
                network=gen.network,
                title=title[:200],
                slug=slug,
                summary=f"News from {city.city} and the {gen.network.acronym} network.",
                body=body(rng, city=city.city, other=other.city),
                author=gen.coordinator,
                byline_role=gen.coordinator.job_title,
                status=status,
                publish_at=publish_at,
                created_at=created,
                edited_at=created + dt.timedelta(hours=rng.randint(0, 20)),
                version=1 + rng.randint(0, 2),
            )
            articles.append(article)
            tagged += [(article, tags[t]) for t in rng.sample(sorted(tags), rng.randint(1, 3))]
            if meeting is not None:
                meetings_of.append((article, meeting))
            cities_of += [(article, city)] + ([(article, other)] if rng.random() < 0.3 else [])
    Article.objects.bulk_create(articles, batch_size=BATCH)
    for field, pairs, column in [
        (Article.tags, tagged, "tag_id"),
        (Article.related_meetings, meetings_of, "meeting_id"),
        (Article.related_cities, cities_of, "partner_id"),
    ]:
        through = field.through
        through.objects.bulk_create(
            [through(article_id=article.pk, **{column: other.pk}) for article, other in pairs],
            batch_size=BATCH,
        )
    context["counts"]["articles"] = len(articles)
    context["counts"]["published"] = sum(a.status == ArticleStatus.PUBLISHED for a in articles)


def tags_by_slug() -> dict[str, Tag]:
    Tag.objects.bulk_create(
        [Tag(name=name, slug=slug) for name, slug in TAGS], ignore_conflicts=True
    )
    return {tag.slug: tag for tag in Tag.objects.filter(slug__in=[slug for _, slug in TAGS])}


def body(rng, *, city, other) -> str:
    """About 350 words of Markdown: paragraphs, two headings and a list."""
    chosen = rng.sample(PARAGRAPHS, 6)
    text = [p.format(city=city, other=other) for p in chosen]
    return "\n\n".join(
        [
            *text[:2],
            "## What the city has now",
            LIST,
            *text[2:4],
            "## What comes next",
            *text[4:],
        ]
    )
