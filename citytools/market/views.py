from django.http import HttpResponse


def overview(request, **kwargs):
    return HttpResponse("pending")
