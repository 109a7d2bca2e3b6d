"""Django's form renderer, with its smallest widget templates written out in Python.

Django renders every input, every radio button and checkbox, and every option of a
select through a chain of small templates (``input_option.html`` includes
``input.html``, which includes ``attrs.html``). On the patient's phone page the pain
scale, the reminder days and the 24 hours made that chain a third of the page's time
(issue 23), and the builder's selects pay it too. These functions write the same HTML
that those templates write, character for character
(``tests/hipclinic/test_form_renderer.py`` compares them with Django's own templates), from
the context Django's widgets already build: which attributes, ``checked``, ``selected``,
``aria-invalid`` and ids stay Django's decisions. Every other template (a textarea, a
multi-widget, crispy-forms' own) renders as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

WIDGETS = "django/forms/widgets/"
# The widget templates that are nothing but {% include "django/forms/widgets/input.html" %}.
PLAIN_INPUTS = [
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "file",
    "hidden",
    "input",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
]


def attributes(attrs: dict) -> SafeString:
    """attrs.html: ` name="value"` each, a bare ` name` for True, nothing for False.
    Values are escaped unless already safe, as the template's ``stringformat`` filter does."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


def write_input(widget: dict) -> SafeString:
    """input.html."""
    value = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget["type"],
        widget["name"],
        value,
        attributes(widget["attrs"]),
    )


def write_input_option(widget: dict) -> SafeString:
    """input_option.html: one radio button or checkbox, in its label when asked."""
    tag = write_input(widget)
    if not widget.get("wrap_label"):
        return tag
    label_for = format_html(' for="{}"', widget["attrs"]["id"]) if widget["attrs"].get("id") else ""
    # input.html ends with a line break, which the label keeps before its text.
    return format_html("<label{}>{}\n {}</label>", label_for, tag, widget["label"])


def write_option(widget: dict) -> SafeString:
    """select_option.html (its file ends with a line break, which the select keeps)."""
    return format_html(
        '<option value="{}"{}>{}</option>\n',
        widget["value"],
        attributes(widget["attrs"]),
        widget["label"],
    )


def write_select(widget: dict) -> SafeString:
    """select.html: the options, in their groups."""
    parts = [format_html('<select name="{}"{}>', widget["name"], attributes(widget["attrs"]))]
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            parts.append("\n  ")
            parts.append(WRITERS[option["template_name"]](option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # every part is escaped where it was made


WRITERS = {
    **{f"{WIDGETS}{name}.html": write_input for name in PLAIN_INPUTS},
    f"{WIDGETS}input_option.html": write_input_option,
    f"{WIDGETS}radio_option.html": write_input_option,
    f"{WIDGETS}checkbox_option.html": write_input_option,
    f"{WIDGETS}select_option.html": write_option,
    f"{WIDGETS}select.html": write_select,
}


class FormRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: the writers above for their templates, Django's templates
    for the rest. Like Django's renderer, the result is stripped of outer whitespace."""

    def render(self, template_name, context, request=None):
        write = WRITERS.get(template_name)
        if write is None:
            return super().render(template_name, context, request=request)
        return mark_safe(write(context["widget"]).strip())
