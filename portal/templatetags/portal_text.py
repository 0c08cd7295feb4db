from django import template

from portal.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """`{{ article.body|markdown }}`: Markdown to sanitised HTML."""
    return render_markdown(text)
