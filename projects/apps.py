from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from sapat.registry import MenuEntry


class ProjectsConfig(AppConfig):
    name = "projects"
    label = "projects"
    verbose_name = _("projects")
    menu = MenuEntry(
        label=_("Projects"),
        url_name="projects:index",
        icon="bi-kanban",
        order=50,
        procedures=("ДЖ-08", "ПК-02", "ПК-04"),
    )
    summary = _(
        "Clients, accreditation and consulting projects from negotiation and contract "
        "review to execution plans, weekly meetings, reports and closing; the client's"
        " property."
    )
    responsibilities = _(
        "The director sets complexity and appoints experts; the project manager and "
        "the executive director control the project; the referent marks the tasks "
        "done."
    )

    def ready(self) -> None:
        from sapat import search

        from .search import search_client_documents, search_projects

        search.register(
            "project",
            _("Projects"),
            search_projects,
            order=50,
            list_url=("projects:project_list", "q"),
        )
        search.register(
            "client_document",
            _("Client property"),
            search_client_documents,
            order=55,
            list_url=("projects:client_document_list", "q"),
        )

        from audits import review_inputs
        from sapat.registry import DashboardBlock, dashboard

        from . import handover  # noqa: F401 - registers the open work
        from .dashboard import my_work_block
        from .review import projects_input

        review_inputs.register(
            "projects", _("Client projects"), projects_input, order=30
        )

        dashboard.register(
            DashboardBlock(
                key="projects.my_work",
                template="projects/_my_work.html",
                context=my_work_block,
                order=40,
            )
        )
