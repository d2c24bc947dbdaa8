"""Background work of signing: adapters that call the services."""

from celery import shared_task

from .services import PdfRenderError, signed_pdf_render


@shared_task(bind=True, max_retries=2, time_limit=600, soft_time_limit=540)
def render_signed_pdf(self, pdf_id: int) -> str:
    """Render and sign one PDF; a large one takes a while, hence a task."""
    try:
        record = signed_pdf_render(pdf_id=pdf_id)
    except PdfRenderError as exc:
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
    return record.status if record else "gone"
