"""SVG pictures redrawn from an allow-list: what is stored is only what was checked.

An SVG can carry scripts, event handlers, HTML, links to other files or sites, and
stylesheets that fetch them, often hidden behind escapes the eye does not catch
(``@\\69mport``, ``u\\72l(...)``, an element splitting ``@im<x/>port``, an XHTML
``<h:img>``). Looking for bad patterns missed those; here the file is parsed and
written out again with only the elements and attributes a drawing needs, in the
SVG namespace. CSS, in ``style`` attributes, ``<style>`` and presentation
attributes alike, goes through a real CSS tokenizer (tinycss2, which WeasyPrint
uses too), so escapes and comments are undone before anything is judged, and the
stored CSS is the tokenizer's own serialization of what it judged.

Things that would act or fetch (scripts, handlers, HTML, links outside the file,
``@import``) refuse the upload with a message saying why; harmless extras that
drawing programs add (metadata, editor namespaces, comments) are left out.
"""

from xml.parsers import expat
from xml.sax.saxutils import escape

import tinycss2
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# Browsers render these as HTML or MathML inside an SVG, with all that HTML can do.
HTML_NAMESPACES = {"http://www.w3.org/1999/xhtml", "http://www.w3.org/1998/Math/MathML"}

NOT_SVG = gettext_lazy("The file is not an SVG drawing (its root is not <svg>).")
# Deeper than any drawing program nests; far shallower than a parser's stack.
MAX_DEPTH = 100
# WeasyPrint takes about half a millisecond per shape it draws, so a handout with a few
# pictures stays within seconds. Each <use> counts as the shapes it copies: ten levels
# of ten <use> each are a 1 KB file that draws ten billion circles. (Markers, which
# copy shapes onto every corner of a path, are left out for the same reason.)
MAX_SHAPES = 5000

FILTER_ELEMENTS = {
    "filter",
    "feBlend",
    "feColorMatrix",
    "feComponentTransfer",
    "feComposite",
    "feConvolveMatrix",
    "feDiffuseLighting",
    "feDisplacementMap",
    "feDistantLight",
    "feDropShadow",
    "feFlood",
    "feFuncA",
    "feFuncB",
    "feFuncG",
    "feFuncR",
    "feGaussianBlur",
    "feMerge",
    "feMergeNode",
    "feMorphology",
    "feOffset",
    "fePointLight",
    "feSpecularLighting",
    "feSpotLight",
    "feTile",
    "feTurbulence",
}
# Elements whose text is part of the picture; elsewhere text is only layout whitespace.
TEXT_ELEMENTS = {"title", "desc", "text", "tspan", "textPath"}
ELEMENTS = {
    "svg",
    "g",
    "defs",
    "symbol",
    "use",
    "style",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "linearGradient",
    "radialGradient",
    "stop",
    "pattern",
    "clipPath",
    "mask",
    *TEXT_ELEMENTS,
    *FILTER_ELEMENTS,
}
# Not drawn at all: these act, embed or fetch. Named in the refusal so the sender knows.
ACTIVE_ELEMENTS = {
    "script",
    "foreignObject",
    "iframe",
    "object",
    "embed",
    "audio",
    "video",
    "image",
    "feImage",
    "a",
    "animate",
    "animateMotion",
    "animateTransform",
    "set",
    "discard",
    "handler",
    "listener",
}

