"""The demo's news and market articles (demo/data/articles.py), published under the news index."""

import datetime

from django.utils import timezone

from cms.models import ArticlePage, NewsIndexPage

from .data.articles import ARTICLES, DEMO_NOTE
from .images import demo_image


def build_articles(*, user=None, images: bool = True) -> int:
    """Publish the demo articles under the news index that are not there yet; returns how many."""
    news_index = NewsIndexPage.objects.order_by("path").first()
    if news_index is None:
        return 0
    existing = set(ArticlePage.objects.child_of(news_index).values_list("slug", flat=True))
    today = timezone.localdate()
    created = 0
    for slug, kind, days_ago, title, summary, body in ARTICLES:
        if slug in existing:
            continue
        article = ArticlePage(
            title=title,
            slug=slug,
            kind=kind,
            date=today - datetime.timedelta(days=days_ago),
            summary=summary,
            body=body + DEMO_NOTE,
            owner=user,
            image=demo_image(title=title, subtitle="Tin tuc - Market news", group="news") if images else None,
        )
        news_index.add_child(instance=article)
        article.save_revision(user=user, log_action=True).publish(user=user)
        created += 1
    return created
