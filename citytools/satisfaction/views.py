"""Pages: the satisfaction report, an organisation's ratings and the rating form, shared pain
points, and the supplier conversation pack (page and PDF).

Thin doors: each view reads through citytools.satisfaction.queries or writes through
.services, with the request's Viewer. A DomainError becomes an error against the field it
names; a refusal becomes 403 or 404 (citytools.core.doors.refuse). Every form is a
plain POST that works without JavaScript, and answers 303 on success.
"""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citytools.core.charts import COUNT, bar_chart, interval_chart, scatter_chart, score
from citytools.core.doors import domain_errors, finished, refusals
from citytools.core.errors import Conflict, DomainError
from citytools.directory.models import Organisation, Supplier
from citytools.inventory.models import Product, ServiceArea
from citytools.satisfaction import pack as packs
from citytools.satisfaction import queries, rules, services, stats
from citytools.satisfaction.forms import (
    PainPointFilters,
    PainPointForm,
    RatingForm,
    ReplyForm,
    ReportFilters,
    ShareForm,
    StatusForm,
)
from citytools.satisfaction.models import DIMENSIONS, PainPointStatus

# Rows a page of a long list shows.
PAGE_SIZE = 25


def _one(model, slug):
    return model.objects.filter(slug=slug).first() if slug else None


def _fmt(value, digits=2):
    return "—" if value is None else f"{value:.{digits}f}"


# The report -----------------------------------------------------------------------------------


def report_charts(report: queries.Report, prefix: str = "satisfaction") -> dict:
    """The report's charts, each with its table (citytools.core.charts)."""
    overall = report.overall
    charts = {
        "distribution": bar_chart(
            f"{prefix}-distribution", title="How the overall scores are spread",
            rows=[{"score": f"{s} out of 5", "ratings": c} for s, c in zip(stats.SCALE, overall.counts)],
            label="score", value="ratings", label_title="Overall score", value_title="Ratings", measure=COUNT,
        ),
        "dimensions": interval_chart(
            f"{prefix}-dimensions", title="Satisfaction by dimension, with 95% intervals",
            rows=[
                {"dimension": label, "estimate": s.estimate, "low": s.low, "high": s.high}
                for _, label, s in report.dimensions
            ],
            label="dimension", value="estimate", low="low", high="high", label_title="Dimension",
            value_title="Score (1–5)", measure=score(1, 5),
            columns=["Dimension", "Ratings (n)", "Mean", "Estimate", "95% interval"],
            table_rows=[
                [label, s.n, _fmt(s.mean), _fmt(s.estimate), f"{s.low:.2f}–{s.high:.2f}"] for _, label, s in report.dimensions
            ],
        ),
    }
    if report.over_time:
        charts["over_time"] = interval_chart(
            f"{prefix}-over-time", title="Overall score of the ratings given each quarter, with 95% intervals",
            rows=[{"quarter": q, "estimate": s.estimate, "low": s.low, "high": s.high} for q, s in report.over_time],
            label="quarter", value="estimate", low="low", high="high", label_title="Quarter",
            value_title="Score (1–5)", measure=score(1, 5),
            columns=["Quarter", "Ratings (n)", "Mean", "Estimate", "95% interval"],
            table_rows=[[q, s.n, _fmt(s.mean), _fmt(s.estimate), f"{s.low:.2f}–{s.high:.2f}"] for q, s in report.over_time],
        )
    if report.organisations:
        charts["suppliers_vs_satisfaction"] = scatter_chart(
            f"{prefix}-suppliers-vs-satisfaction", title="Suppliers an organisation runs, and its mean satisfaction",
            rows=[{"organisation": o, "suppliers": p, "mean": m} for o, p, m, _ in report.organisations],
            x="suppliers", y="mean", label="organisation", x_title="Suppliers it runs", y_title="Mean overall score",
            x_measure=COUNT, y_measure=score(1, 5),
            columns=["Organisation", "Suppliers it runs", "Mean overall score", "Ratings (n)"],
            table_rows=[[o, p, f"{m:.2f}", n] for o, p, m, n in report.organisations],
        )
    return charts


