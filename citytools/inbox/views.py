"""The inbox page. With JavaScript, the header fetches this page and shows its count
(#inbox-count) beside the link; without it, the link alone leads here."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from citytools.inbox import queries


@login_required
@require_safe
def inbox(request):
    tasks = queries.tasks_for(request.viewer)
    return render(request, "inbox/inbox.html", {"tasks": tasks, "areas": queries.by_area(tasks)})
