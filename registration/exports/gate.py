"""The one place every export decides: the file in the response when small, else a background job and its page."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from registration.exports.background import export_build, export_goes_to_background, export_job_create
from registration.exports.tables import EXPORTERS, Table


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
    export_build.delay_on_commit(job.pk)
    return HttpResponseRedirect(reverse("admin:registration_export_job", args=[job.pk]))
