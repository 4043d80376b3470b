from django.http import HttpResponse


def register(request):
    return HttpResponse("x")


thanks = privacy = manage = cancel = register