@require_safe
def report(request):
    filters = ReportFilters(request.GET or None)
    supplier = product = area = None
    if filters.is_valid():
        supplier = _one(Supplier, filters.cleaned_data["supplier"])
        product = _one(Product, filters.cleaned_data["product"])
        area = _one(ServiceArea, filters.cleaned_data["area"])
    result = queries.report(request.viewer, supplier=supplier, product=product, area=area)
    # The rankings are paged together: page N shows the same places of each.
    rankings = Paginator(range(max(len(result.suppliers), len(result.products))), PAGE_SIZE).get_page(request.GET.get("page"))
    places = slice(max(rankings.start_index() - 1, 0), rankings.end_index())
    return render(
        request, "satisfaction/report.html",
        {
            "filters": filters, "report": result, "charts": report_charts(result) if result.n else {},
            "rankings": rankings, "suppliers": result.suppliers[places], "products": result.products[places],
            "min_ranked": stats.MIN_RANKED, "prior_weight": stats.PRIOR_WEIGHT, "dimensions": DIMENSIONS,
        },
    )


# Ratings --------------------------------------------------------------------------------------


@login_required
@require_safe
def organisation_ratings(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not queries.sees_ratings_of(request.viewer, organisation.pk):
        raise PermissionDenied("Only members see an organisation's own ratings.")
    lines = queries.organisation_ratings(organisation, viewer=request.viewer)
    return render(
        request, "satisfaction/organisation_ratings.html",
        {
            "organisation": organisation, "lines": lines, "due": sum(1 for line in lines if line.due),
            "may_rate": rules.can_rate(request.viewer.grants, organisation=organisation.pk),
            "comments_shown": queries.sees_comments_of(request.viewer, organisation.pk),
            "renew_days": rules.RENEW_AFTER_DAYS,
        },
    )


def _rating_initial(rating) -> dict:
    if rating is None:
        return {}
    initial = {"overall": str(rating.overall), "comment": rating.comment, "version": rating.version}
    for name, _ in DIMENSIONS:
        value = getattr(rating, name)
        initial[name] = str(value) if value else ""
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def rate(request, pk):
    with refusals():
        system = services.rating_target(request.viewer, pk)
    with domain_errors() as refusal:
        services.require_in_use(system)
    if refusal:
        # A planned or retired system: the page says why and offers no form; a rating posted
        # anyway is refused.
        posted = request.method == "POST"
        return render(
            request, "satisfaction/rate.html", {"system": system, "refused": refusal.message, "posted": posted},
            status=400 if posted else 200,
        )
    rating = getattr(system, "rating", None)  # no rating yet: the related lookup raises an AttributeError
    conflict = ""
    if request.method == "POST":
        form = RatingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            with domain_errors(form, conflicts=True) as refusal:
                services.rate_system(
                    system, actor=request.user, viewer=request.viewer, overall=data["overall"],
                    dimensions={name: data[name] or None for name, _ in DIMENSIONS}, comment=data["comment"],
                    version=data["version"],
                )
                return finished(
                    request, f"{_ratings_url(system.organisation)}#system-{system.pk}",
                    f"Your rating of {system.product.name} is saved.",
                )
            conflict = refusal.conflict
    else:
        form = RatingForm(initial=_rating_initial(rating))
    status = 409 if conflict else (400 if form.errors else 200)
    return render(
        request, "satisfaction/rate.html",
        {
            "system": system, "rating": rating, "form": form, "conflict": conflict, "due": services.is_due(rating, system=system),
            "earlier": list(rating.history.order_by("-history_id").values_list("rated_at", "overall")[1:11]) if rating else [],
        },
        status=status,
    )


def _ratings_url(organisation):
    return reverse("satisfaction:organisation_ratings", args=[organisation.slug])


# Pain points ----------------------------------------------------------------------------------


@require_safe
def pain_points(request):
    filters = PainPointFilters(request.GET or None)
    supplier = status = tag = None
    if filters.is_valid():
        supplier = _one(Supplier, filters.cleaned_data["supplier"])
        status = filters.cleaned_data["status"] or None
        tag = (filters.cleaned_data["tag"] or "").strip().lower() or None
    points = queries.pain_points(request.viewer, supplier=supplier, status=status, tag=tag)
    page = Paginator(points, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "satisfaction/pain_points.html",
        {
            "filters": filters, "page": page, "tags": queries.all_tags(points)[:20],
            "may_raise": services.raising_organisations(request.viewer).exists() if request.user.is_authenticated else False,
        },
    )


def _speaks_for(request, organisations) -> None:
    """A posted organisation the person is not staff of is refused (403), as the service
    refuses it, rather than shown as a wrong choice."""
    asked = request.POST.get("organisation", "") if request.method == "POST" else ""
    if asked and asked not in {o.slug for o in organisations}:
        raise PermissionDenied("Only an organisation's own staff speak for it.")


@login_required
@require_http_methods(["GET", "POST"])
def pain_point_new(request):
    organisations = list(services.raising_organisations(request.viewer).order_by("name"))
    if not organisations:
        raise PermissionDenied("Only an organisation's staff raise pain points.")
    _speaks_for(request, organisations)
    initial = {"supplier": request.GET.get("supplier", ""), "product": request.GET.get("product", "")}
    form = PainPointForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with domain_errors(form):
            point = services.raise_pain_point(
                actor=request.user, viewer=request.viewer, organisation=data["organisation"], supplier=data["supplier"],
                product=data["product"] or None, title=data["title"], description=data["description"],
                severity=data["severity"], tags=data["tags"],
            )
            return finished(request, point.get_absolute_url(), "Your pain point is shared with members.")
    return render(request, "satisfaction/pain_point_form.html", {"form": form}, status=400 if form.errors else 200)


def _detail_context(request, point, **extra) -> dict:
    viewer = request.viewer
    shares = []
    for share in queries.shares_of(point):
        share.organisation_shown = queries.sees_organisations_of(viewer, point, share.organisation_id)
        share.note_shown = queries.sees_notes_of(viewer, share.organisation_id)
        # One that no longer uses it is shown as such to those who see who it is; to others
        # it is simply not there, as it is not counted.
        if share.counted or share.organisation_shown:
            shares.append(share)
    staff_of = services.sharing_organisations(point, viewer)
    # The person's organisations that could say so if they used it: told why they cannot.
    not_users = [] if staff_of else services.lacking_organisations(point, viewer)
    may_move = services.may_move(point, viewer)
    may_start = services.may_start_joint_challenge(point, viewer)
    context = {
        "point": point,
        "organisation_shown": queries.sees_organisations_of(viewer, point, point.organisation_id),
        "shares": shares,
        "affected_count": point.affected_count,
        "not_users": not_users,
        "subject": services.subject_name(point.supplier, point.product),
        "replies": list(point.replies.select_related("supplier")),
        "share_form": ShareForm(organisations=staff_of) if staff_of else None,
        "status_form": StatusForm(initial={"version": point.version}) if may_move else None,
        "moves": [(s, PainPointStatus(s).label) for s in PainPointStatus.values if rules.can_move(point.status, s)],
        "reply_form": ReplyForm() if services.subject_suppliers(point) & viewer.grants.suppliers else None,
        "may_start": may_start,
        "joint_minimum": rules.JOINT_ITP_MINIMUM,
        "challenge_url": _challenge_url(point.challenge) if point.challenge_id else None,
    }
    context.update(extra)
    return context


def _challenge_url(challenge):
    return reverse("partnering:challenge", args=[challenge.slug])


def _point(request, pk):
    with refusals():
        return services.readable_pain_point(request.viewer, pk)


@require_safe
def pain_point(request, pk):
    if not request.user.is_authenticated and not services.readable_pain_point_exists(request.viewer, pk):
        # Pain points are for members: someone not signed in is asked to sign in, whether
        # or not the number names one (so the answer tells them nothing either way).
        return redirect_to_login(request.get_full_path())
    point = _point(request, pk)
    return render(request, "satisfaction/pain_point.html", _detail_context(request, point))


def _again(request, point, error: DomainError, **forms):
    context = _detail_context(request, point, **forms)
    for form in forms.values():
        form.add_domain_error(error)
    return render(request, "satisfaction/pain_point.html", context, status=409 if isinstance(error, Conflict) else 400)


@login_required
@require_POST
def pain_point_share(request, pk):
    point = _point(request, pk)
    # Offered to those that use it; one that does not is refused by the service, with why.
    organisations = services.lacking_organisations(point, request.viewer)
    if not organisations:
        raise PermissionDenied("Only staff of an organisation that does not have it yet can say they have it too.")
    _speaks_for(request, services.raising_organisations(request.viewer))
    form = ShareForm(request.POST, organisations=organisations)
    if not form.is_valid():
        return render(request, "satisfaction/pain_point.html", _detail_context(request, point, share_form=form), status=400)
    with domain_errors() as refusal:
        services.share_pain_point(
            point, actor=request.user, viewer=request.viewer, organisation=form.cleaned_data["organisation"],
            note=form.cleaned_data["note"],
        )
        return finished(request, point.get_absolute_url(), "Your organisation is counted as having this pain point too.")
    return _again(request, point, refusal.error, share_form=form)


@login_required
@require_POST
def pain_point_status(request, pk):
    point = _point(request, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        if not services.may_move(point, request.viewer):
            raise PermissionDenied("Only the organisations that have this pain point move it on.")
        return render(request, "satisfaction/pain_point.html", _detail_context(request, point, status_form=form), status=400)
    with domain_errors() as refusal:
        moved = services.move_pain_point(
            point, actor=request.user, viewer=request.viewer, status=form.cleaned_data["status"],
            version=form.cleaned_data["version"],
        )
        return finished(request, point.get_absolute_url(), f"The pain point is now “{moved.get_status_display()}”.")
    return _again(request, point, refusal.error, status_form=form)


@login_required
@require_POST
def pain_point_reply(request, pk):
    point = _point(request, pk)
    if not services.subject_suppliers(point) & request.viewer.grants.suppliers:
        raise PermissionDenied("Only the supplier the pain point is about may reply to it.")
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return render(request, "satisfaction/pain_point.html", _detail_context(request, point, reply_form=form), status=400)
    with domain_errors() as refusal:
        services.reply_to_pain_point(point, actor=request.user, viewer=request.viewer, body=form.cleaned_data["body"])
        return finished(request, point.get_absolute_url(), "Your reply is published.")
    return _again(request, point, refusal.error, reply_form=form)


@login_required
@require_POST
def pain_point_challenge(request, pk):
    point = _point(request, pk)
    with domain_errors() as refusal:
        challenge = services.start_joint_challenge(point, actor=request.user, viewer=request.viewer)

        return finished(
            request, reverse("partnering:challenge_edit", args=[challenge.slug]),
            "A draft joint Invitation to Partner is open. Complete it, then send it for review.",
        )
    context = _detail_context(request, point, start_error=refusal.message)
    return render(request, "satisfaction/pain_point.html", context, status=400)


# The conversation pack ----------------------------------------------------------------------


def _pack(request, slug):
    supplier = get_object_or_404(Supplier, slug=slug)
    return packs.conversation_pack(supplier, viewer=request.viewer)


@require_safe
def pack(request, slug):
    result = _pack(request, slug)
    return render(
        request, "satisfaction/pack.html",
        {"pack": result, "charts": report_charts(result.report, "pack") if result.report.n else {}},
    )


@require_safe
def pack_pdf(request, slug):
    result = _pack(request, slug)
    response = HttpResponse(packs.pack_pdf(result, viewer=request.viewer), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{result.supplier.slug}-conversation-pack.pdf"'
    return response


