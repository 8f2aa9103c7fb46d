"""E-mails for each step of a challenge's workflow, as procurement platforms send them: the
steward hears of a review request and of a selection waiting for sign-off, the owners of the
steward's decision and of every new question, the asker of the answer, and the evaluators when
the evaluation opens. (Applicants hear of the outcome from citytools.partnering.services.outcome.)

Each message names only what its reader may already see on the challenge's pages: no
proposal, supplier or score goes to anyone by e-mail here, and a question's asker is never
named to the owners. Every message is a Notification (citytools.partnering.notify), e-mailed
by the worker once the step commits.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from citytools.accounts.models import Role
from citytools.partnering.models import Challenge, Evaluator, Notification, Question
from citytools.partnering.notify import notify, site_url

User = get_user_model()


def owner_users(challenge: Challenge) -> list:
    """The people who run the challenge day to day: the active editors of its owning
    organisations (platform admins and coordinators of a joint challenge's network may also act,
    but are not written to about every step)."""
    return list(
        User.objects.filter(
            is_active=True, roles__kind=Role.Kind.EDITOR, roles__organisation__in=list(challenge.owner_ids)
        )
        .distinct()
        .order_by("pk")
    )


def _named(challenge: Challenge) -> str:
    return f"“{challenge.title}” ({challenge.reference})"


def review_requested(challenge: Challenge) -> list[Notification]:
    """Sent for review: the steward is asked to review and approve publication."""
    return notify(
        challenge, [challenge.steward], kind="review_requested",
        subject=f"Please review for publication: {challenge.title}",
        body=(
            f"{_named(challenge)} was sent for review. As its procurement steward, you approve its publication "
            f"or return it to draft with a reason.\n\n"
            f"Review it, then approve or return it from its page: {site_url('partnering:challenge', slug=challenge.slug)}\n"
        ),
    )


def review_decided(challenge: Challenge, *, approved: bool, reason: str = "") -> list[Notification]:
    """The steward approved the challenge (it is published) or returned it to draft."""
    if approved:
        subject = f"Approved and published: {challenge.title}"
        body = (
            f"The procurement steward approved {_named(challenge)}; it is now published and open to applicants.\n\n"
            f"{site_url('partnering:challenge', slug=challenge.slug)}\n"
        )
    else:
        subject = f"Returned to draft: {challenge.title}"
        body = (
            f"{_named(challenge)} was returned to draft.\n\nThe reason: {reason}\n\n"
            f"Change it and send it for review again: {site_url('partnering:challenge', slug=challenge.slug)}\n"
        )
    return notify(
        challenge, owner_users(challenge), kind="review_approved" if approved else "review_returned",
        subject=subject, body=body,
    )


def evaluation_opened(challenge: Challenge) -> list[Notification]:
    """The evaluation started: each evaluator not recused is asked to declare and score."""
    panel = Evaluator.objects.filter(challenge=challenge).filter(Q(has_conflict=False)).select_related("user")
    undeclared = [e.user for e in panel if e.declared_at is None]
    declared = [e.user for e in panel if e.declared_at is not None]
    sent = []
    if undeclared:
        sent += notify(
            challenge, undeclared, kind="evaluation_opened",
            subject=f"Evaluation open: {challenge.title}",
            body=(
                f"The evaluation of {_named(challenge)} has started and you are on its panel.\n\n"
                f"First declare any conflict of interest: {site_url('partnering:declaration', slug=challenge.slug)}\n"
                f"Then score each proposal: {site_url('partnering:scoring', slug=challenge.slug)}\n"
            ),
        )
    if declared:
        sent += notify(
            challenge, declared, kind="evaluation_opened",
            subject=f"Evaluation open: {challenge.title}",
            body=(
                f"The evaluation of {_named(challenge)} has started and you are on its panel.\n\n"
                f"Score each proposal: {site_url('partnering:scoring', slug=challenge.slug)}\n"
            ),
        )
    return sent


def selection_nominated(challenge: Challenge) -> list[Notification]:
    """The owners nominated a partner: the steward is asked to sign it off."""
    return notify(
        challenge, [challenge.steward], kind="sign_off_requested",
        subject=f"Please sign off the selection: {challenge.title}",
        body=(
            f"The owners of {_named(challenge)} nominated a partner. As its procurement steward, you sign off "
            f"the selection.\n\n{site_url('partnering:selection', slug=challenge.slug)}\n"
        ),
    )


def question_asked(question: Question) -> list[Notification]:
    """A new question: the owners are asked to answer it (the asker is not named)."""
    challenge = question.challenge
    return notify(
        challenge, owner_users(challenge), kind="question_asked",
        subject=f"New question: {challenge.title}",
        body=(
            f"An applicant asked a question about {_named(challenge)}:\n\n{question.text}\n\n"
            f"Answer it (the answer is published to everyone): "
            f"{site_url('partnering:questions', slug=challenge.slug)}#question-{question.pk}\n"
        ),
    )


def question_answered(question: Question) -> list[Notification]:
    """The answer is published: the asker is told."""
    challenge = question.challenge
    return notify(
        challenge, [question.asked_by], kind="question_answered",
        subject=f"Your question was answered: {challenge.title}",
        body=(
            f"Your question about {_named(challenge)}:\n\n{question.text}\n\nThe answer, published to everyone:\n\n"
            f"{question.answer}\n\n{site_url('partnering:questions', slug=challenge.slug)}\n"
        ),
    )
