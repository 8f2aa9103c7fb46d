"""Pages for signing in and out, passwords, invitations and the people holding roles.

Views parse the request and call citytools.accounts.services; the rules of who may do what
live in citytools.accounts.invitations. A NotAllowed refusal becomes the generic 403 page.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citytools.accounts import queries, services
from citytools.accounts.forms import (
    InviteForm,
    LoginForm,
    NewAccountForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from citytools.accounts.invitations import (
    InvitationUnusable,
    may_manage,
    may_manage_organisation,
)
from citytools.accounts.models import Invitation, Role
from citytools.core.doors import domain_errors
from citytools.core.errors import DomainError
from citytools.core.forms import add_domain_error
from citytools.core.views import next_url
from citytools.directory.models import Network, Organisation

# Form pages answer GET and POST only; Django's form views would also treat PUT as POST.
FORM_METHODS = ["get", "head", "post", "options"]
form_page = require_http_methods(["GET", "HEAD", "POST"])


class LoginView(auth_views.LoginView):
    http_method_names = FORM_METHODS
    template_name = "accounts/login.html"
    form_class = LoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context


class LogoutView(auth_views.LogoutView):
    """POST only (Django's own rule): a link or an image on another site cannot sign anyone out."""


class PasswordResetView(auth_views.PasswordResetView):
    http_method_names = FORM_METHODS
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # Links point at the configured address, never at whatever Host the request named.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    http_method_names = FORM_METHODS

    def dispatch(self, *args, **kwargs):
        # Django's view answers an unusable link before it looks at the method.
        if self.request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(self.request, *args, **kwargs)
        return super().dispatch(*args, **kwargs)
    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    http_method_names = FORM_METHODS
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:me")

    def form_valid(self, form):
        messages.success(self.request, "Your password has been changed.")
        return super().form_valid(form)


@require_safe
@login_required
def me(request):
    return render(request, "accounts/me.html", {"roles": queries.roles_of(request.user)})


@form_page
def invitation(request, token):
    """The link in an invitation e-mail: make an account, or accept with the one signed in."""
    try:
        offer = queries.usable_invitation(token)
    except InvitationUnusable as error:
        return render(request, "accounts/invitation_unusable.html", {"message": error.message})
    has_account = queries.account_exists(offer.email)
    context = {"invitation": offer, "has_account": has_account}
    if has_account:
        signed_in_as_invited = request.user.is_authenticated and request.user.email.lower() == offer.email.lower()
        context["signed_in_as_invited"] = signed_in_as_invited
        if request.method == "POST" and signed_in_as_invited:
            try:
                services.accept_invitation(token=token, actor=request.user)
            except InvitationUnusable as error:
                return render(request, "accounts/invitation_unusable.html", {"message": error.message})
            messages.success(request, f"You are now {offer.get_kind_display().lower()} of {offer.scope}.")
            return redirect("accounts:me")
        return render(request, "accounts/invitation.html", context)

    form = NewAccountForm(request.POST or None, email=offer.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept_invitation_with_new_account(
                token=token, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
            )
        except InvitationUnusable as error:
            # Not domain_errors: this refusal (a 404 by status) is a page of its own, not the 404 page.
            return render(request, "accounts/invitation_unusable.html", {"message": error.message})
        except DomainError as error:
            add_domain_error(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Your account is ready. You are {offer.get_kind_display().lower()} of {offer.scope}.")
            return redirect("accounts:me")
    context["form"] = form
    return render(request, "accounts/invitation.html", context)


def _invite(request, form, *, organisation=None, network=None):
    """Handle a valid invite form; returns a redirect, or None with the error on the form."""
    kind = form.cleaned_data["kind"]
    if kind in ("member", "editor"):
        organisation = organisation or form.cleaned_data.get("organisation")
        network = None
    with domain_errors(form):
        sent, _ = services.invite(
            email=form.cleaned_data["email"], kind=kind, organisation=organisation, network=network, actor=request.user
        )
        messages.success(request, f"Invitation sent to {sent.email}.")
        return redirect(request.path)
    return None


@form_page
@login_required
def network_people(request, slug):
    network = get_object_or_404(Network, slug=slug)
    if not request.viewer.can_coordinate(network.pk):
        raise PermissionDenied
    organisations = Organisation.objects.in_network(network).order_by("short_name")
    form = InviteForm(request.POST or None, organisations=organisations, allow_coordinator=True)
    if request.method == "POST" and form.is_valid():
        response = _invite(request, form, network=network)
        if response:
            return response
    return render(
        request,
        "accounts/network_people.html",
        {
            "network": network,
            "people": queries.network_people(network),
            "invitations": queries.pending_invitations(network=network),
            "form": form,
            "invitation_days": settings.INVITATION_DAYS,
        },
    )


@form_page
@login_required
def organisation_people(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not may_manage_organisation(request.viewer.grants, queries.scope_of(organisation=organisation)):
        raise PermissionDenied
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = _invite(request, form, organisation=organisation)
        if response:
            return response
    return render(
        request,
        "accounts/organisation_people.html",
        {
            "organisation": organisation,
            "people": queries.organisation_people(organisation),
            "invitations": queries.pending_invitations(organisation=organisation),
            "form": form,
            "invitation_days": settings.INVITATION_DAYS,
        },
    )


def _back(request, default: str):
    return redirect(next_url(request) or default)


@require_POST
@login_required
def revoke_role(request, pk):
    role = get_object_or_404(Role.objects.select_related("user", "organisation", "network", "supplier"), pk=pk)
    if not may_manage(request.viewer.grants, role.kind, queries.role_scope(role)):
        # The same answer as for a missing role, so nobody learns which role numbers exist.
        raise Http404
    services.revoke_role(role=role, actor=request.user)
    messages.success(request, f"{role.user} is no longer {role.get_kind_display().lower()} of {role.organisation or role.network or role.supplier or 'the platform'}.")
    return _back(request, reverse("accounts:me"))


@require_POST
@login_required
def revoke_invitation(request, pk):
    offer = get_object_or_404(Invitation.objects.select_related("organisation", "network"), pk=pk)
    scope = queries.scope_of(organisation=offer.organisation, network=offer.network)
    if not may_manage(request.viewer.grants, offer.kind, scope):
        raise Http404
    with domain_errors() as refusal:
        services.revoke_invitation(invitation=offer, actor=request.user)
        messages.success(request, f"The invitation to {offer.email} has been withdrawn.")
    if refusal:
        messages.error(request, refusal.message)
    return _back(request, reverse("accounts:me"))
