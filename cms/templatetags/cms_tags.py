"""Template tags for the site's header: the menu and the language links (see cms/navigation.py)."""

from django import template

from cms import navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    return navigation.language_links(context.get("request"))


@register.simple_tag(takes_context=True)
def site_sections(context) -> dict:
    return navigation.site_sections(context.get("request"))
