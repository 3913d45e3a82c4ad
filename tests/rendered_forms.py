"""Submit a form the way a browser would: from the page the server rendered.

`form_submit(client, page, selector)` finds the form in the response's HTML (`selector` is
`tag[attr=value]`, a small CSS subset), takes the values its controls carry (checked boxes
and radios, selected options, text; the clicked button's name and value), applies the test's
changes and posts to the form's action — so a test fails when the page lacks a field, names
it differently or posts elsewhere."""

import re
from urllib.parse import urljoin

import lxml.html

_SIMPLE = re.compile(r"^([a-z]*)((?:\[[\w-]+(?:[*^]?=[^\]]+)?\])*)$")
_ATTR = re.compile(r"\[([\w-]+)(?:([*^]?=)([^\]]+))?\]")


def _xpath(selector: str) -> str:
    """`tag[attr=value][attr*=part]` (the CSS the tests need) as XPath."""
    match = _SIMPLE.match(selector.strip())
    if not match:
        raise ValueError(f"unsupported selector {selector!r}")
    tag, attrs = match.group(1) or "*", match.group(2)
    tests = []
    for name, op, value in _ATTR.findall(attrs):
        value = value.strip("'\"")
        if not op:
            tests.append(f"@{name}")
        elif op == "=":
            tests.append(f"@{name}='{value}'")
        elif op == "*=":
            tests.append(f"contains(@{name}, '{value}')")
        else:
            tests.append(f"starts-with(@{name}, '{value}')")
    return f".//{tag}" + "".join(f"[{t}]" for t in tests)


def rendered_form(page, selector: str = "form"):
    """The lxml form element matching `selector` in a response (or HTML text)."""
    html = page.content.decode() if hasattr(page, "content") else page
    document = lxml.html.fromstring(html)
    found = document.xpath(_xpath(selector))
    if not found:
        raise AssertionError(f"no form matches {selector!r} on the page")
    form = found[0]
    if form.tag != "form":
        form = next(form.iterancestors("form"))
    return form


def form_fields(form) -> dict[str, list[str]]:
    """The values the form would send, without any button."""
    values: dict[str, list[str]] = {}
    for name, value in form.form_values():
        values.setdefault(name, []).append(value)
    return values


def form_submit(
    client,
    page,
    selector: str = "form",
    *,
    data: dict | None = None,
    button: str | None = None,
    url: str | None = None,
    follow: bool = False,
):
    """Posts the form found by `selector` with its rendered values updated by `data` (a value
    of None removes the field; every other key must be a control of the form). `button` selects
    the submit button clicked (`tag[attr=value]`) (its name/value are sent)."""
    form = rendered_form(page, selector)
    names = {el.name for el in form.inputs if el.name}
    values = form_fields(form)
    for name, value in (data or {}).items():
        if name not in names:
            raise AssertionError(f"the rendered form has no field {name!r}: {sorted(names)}")
        if value is None:
            values.pop(name, None)
        else:
            values[name] = value if isinstance(value, list) else [value]
    if button:
        clicked = form.xpath(_xpath(button))
        if not clicked:
            raise AssertionError(f"the rendered form has no button {button!r}")
        if clicked[0].get("name"):
            values[clicked[0].get("name")] = [clicked[0].get("value", "")]
    base = url or (page.wsgi_request.get_full_path() if hasattr(page, "wsgi_request") else "/")
    action = urljoin(base, form.get("action") or base)
    payload = {k: v if len(v) != 1 or hasattr(v[0], "read") else v[0] for k, v in values.items()}
    if (form.get("method") or "get").lower() != "post":
        return client.get(action, payload, follow=follow)
    return client.post(action, payload, follow=follow)
