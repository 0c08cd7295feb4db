"""Who may write news: the network's coordinators and its communication people."""

import rules

from partners.enums import Role
from partners.roles import network_id_of, roles_in


@rules.predicate
def is_news_editor(user, obj=None):
    """A news editor in the network of `obj` (a network or an article)."""
    return bool(roles_in(user, network_id_of(obj)) & set(Role.news_editors()))


rules.add_perm("news.add_article", is_news_editor)
rules.add_perm("news.change_article", is_news_editor)
rules.add_perm("news.publish_article", is_news_editor)
