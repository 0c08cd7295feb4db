import logging

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)


@shared_task
def publish_scheduled_articles() -> int:
    published = services.publish_due_articles()
    if published:
        logger.info("Published %d scheduled article(s)", published)
    return published
