from django.http import HttpResponse


def contract_list(request, **kwargs):
    return HttpResponse("pending")

def contract_detail(request, **kwargs):
    return HttpResponse("pending")
