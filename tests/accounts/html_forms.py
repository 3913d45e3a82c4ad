"""Reads a form the way a browser does: its action, method and fields from the rendered page,
so tests submit what the page offers rather than hand-built POST data."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class HtmlForm:
    action: str
    method: str
    attrs: dict
    fields: dict = field(default_factory=dict)  # name -> default value ("" when none)
    types: dict = field(default_factory=dict)  # name -> input type / "select" / "textarea"
    disabled: set = field(default_factory=set)

    def submission(self, **values) -> dict:
        """What a browser posts: the defaults, the values typed in, no disabled fields."""
        unknown = set(values) - set(self.fields)
        if unknown:
            raise AssertionError(f"the form has no field(s) {sorted(unknown)}")
        data = {name: value for name, value in self.fields.items() if name not in self.disabled}
        data.update(values)
        return data


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[HtmlForm] = []
        self._current: HtmlForm | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = HtmlForm(
                action=attrs.get("action") or "",
                method=(attrs.get("method") or "get").lower(),
                attrs=attrs,
            )
            self.forms.append(self._current)
            return
        if self._current is None or "name" not in attrs:
            return
        if tag in ("input", "select", "textarea"):
            name = attrs["name"]
            kind = attrs.get("type", "text") if tag == "input" else tag
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                self._current.fields.setdefault(name, "")
            else:
                self._current.fields[name] = attrs.get("value", "")
            self._current.types[name] = kind
            if "disabled" in attrs:
                self._current.disabled.add(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def read_form(html: str, **match) -> HtmlForm:
    """The one form whose attributes include `match` (e.g. data_testid="x" for data-testid)."""
    parser = _FormParser()
    parser.feed(html)
    wanted = {k.replace("_", "-"): v for k, v in match.items()}
    found = [f for f in parser.forms if all(f.attrs.get(k) == v for k, v in wanted.items())]
    if len(found) != 1:
        raise AssertionError(f"expected one form matching {wanted}, found {len(found)}")
    return found[0]
