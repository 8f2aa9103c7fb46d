"""Single sign-on through OpenID Connect (e.g. Microsoft Entra ID), with mozilla-django-oidc.

The provider proves who someone is; City Tools still decides what they may do, through the
roles it holds. So single sign-on never makes an account on its own:

- an e-mail address that matches an account (whatever its capitals) signs in to it;
- an address with no account is refused, unless a pending invitation names it: then the
  account is made and the invitation accepted, exactly as if the person had followed the
  link in the e-mail;
- an address the provider says is not verified (`email_verified: false`) is refused.
  Providers that leave the claim out (Entra ID does) are trusted to send only addresses
  their directory controls, so configure a single-tenant application.

Anything else (bad signature, wrong nonce, unknown key) is refused by the library before
this backend sees the claims.
"""

import logging

import requests
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from citytools.accounts import services

logger = logging.getLogger(__name__)


class CityToolsOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        # A forged or broken answer from the provider is a refusal like any other: the person
        # lands back on the sign-in page instead of on a 400 error.
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException) as error:
            logger.warning("Single sign-on refused: %s", error)
            return None

    def verify_claims(self, claims):
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email:
            return False
        return claims.get("email_verified", True) is True

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(email__iexact=claims["email"].strip(), is_active=True)

    def create_user(self, claims):
        email = claims["email"].strip()
        name = claims.get("name") or " ".join(
            part for part in (claims.get("given_name"), claims.get("family_name")) if part
        )
        user = services.accept_invitation_by_sign_on(email=email, full_name=name or "")
        if user is None:
            logger.info("Single sign-on refused: no account and no pending invitation for this address.")
        return user
