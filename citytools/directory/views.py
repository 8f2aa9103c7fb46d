from django.http import HttpResponse


def organisation_list(request, **kwargs):
    return HttpResponse("pending")

def organisation_detail(request, **kwargs):
    return HttpResponse("pending")

def supplier_list(request, **kwargs):
    return HttpResponse("pending")

def supplier_detail(request, **kwargs):
    return HttpResponse("pending")
