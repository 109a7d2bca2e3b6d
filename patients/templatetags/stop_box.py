"""``{% urgent_signs stop_box as signs %}``: the urgent signs for one patient's stop box."""

from django import template

from patients import stop_box as rules

register = template.Library()


@register.simple_tag
def urgent_signs(stop_box: dict) -> list:
    return rules.urgent_signs(stop_box or {})
