from django.http import HttpResponse


def matrix(request, **kwargs):
    return HttpResponse("pending")

def matrix_csv(request, **kwargs):
    return HttpResponse("pending")

def product_list(request, **kwargs):
    return HttpResponse("pending")

def product_detail(request, **kwargs):
    return HttpResponse("pending")

def service_area_list(request, **kwargs):
    return HttpResponse("pending")

def service_area_detail(request, **kwargs):
    return HttpResponse("pending")
