"""The stop box's tags: ``{% urgent_signs stop_box as signs %}``, the urgent signs for one
patient's stop box, and ``{% call_the_clinic clinic.name clinic.phone clinic_tel %}``, its call line."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from patients import stop_box as rules

register = template.Library()


@register.simple_tag
def urgent_signs(stop_box: dict) -> list:
    return rules.urgent_signs(stop_box or {})


@register.simple_tag
def call_the_clinic(name: str, phone: str, clinic_tel: str) -> str:
    """ "Call Northside Physio on <a href="tel:...">0161 ...</a>." in the active language:
    the sentence is translated whole, the number a tap-to-call link inside it."""
    if clinic_tel:
        phone = format_html('<a href="{}">{}</a>', clinic_tel, phone)
    sentence = conditional_escape(gettext("Call %(clinic)s on %(phone)s."))
    words = {"clinic": conditional_escape(name), "phone": conditional_escape(phone)}
    return mark_safe(sentence % words)  # every part escaped above