PRESENTATION_ATTRIBUTES = {
    "alignment-baseline",
    "baseline-shift",
    "clip-path",
    "clip-rule",
    "color",
    "color-interpolation",
    "color-interpolation-filters",
    "direction",
    "display",
    "dominant-baseline",
    "fill",
    "fill-opacity",
    "fill-rule",
    "filter",
    "flood-color",
    "flood-opacity",
    "font-family",
    "font-size",
    "font-stretch",
    "font-style",
    "font-variant",
    "font-weight",
    "image-rendering",
    "isolation",
    "letter-spacing",
    "lighting-color",
    "mask",
    "mix-blend-mode",
    "opacity",
    "overflow",
    "paint-order",
    "shape-rendering",
    "stop-color",
    "stop-opacity",
    "stroke",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "stroke-opacity",
    "stroke-width",
    "text-anchor",
    "text-decoration",
    "text-rendering",
    "transform",
    "transform-origin",
    "unicode-bidi",
    "vector-effect",
    "visibility",
    "word-spacing",
    "writing-mode",
}
GEOMETRY_ATTRIBUTES = {
    # shapes, text and the viewport
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr",
    "d", "points", "width", "height", "pathLength", "viewBox", "preserveAspectRatio",
    "dx", "dy", "rotate", "textLength", "lengthAdjust", "startOffset", "method", "spacing",
    "side", "version",
    # gradients, patterns, clips, masks, symbols
    "offset", "gradientUnits", "gradientTransform", "spreadMethod", "patternUnits",
    "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits",
    "maskContentUnits", "refX", "refY",
    "orient",
    # filters
    "filterUnits", "primitiveUnits", "in", "in2", "result", "stdDeviation", "mode",
    "operator", "k1", "k2", "k3", "k4", "type", "values", "tableValues", "slope",
    "intercept", "amplitude", "exponent", "azimuth", "elevation", "surfaceScale",
    "diffuseConstant", "specularConstant", "specularExponent", "kernelMatrix", "order",
    "divisor", "bias", "targetX", "targetY", "edgeMode", "preserveAlpha", "radius",
    "scale", "xChannelSelector", "yChannelSelector", "baseFrequency", "numOctaves",
    "seed", "stitchTiles", "limitingConeAngle", "pointsAtX", "pointsAtY", "pointsAtZ",
    "z",
}  # fmt: skip
# Names and labels, not CSS values.
NAME_ATTRIBUTES = {"id", "class", "role", "aria-label", "aria-hidden", "lang"}
ATTRIBUTES = PRESENTATION_ATTRIBUTES | GEOMETRY_ATTRIBUTES | NAME_ATTRIBUTES | {"style", "href"}
# CSS functions a drawing uses: colours, transforms, arithmetic, and url() to a #fragment.
CSS_FUNCTIONS = {
    "rgb", "rgba", "hsl", "hsla", "calc", "url", "matrix", "translate", "translatex",
    "translatey", "scale", "scalex", "scaley", "rotate", "skewx", "skewy",
}  # fmt: skip


def sanitize_svg(data: bytes) -> bytes:
    """The SVG ``data`` rewritten from the allow-list, as UTF-8; ValidationError, in plain
    words, when it holds anything that could run code, show HTML or fetch another file.

    Expat stops at the first DOCTYPE or entity declaration, so nothing is ever
    expanded or fetched while reading.
    """
    writer = SvgWriter()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.ordered_attributes = True  # attributes come out in the order they went in
    parser.StartDoctypeDeclHandler = writer.refuse_doctype
    parser.EntityDeclHandler = writer.refuse_doctype
    parser.ProcessingInstructionHandler = writer.instruction
    parser.StartElementHandler = writer.start
    parser.EndElementHandler = writer.end
    parser.CharacterDataHandler = writer.text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise ValidationError(
            gettext(
                "The SVG file is not well-formed XML. The picture must be a PNG, JPEG or SVG file."
            )
        ) from error
    if not writer.out:
        raise ValidationError(NOT_SVG)
    writer.check_shape_count()
    return ("".join(writer.out) + "\n").encode()


