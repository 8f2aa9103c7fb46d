"""What a browser would send back if a person submitted a page's form without touching it.

A browser only keeps a value it can show: an `<input type="date">` whose value is not
YYYY-MM-DD is shown empty and sent empty, and so is an `<input type="number">` holding
"42,000"; and it sends a textarea's line breaks as CRLF. Posting the page's own values with the test client would hide exactly the faults
a person meets, so view tests that resubmit a form unchanged read it through `form_data`.
The browser tests (tests/browser/test_edit_round_trip.py) check the same in chromium.
"""

import datetime
import re
from html.parser import HTMLParser

DATETIME_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$")


def _date(value: str) -> str:
    try:
        return datetime.date.fromisoformat(value).isoformat() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else ""
    except ValueError:
        return ""


def _number(value: str) -> str:
    # The HTML standard's "valid floating-point number": no grouping commas, no currency.
    return value if re.fullmatch(r"-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?", value) else ""


SANITISE = {
    "date": _date,
    "number": _number,
    "datetime-local": lambda value: value if DATETIME_LOCAL.match(value) else "",
}


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.current: dict | None = None
        self.select: dict | None = None
        self.option: dict | None = None
        self.textarea: dict | None = None

    def _owner(self, attrs):
        owner = attrs.get("form")
        if owner:
            return next((f for f in self.forms if f["attrs"].get("id") == owner), None)
        return self.current

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {"attrs": attrs, "controls": []}
            self.forms.append(self.current)
            return
        form = self._owner(attrs)
        if tag == "input" and form is not None and attrs.get("name") and "disabled" not in attrs:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    form["controls"].append((attrs["name"], attrs.get("value", "on")))
                return
            value = attrs.get("value") or ""
            form["controls"].append((attrs["name"], SANITISE.get(kind, lambda v: v)(value)))
        elif tag == "select" and form is not None and attrs.get("name") and "disabled" not in attrs:
            self.select = {"form": form, "name": attrs["name"], "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self.select is not None:
            self.option = {"value": attrs.get("value"), "text": "", "selected": "selected" in attrs}
            self.select["options"].append(self.option)
        elif tag == "textarea" and form is not None and attrs.get("name") and "disabled" not in attrs:
            self.textarea = {"form": form, "name": attrs["name"], "text": ""}

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        if self.textarea is not None:
            self.textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "option":
            self.option = None
        elif tag == "select" and self.select is not None:
            options = self.select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and not self.select["multiple"] and options:
                chosen = options[:1]
            for o in chosen:
                value = o["value"] if o["value"] is not None else o["text"].strip()
                self.select["form"]["controls"].append((self.select["name"], value))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            text = self.textarea["text"]
            text = text[1:] if text.startswith("\n") else text
            # A browser sends a textarea's line breaks as CRLF, whatever the page held.
            text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
            self.textarea["form"]["controls"].append((self.textarea["name"], text))
            self.textarea = None


def form_data(html: str, *, containing: str = "version") -> dict[str, list[str] | str]:
    """The values the first POST form holding a control named `containing` would send, as
    a dict the test client posts (a name given more than once maps to a list)."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if (form["attrs"].get("method") or "get").lower() != "post":
            continue
        names = [name for name, _ in form["controls"]]
        if containing in names:
            data: dict[str, list[str]] = {}
            for name, value in form["controls"]:
                data.setdefault(name, []).append(value)
            return {name: values[0] if len(values) == 1 else values for name, values in data.items()}
    raise AssertionError(f"no POST form with a control named {containing!r} on the page")
