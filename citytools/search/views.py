from django.http import HttpResponse


def search(request, **kwargs):
    return HttpResponse("pending")
