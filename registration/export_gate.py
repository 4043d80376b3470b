"""The one place every export decides: the file in the response when small, else a background job and its page."""

from functools import partial

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from . import tasks
from .background_exports import export_goes_to_background, export_job_create
from .exports import EXPORTERS, Table


def export_respond(
    *, request: HttpRequest, kind: str, format_id: str, table: Table, total: int, query: str, filename_stem: str
) -> HttpResponse:
    """The file itself up to `EXPORT_IN_BACKGROUND_FROM_ROWS` rows; above, a queued job and a redirect to its progress.

    `query` is what `background_exports.EXPORT_KINDS[kind]` needs to build the same table again as
    `request.user`, with that user's rights as they are when the task runs.
    """
    if not export_goes_to_background(total=total):
        return EXPORTERS[format_id](table=table, filename_stem=filename_stem).response()
    job = export_job_create(
        user=request.user, kind=kind, format_id=format_id, query=query, total=total, filename_stem=filename_stem
    )
    # After commit, so a worker never looks for a row it cannot see yet; with no broker
    # it runs here, in-process, and the page redirected to finds the file ready.
    transaction.on_commit(partial(tasks.export_build.delay, job.pk))
    return HttpResponseRedirect(reverse("admin:registration_export_job", args=[job.pk]))