class SvgWriter:
    """Expat handlers writing the allowed part of an SVG to ``out``, refusing the unsafe."""

    def __init__(self):
        self.out: list[str] = []
        # One entry per open element: its name if written, None if left out.
        self.open: list[str | None] = []
        self.empty = False  # the last start tag written is still open for "/>"
        self.style_text: list[str] | None = None
        self.uses_xlink = False
        self.root_at = 0  # where the root's namespace declarations are in ``out``
        # The written elements, for counting shapes: each one's children and, for a
        # <use>, the id it copies; ``ids`` finds an element by its id.
        self.children: list[list[int]] = []
        self.copies: list[str | None] = []
        self.ids: dict[str, int] = {}
        self.written: list[int] = []  # the open written elements, innermost last

    def refuse_doctype(self, *args):
        raise ValidationError(gettext("The SVG has a DOCTYPE or entities; save it as a plain SVG."))

    def instruction(self, target, data):
        if target.lower() == "xml-stylesheet":
            raise ValidationError(
                gettext(
                    "The SVG loads a stylesheet from another file; pictures must be self-contained."
                )
            )

    def start(self, name, attributes):
        namespace, _, tag = name.rpartition(" ")
        if len(self.open) >= MAX_DEPTH:
            raise ValidationError(gettext("The SVG is nested too deeply to be a drawing."))
        if namespace in HTML_NAMESPACES:
            raise ValidationError(
                gettext("The SVG contains HTML (<%(tag)s>), which is not allowed in a picture.")
                % {"tag": tag}
            )
        is_svg = namespace in (SVG_NS, "")
        if not self.open and not (is_svg and tag == "svg"):
            raise ValidationError(NOT_SVG)
        if is_svg and tag in ACTIVE_ELEMENTS:
            raise ValidationError(
                gettext("The SVG contains <%(tag)s>, which is not allowed in a picture.")
                % {"tag": tag}
            )
        pairs = list(zip(attributes[::2], attributes[1::2], strict=True))
        for attribute, _ in pairs:
            if attribute.lower().startswith("on"):  # a namespaced name starts with its URI
                raise ValidationError(
                    gettext(
                        "The SVG has an event handler (%(attribute)s); pictures cannot run code."
                    )
                    % {"attribute": attribute}
                )
        parent_written = not self.open or self.open[-1] is not None
        if not (is_svg and tag in ELEMENTS and parent_written and self.style_text is None):
            self.open.append(None)  # an editor's extra, or inside one: left out with its content
            return
        self.close_start_tag()
        written = "".join(self.attribute(attribute, value) for attribute, value in pairs)
        if not self.open:
            # The root declares the namespaces (xlink's is added at the end, if used).
            self.root_at = len(self.out)
            self.out.append(f'<svg xmlns="{SVG_NS}"')
            self.out.append(written)
        else:
            self.out.append(f"<{tag}{written}")
        self.empty = True
        self.open.append(tag)
        self.remember(tag, dict(pairs))
        if tag == "style":
            self.style_text = []

    def attribute(self, name: str, value: str) -> str:
        """The attribute as written out (with its leading space), or "" when left out."""
        namespace, _, local = name.rpartition(" ")
        if local == "href" and namespace in ("", XLINK_NS):
            if not value.strip().startswith("#"):
                raise ValidationError(
                    gettext(
                        "The SVG links to another file or site; pictures must be self-contained."
                    )
                )
            if namespace == XLINK_NS:
                self.uses_xlink = True
                local = "xlink:href"
            return f' {local}="{escape_attribute(value.strip())}"'
        if namespace == XML_NS and local in ("space", "lang"):
            return f' xml:{local}="{escape_attribute(value)}"'
        if namespace or local not in ATTRIBUTES:
            return ""
        if local == "style":
            value = clean_declarations(value)
        elif local not in NAME_ATTRIBUTES:
            check_css_values(tinycss2.parse_component_value_list(value))
        return f' {local}="{escape_attribute(value)}"'

    def remember(self, tag: str, attributes: dict) -> None:
        index = len(self.children)
        if self.written:
            self.children[self.written[-1]].append(index)
        self.children.append([])
        href = attributes.get("href", attributes.get(f"{XLINK_NS} href", ""))
        self.copies.append(href.strip()[1:] if tag == "use" else None)
        if "id" in attributes:
            self.ids.setdefault(attributes["id"], index)
        self.written.append(index)

    def check_shape_count(self) -> None:
        counted: dict[int, int] = {}

        def shapes(index: int, depth: int) -> int:
            if index in counted:
                return counted[index]
            if depth > MAX_DEPTH + 50:  # nesting, then a few <use> of <use>
                raise ValidationError(
                    gettext("The SVG's <use> elements copy each other too deeply (or in a loop).")
                )
            total = 1
            for child in self.children[index]:
                total += shapes(child, depth + 1)
            if self.copies[index] in self.ids:
                total += shapes(self.ids[self.copies[index]], depth + 1)
            if total > MAX_SHAPES:
                raise ValidationError(
                    gettext(
                        "The SVG draws more than %(most)s shapes (counting each copy a "
                        "<use> makes); that is too slow to print. Simplify it, or save it as a "
                        "PNG, and try again."
                    )
                    % {"most": f"{MAX_SHAPES:,}"}
                )
            counted[index] = total
            return total

        shapes(0, 0)

    def end(self, name):
        tag = self.open.pop()
        if tag is None:
            return
        self.written.pop()
        if tag == "style":
            css = clean_stylesheet("".join(self.style_text))
            self.style_text = None
            if css:
                self.close_start_tag()
                self.out.append(escape(css))
        if self.empty:
            self.out.append("/>")
            self.empty = False
        else:
            self.out.append(f"</{tag}>")
        if not self.open and self.uses_xlink:
            self.out[self.root_at] += f' xmlns:xlink="{XLINK_NS}"'

    def text(self, data):
        if not self.open or (self.open[-1] is None and self.style_text is None):
            return
        if self.style_text is not None:
            # All text inside <style>, even inside children left out: checked as one sheet.
            self.style_text.append(data)
        elif self.open[-1] in TEXT_ELEMENTS:
            self.close_start_tag()
            self.out.append(escape(data))

    def close_start_tag(self):
        if self.empty:
            self.out.append(">")
            self.empty = False


