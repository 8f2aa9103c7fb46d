"""Pages of the publication rules: every jurisdiction's checks and the organisations under
them, for anyone to read; platform admins write them. A challenge takes the rules of its
lead organisation's jurisdiction (citytools.partnering.services.authoring.rules_for)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_safe

from citytools.directory.models import Organisation
from citytools.partnering.forms_jurisdictions import PublicationRulesForm
from citytools.partnering.models import PublicationRules
from citytools.partnering.services import authoring as services
from citytools.partnering.views.doors import domain_errors, finished, forbid_unless, status_of


def _choosable_organisations():
    """Organisations that belong to a network: the public bodies a deployment works with."""
    return Organisation.objects.filter(memberships__isnull=False).distinct().order_by("name")


@require_safe
def rules_list(request):
    rule_sets = list(PublicationRules.objects.prefetch_related("jurisdictions__organisation").order_by("name"))
    return render(
        request,
        "partnering/rules_list.html",
        {
            "rule_sets": rule_sets,
            "default": services.default_rules() if rule_sets else None,
            "may_change": services.may_set_publication_rules(request.viewer),
        },
    )


def _save(request, form, *, slug, create: bool, version=None):
    by_slug = {o.slug: o for o in _choosable_organisations()}
    with domain_errors(form, conflicts=True) as refusal:
        rules_, _ = services.save_publication_rules(
            actor=request.user, viewer=request.viewer, slug=slug, create=create, version=version,
            organisations=[by_slug[s] for s in form.cleaned_data["organisations"]], **form.values(),
        )
        return rules_, ""
    return None, refusal.conflict


@login_required
@require_http_methods(["GET", "POST"])
def rules_new(request):
    forbid_unless(services.may_set_publication_rules(request.viewer), "Only platform admins set the publication rules.")
    organisations = list(_choosable_organisations())
    if request.method == "POST":
        form = PublicationRulesForm(request.POST, organisations=organisations, creating=True)
        if form.is_valid():
            rules_, _ = _save(request, form, slug=form.cleaned_data["slug"], create=True)
            if rules_ is not None:
                return finished(request, reverse("partnering:rules_list"), f"The rules ‘{rules_.name}’ were created.")
    else:
        defaults = PublicationRules()
        form = PublicationRulesForm(
            initial=PublicationRulesForm.initial_for(defaults, []), organisations=organisations, creating=True
        )
    return render(request, "partnering/rules_form.html", {"form": form, "rules": None}, status=status_of(form))


@login_required
@require_http_methods(["GET", "POST"])
def rules_edit(request, slug):
    forbid_unless(services.may_set_publication_rules(request.viewer), "Only platform admins set the publication rules.")
    rules_ = get_object_or_404(PublicationRules, slug=slug)
    organisations = list(_choosable_organisations())
    conflict = ""
    if request.method == "POST":
        form = PublicationRulesForm(request.POST, organisations=organisations)
        form.fields["version"].required = True
        if form.is_valid():
            saved, conflict = _save(request, form, slug=slug, create=False, version=form.cleaned_data["version"])
            if saved is not None:
                return finished(request, reverse("partnering:rules_list"), f"The rules ‘{saved.name}’ were saved.")
    else:
        current = rules_.jurisdictions.values_list("organisation__slug", flat=True)
        form = PublicationRulesForm(
            initial={**PublicationRulesForm.initial_for(rules_, current), "version": rules_.version},
            organisations=organisations,
        )
    return render(
        request, "partnering/rules_form.html", {"form": form, "rules": rules_, "conflict": conflict},
        status=status_of(form, conflict),
    )


urlpatterns = [
    path("all/rules/", rules_list, name="rules_list"),
    path("all/rules/new/", rules_new, name="rules_new"),
    path("all/rules/<slug:slug>/", rules_edit, name="rules_edit"),
]
