"""Pages of the public registers: the list, one register's facts beside what the map says,
and the form with which a platform admin loads it. Thin doors over
citytools.registers.queries and .services; the form is a plain POST that works without
JavaScript and ends on the register's page with what the load did."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from citytools.core.doors import domain_errors, finished, refusals
from citytools.registers import queries, services
from citytools.registers.forms import LoadForm


@require_safe
def index(request):
    return render(request, "registers/index.html", {"registers": queries.registers()})


def _page(request, name, *, form=None, status=200):
    with refusals():
        register = queries.register(name)
    facts = queries.facts(name, viewer=request.viewer)
    can_load = queries.can_load(request.viewer)
    return render(request, "registers/register.html", {
        "register": register, "facts": facts, "on_the_map": sum(fact.on_the_map for fact in facts),
        "form": (form or LoadForm()) if can_load else None,
    }, status=status)


@require_safe
def register(request, name):
    return _page(request, name)


@login_required
@require_POST
def load(request, name):
    with refusals():
        register = queries.register(name)
    form = LoadForm(request.POST)
    if form.is_valid():
        with domain_errors(form):
            summary = services.load_register(register.name, actor=request.user, dry_run=form.cleaned_data["dry_run"])
            message = f"{'Dry run, nothing was changed. ' if summary.dry_run else ''}{summary}"
            return finished(request, reverse("registers:register", args=[register.name]), message)
    return _page(request, name, form=form, status=400)
