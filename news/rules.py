"""Who may write news: the network's coordinators and its communication people."""

import rules

from partners.enums import Role
from partners.roles import network_id_of, roles_in

EDITOR_ROLES = {Role.COORDINATOR, Role.COMMUNICATION}


@rules.predicate
def is_news_editor(user, obj=None):
    """Coordinator or communication role in the network of `obj` (a network or an article)."""
    return bool(roles_in(user, network_id_of(obj)) & EDITOR_ROLES)


@rules.predicate
def is_public_article(user, article):
    return article is not None and article.is_public


rules.add_perm("news.view_article", is_public_article | is_news_editor)
rules.add_perm("news.add_article", is_news_editor)
rules.add_perm("news.change_article", is_news_editor)
rules.add_perm("news.publish_article", is_news_editor)