def escape_attribute(value: str) -> str:
    return escape(value, {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def refuse_at_rule(node) -> None:
    """At-rules (``@import``, ``@font-face``...) can fetch or run; a picture has none."""
    if node.type == "at-rule":
        raise ValidationError(
            gettext(
                "The SVG's style uses @%(rule)s, which is not allowed in a picture; pictures "
                "must be self-contained."
            )
            % {"rule": node.lower_at_keyword}
        )


def clean_stylesheet(css: str) -> str:
    """A ``<style>`` sheet re-serialized from its rules; ValidationError for at-rules
    (``@import``, ``@font-face``...) or values that fetch."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    written = []
    for rule in rules:
        refuse_at_rule(rule)
        if rule.type != "qualified-rule":
            continue  # a parse error: browsers skip it, and so do we
        declarations = clean_declarations(rule.content)
        written.append(f"{tinycss2.serialize(rule.prelude).strip()}{{{declarations}}}")
    return "".join(written)


def clean_declarations(css) -> str:
    """Declarations (a style attribute, or a rule's block) re-serialized after checking."""
    nodes = tinycss2.parse_blocks_contents(css, skip_comments=True, skip_whitespace=True)
    written = []
    for node in nodes:
        refuse_at_rule(node)
        if node.type != "declaration":
            continue
        check_css_values(node.value)
        important = " !important" if node.important else ""
        written.append(f"{node.name}:{tinycss2.serialize(node.value).strip()}{important}")
    return ";".join(written)


def check_css_values(tokens) -> None:
    """Refuse a CSS function outside CSS_FUNCTIONS, and any url() but a #fragment."""
    for token in tokens:
        if token.type == "url":
            check_url(token.value)
        elif token.type == "function":
            if token.lower_name not in CSS_FUNCTIONS:
                raise ValidationError(
                    gettext(
                        "The SVG's style uses %(function)s(), which is not allowed in a picture."
                    )
                    % {"function": token.lower_name}
                )
            if token.lower_name == "url":
                strings = [t for t in token.arguments if t.type not in ("whitespace", "comment")]
                check_url(
                    strings[0].value if len(strings) == 1 and strings[0].type == "string" else ""
                )
            check_css_values(token.arguments)
        elif token.type in ("() block", "[] block", "{} block"):
            check_css_values(token.content)


def check_url(address: str) -> None:
    if not address.strip().startswith("#"):
        raise ValidationError(
            gettext("The SVG refers to another file or site; pictures must be self-contained.")
        )
