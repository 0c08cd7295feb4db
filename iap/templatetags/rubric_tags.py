from django import template

register = template.Library()


@register.simple_tag
def rubric_rows_for(table, kind):
    """`{% rubric_rows_for rubric section.kind as rows %}`: the rows of the plan's rubric
    (iap.rubric.RubricTable) about that section of the IAP."""
    if not table:
        return []
    return table.by_section.get(kind, [])
