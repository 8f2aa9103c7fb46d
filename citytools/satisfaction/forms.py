"""Forms for rating, raising and moving pain points, and the report's filters. They parse
what a person typed; the rules live in citytools.satisfaction.rules and .services, whose
DomainError the view shows against the field it names."""

from django import forms

from citytools.core.forms import EditForm, GovukForm
from citytools.core.widgets import QuickSelect
from citytools.directory.models import Supplier
from citytools.inventory.models import Product, ServiceArea
from citytools.satisfaction.models import DIMENSIONS, PainPointStatus, Severity

SCORES = [(str(n), str(n)) for n in range(1, 6)]
SCORE_HINT = "1 is very poor, 3 is acceptable, 5 is excellent."


class RatingForm(EditForm):
    overall = forms.ChoiceField(
        label="Overall, how satisfied are you with it?", choices=SCORES, widget=forms.RadioSelect, help_text=SCORE_HINT,
        error_messages={"required": "Choose an overall score from 1 to 5."},
    )
    comment = forms.CharField(
        label="Comment (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
        help_text="Seen only by members of your organisation's networks.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in DIMENSIONS:
            self.fields[name] = forms.ChoiceField(
                label=label, required=False, choices=[*SCORES, ("", "Not rated")], widget=forms.RadioSelect,
            )
        # Dimensions before the comment, in the order the issue lists them.
        self.order_fields(["overall", *(name for name, _ in DIMENSIONS), "comment", "version"])


class PainPointForm(EditForm):
    organisation = forms.ChoiceField(label="Your organisation")
    supplier = forms.ChoiceField(
        label="Supplier", widget=QuickSelect, error_messages={"required": "Choose the supplier the problem is with."}
    )
    product = forms.ChoiceField(label="Product (optional)", required=False, widget=QuickSelect)
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Give the pain point a title."})
    description = forms.CharField(
        label="What is the problem?", widget=forms.Textarea(attrs={"rows": 6}), max_length=10000,
        error_messages={"required": "Describe the problem."},
    )
    severity = forms.ChoiceField(
        label="How severe is it?", choices=[(str(v), label) for v, label in Severity.choices], widget=forms.RadioSelect,
        initial=str(Severity.MEDIUM), error_messages={"required": "Choose how severe the problem is."},
    )
    tags = forms.CharField(
        label="Tags (optional)", required=False, max_length=400, help_text="Separate tags with commas, like: data export, outages.",
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.slug, o.name) for o in organisations]
        self.fields["supplier"].choices = [("", "Choose a supplier"), *Supplier.objects.order_by("name").values_list("slug", "name")]
        self.fields["product"].choices = [("", "No one product"), *Product.objects.order_by("name").values_list("slug", "name")]


class ShareForm(EditForm):
    organisation = forms.ChoiceField(label="Your organisation")
    note = forms.CharField(
        label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
        help_text="How it affects you. Seen only by members.",
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.slug, o.name) for o in organisations]


class StatusForm(EditForm):
    status = forms.ChoiceField(label="New status", choices=PainPointStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReplyForm(EditForm):
    body = forms.CharField(
        label="Your public reply", widget=forms.Textarea(attrs={"rows": 5}), max_length=10000,
        error_messages={"required": "Write your reply."},
    )


class ReportFilters(GovukForm):
    # ChoiceFields: a slug that names nothing is an error on the page, not a silent "all".
    supplier = forms.ChoiceField(label="Supplier", required=False, widget=QuickSelect)
    product = forms.ChoiceField(label="Product", required=False, widget=QuickSelect)
    area = forms.ChoiceField(label="Service area", required=False, widget=QuickSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = [("", "All suppliers"), *Supplier.objects.order_by("name").values_list("slug", "name")]
        self.fields["product"].choices = [("", "All products"), *Product.objects.order_by("name").values_list("slug", "name")]
        areas = ServiceArea.objects.select_related("parent").order_by("parent__position", "position")
        self.fields["area"].choices = [("", "All service areas")] + [
            (a.slug, a.name if a.is_group else f"{a.parent.name}: {a.name}") for a in areas
        ]


class PainPointFilters(GovukForm):
    supplier = forms.ChoiceField(label="Supplier", required=False, widget=QuickSelect)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *PainPointStatus.choices])
    tag = forms.CharField(label="Tag", required=False, max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = [("", "All suppliers"), *Supplier.objects.order_by("name").values_list("slug", "name")]
