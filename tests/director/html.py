"""Read a rendered Director page the way a person does: which error sits beside which field."""

from html.parser import HTMLParser


class _TextOfId(HTMLParser):
    def __init__(self, element_id: str) -> None:
        super().__init__()
        self.element_id = element_id
        self.depth = 0
        self.parts: list[str] = []
        self.found = False

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == self.element_id:
            self.depth = 1
            self.found = True

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def text_of_id(html: str | bytes, element_id: str) -> str | None:
    """Text inside the element with `element_id`, or None when there is no such element."""
    parser = _TextOfId(element_id)
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return " ".join(" ".join(parser.parts).split()) if parser.found else None


def field_error(response, name: str) -> str | None:
    """The error shown beside form field `name` (rendered in its field row as id_<name>_errors)."""
    return text_of_id(response.content, f"id_{name}_errors")


def nav_labels(html: str | bytes) -> list[str]:
    """Text of every <summary> and link inside the navigation tree, in document order."""

    class _Nav(HTMLParser):
        def __init__(self):
            super().__init__()
            self.inside = 0
            self.capture = False
            self.labels: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag == "ul" and "tree" in (dict(attrs).get("class") or "").split():
                self.inside = 1
            elif self.inside:
                self.inside += tag not in ("input", "br")
                self.capture = tag in ("summary", "a")
                if self.capture:
                    self.labels.append("")

        def handle_endtag(self, tag):
            if self.inside:
                self.inside -= 1
                self.capture = False

        def handle_data(self, data):
            if self.capture:
                self.labels[-1] += data.strip()

    parser = _Nav()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser.labels
