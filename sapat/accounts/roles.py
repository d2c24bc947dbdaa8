"""The posts of the Quality Manual as role groups, and what each may do.

The groups are created by a data migration; their model permissions are set
from :data:`ROLES` after every ``migrate`` (``post_migrate``), because each
later app adds the permissions of its own models. This table is the one place
that says who may do what; the authority matrix page is generated from the
groups, and the tests check it against the who-does-what table of the manual
(DOMAIN.md §2).

A group's name is its stable identifier (English); the label is translated.
Permissions a role does not declare are removed on sync, so change roles here,
not in the admin. Extra groups created in the admin are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    key: str
    group_name: str
    label: str
    duties: str
    permissions: tuple[str, ...] = ()
    #: Members may log in to the Django admin.
    admin_access: bool = False


# Every member of staff may read the organisation structure and see who is who.
STAFF_BASELINE = (
    "accounts.view_orgunit",
    "accounts.view_user",
    # The policy, process cards, KPIs and clause map are open to all staff;
    # the concept and corporate objectives are granted object by object.
    "quality.view_qualitypolicy",
    "quality.view_processcard",
    "quality.view_indicator",
    "quality.view_measurement",
    "quality.view_isoclause",
    # Documents open to all staff; restricted ones are granted row by row.
    "documents.add_changerequest",
    "documents.view_externaldocument",
    # Staff read the nomenclature and file records of their work.
    "records.view_nomenclature",
    "records.view_nomenclatureitem",
    "records.add_record",
    # Anyone raises a nonconformity and follows what is done about it.
    "capa.add_nonconformity",
    "capa.view_nonconformity",
    "capa.view_action",
    "capa.view_capaplan",
    # Posts, competences and the experts database (not their contacts or
    # CVs) are open to all staff; each reads their own staff file.
    "training.view_post",
    "training.view_competence",
    "training.view_expertisearea",
    "training.view_expert",
    # Staff see the suppliers and the approved lists, request purchases and
    # propose changes to the suppliers list (§7.4, ДЖ-11).
    "suppliers.view_supplier",
    "suppliers.view_supplierlist",
    "suppliers.view_trainerlistreview",
    "suppliers.add_purchase",
    "suppliers.add_listchangeproposal",
    # The client register and the agency's work plans are open to all staff;
    # projects are granted to their team object by object (ПК-02, ПК-04).
    "projects.view_client",
    "projects.view_workplan",
    # Staff register complaints that come by letter or e-mail (§7.2.3).
    "satisfaction.add_feedback",
    # The audit programme, the audits and the staff meeting are open to all.
    "audits.view_auditprogramme",
    "audits.view_audit",
    "audits.view_staffmeeting",
)

# The quality manager keeps the register and the single list (§4.2.3).
_DOCUMENTS = (
    "documents.add_document",
    "documents.change_document",
    "documents.view_document",
    "documents.add_documentrevision",
    "documents.change_documentrevision",
    "documents.view_documentrevision",
    "documents.add_papercopy",
    "documents.change_papercopy",
    "documents.view_papercopy",
    "documents.change_changerequest",
    "documents.view_changerequest",
    "documents.add_externaldocument",
    "documents.change_externaldocument",
)
# The quality manager (with the office manager) keeps the nomenclature of
# files and the records (§4.2.3, ДЖ-02).
_RECORDS = (
    "records.add_nomenclature",
    "records.change_nomenclature",
    "records.view_nomenclature",
    "records.add_nomenclatureitem",
    "records.change_nomenclatureitem",
    "records.delete_nomenclatureitem",
    "records.view_nomenclatureitem",
    "records.readrecords_nomenclatureitem",
    "records.add_record",
    "records.change_record",
    "records.view_record",
    "records.add_disposalact",
    "records.change_disposalact",
    "records.view_disposalact",
)
# The director or the quality representative keeps and controls the CAPA
# plan (§5.4.2); they handle nonconformities and check effectiveness.
_CAPA = (
    "capa.change_nonconformity",
    "capa.add_action",
    "capa.change_action",
    "capa.check_action",
    "capa.add_capaplan",
    "capa.change_capaplan",
)
# The quality manager (the quality representative) keeps the suppliers and
# their evaluation, decides on proposals and compiles the suppliers list; the
# director approves it and reviews the trainers list (§7.4, ДЖ-11).
_PURCHASING = (
    "suppliers.add_supplier",
    "suppliers.change_supplier",
    "suppliers.add_supplierdocument",
    "suppliers.view_supplierdocument",
    "suppliers.add_evaluation",
    "suppliers.view_evaluation",
    "suppliers.change_criterion",
    "suppliers.change_trainerrequirement",
    "suppliers.add_supplierlist",
    "suppliers.change_supplierlist",
    "suppliers.view_listchangeproposal",
    "suppliers.change_listchangeproposal",
    "suppliers.add_trainerlistreview",
    "suppliers.analyse_supplier",
)
# The quality manager plans internal audits and prepares the management
# review, the staff meeting and the self-assessment; the director approves
# the programme, the minutes and the self-assessment (§8.2.2, §5.6, ДЖ-10).
_AUDITS = (
    "audits.add_auditprogramme",
    "audits.change_auditprogramme",
    "audits.add_audit",
    "audits.change_audit",
    "audits.add_managementreview",
    "audits.change_managementreview",
    "audits.view_managementreview",
    "audits.add_reviewdecision",
    "audits.change_reviewdecision",
    "audits.add_staffmeeting",
    "audits.change_staffmeeting",
    "audits.add_selfassessment",
    "audits.change_selfassessment",
    "audits.view_selfassessment",
    "audits.add_criterion",
    "audits.change_criterion",
)
# Top management reads the reviews and the self-assessment.
_AUDITS_READ = (
    "audits.view_managementreview",
    "audits.view_selfassessment",
)
# The office manager buys and verifies deliveries on receipt (§7.4.3).
# Top management and project managers run the projects: clients, reviews,
# contracts, meetings and work plans (ДЖ-08, ПК-02, ПК-04). Client property
# is read by top management and, object by object, by each project's team.
_PROJECTS = (
    "projects.add_client",
    "projects.change_client",
    "projects.add_communication",
    "projects.view_communication",
    "projects.add_requirementsreview",
    "projects.view_requirementsreview",
    "projects.add_contractversion",
    "projects.change_contractversion",
    "projects.view_contractversion",
    "projects.add_project",
    "projects.change_project",
    "projects.view_project",
    "projects.viewproperty_project",
    "projects.change_deliverable",
    "projects.add_meeting",
    "projects.change_meeting",
    "projects.view_meeting",
    "projects.add_workplan",
    "projects.change_workplan",
)
# The director decides requirements reviews, sets complexity and forms teams.
_PROJECTS_DIRECTOR = (
    "projects.change_requirementsreview",
    "projects.setcomplexity_project",
)
# A project manager registers clients, reviews and contract versions and
# opens projects; the projects they run are granted to them object by object.
_PROJECT_WORK = (
    "projects.add_client",
    "projects.change_client",
    "projects.add_communication",
    "projects.view_communication",
    "projects.add_requirementsreview",
    "projects.view_requirementsreview",
    "projects.add_contractversion",
    "projects.change_contractversion",
    "projects.view_contractversion",
    "projects.add_project",
    "projects.view_project",
    "projects.change_deliverable",
    "projects.add_workplan",
    "projects.change_workplan",
)
# The referent keeps the client register and its communication log.
_CLIENT_CARE = (
    "projects.add_client",
    "projects.change_client",
    "projects.add_communication",
    "projects.view_communication",
    "projects.change_deliverable",
)
_PURCHASES = (
    "suppliers.view_supplierdocument",
    "suppliers.view_purchase",
    "suppliers.change_purchase",
    "suppliers.add_verification",
)
# The quality specialist reviews all feedback weekly, triages it, keeps the
# questionnaires and systematises satisfaction data (§7.2.3, §8.2.1).
_SATISFACTION = (
    "satisfaction.view_feedback",
    "satisfaction.change_feedback",
    "satisfaction.triage_feedback",
    "satisfaction.publish_feedback",
    "satisfaction.handle_complaint",
    "satisfaction.add_questionnaire",
    "satisfaction.change_questionnaire",
    "satisfaction.view_questionnaire",
    "satisfaction.add_survey",
    "satisfaction.view_survey",
)
# Complaints and claims are addressed to the director (§7.2.3), who also
# reads the satisfaction results.
_COMPLAINTS = (
    "satisfaction.handle_complaint",
    "satisfaction.view_survey",
    "satisfaction.view_questionnaire",
)
# The office manager registers incoming and outgoing letters (РИ-05).
_LETTERS = (
    "documents.add_letter",
    "documents.change_letter",
    "documents.view_letter",
)
# The director staffs, attests, trains and inducts; the deputy gives the QMS
# briefing (§6.2, ДЖ-12).
_PERSONNEL = (
    "training.add_competence",
    "training.change_competence",
    "training.add_expertisearea",
    "training.change_expertisearea",
    "training.add_post",
    "training.change_post",
    "training.add_employee",
    "training.change_employee",
    "training.view_employee",
    "training.add_trainingtaken",
    "training.view_trainingtaken",
    "training.view_competenceheld",
    "training.add_expert",
    "training.change_expert",
    "training.viewcontacts_expert",
    "training.add_attestation",
    "training.change_attestation",
    "training.view_attestation",
    "training.add_trainingneed",
    "training.view_trainingneed",
    "training.add_stafftrainingplan",
    "training.change_stafftrainingplan",
    "training.view_stafftrainingplan",
    "training.change_planitem",
    "training.view_planitem",
    "training.add_induction",
    "training.change_induction",
    "training.view_induction",
)
# Corporate training (ПК-03): the director runs the seminars, approves the
# programmes and decides on service memos; the quality manager reads them and
# keeps the validation record (§7.5.2); the trainer verifies programmes, marks
# topics, writes the review and the service memo (checked per seminar).
_TRAINING = (
    "training.add_trainingrequest",
    "training.change_trainingrequest",
    "training.view_trainingrequest",
    "training.add_indicativeplan",
    "training.view_indicativeplan",
    "training.add_programme",
    "training.change_programme",
    "training.view_programme",
    "training.add_seminar",
    "training.change_seminar",
    "training.view_seminar",
    "training.validate_seminar",
    "training.change_servicememo",
    "training.add_certificate",
)
_TRAINING_READ = (
    "training.view_trainingrequest",
    "training.view_indicativeplan",
    "training.view_programme",
    "training.view_seminar",
    "training.validate_seminar",
)
_TRAINER_WORK = (
    "training.view_programme",
    "training.view_seminar",
)

_QUALITY_SYSTEM = (
    "quality.add_qualitypolicy",
    "quality.change_qualitypolicy",
    "quality.add_processcard",
    "quality.change_processcard",
    "quality.add_indicator",
    "quality.change_indicator",
    "quality.add_measurement",
    "quality.add_objective",
)
# Top management drafts the concept and the corporate objectives (§5.4.1).
_STRATEGY = (
    "quality.add_developmentconcept",
    "quality.add_objective",
    *_AUDITS_READ,
)

_CALENDAR = (
    "accounts.view_calendarday",
    "accounts.add_calendarday",
    "accounts.change_calendarday",
    "accounts.delete_calendarday",
)
_ORGANISATION = (
    "accounts.view_organisationprofile",
    "accounts.change_organisationprofile",
    "accounts.add_orgunit",
    "accounts.change_orgunit",
)
_USERS = (
    "accounts.add_user",
    "accounts.change_user",
    "auth.view_group",
)

DIRECTOR = "director"
DEPUTY_DIRECTOR = "deputy_director"
EXECUTIVE_DIRECTOR = "executive_director"
PR_DIRECTOR = "pr_director"
FOUNDER = "founder"
TOP_MANAGEMENT = "top_management"
QUALITY_MANAGER = "quality_manager"
OFFICE_MANAGER = "office_manager"
SYSTEM_ADMINISTRATOR = "system_administrator"
PROJECT_MANAGER = "project_manager"
REFERENT = "referent"
EXPERT = "expert"
TRAINER = "trainer"
STAFF = "staff"

ROLES: tuple[Role, ...] = (
    Role(
        DIRECTOR,
        "Director",
        _("Director"),
        _(
            "Heads the QMS; approves the Quality Manual, the policy, objectives, "
            "procedures, plans, lists and reports; decides on complaints."
        ),
        (
            *_ORGANISATION,
            "accounts.view_calendarday",
            *_QUALITY_SYSTEM,
            *_DOCUMENTS,
            *_LETTERS,
            *_RECORDS,
            *_CAPA,
            *_AUDITS,
            *_PERSONNEL,
            *_PURCHASING,
            *_PURCHASES,
            *_COMPLAINTS,
            *_TRAINING,
            *_PROJECTS,
            *_PROJECTS_DIRECTOR,
        ),
        admin_access=True,
    ),
    Role(
        DEPUTY_DIRECTOR,
        "Deputy director",
        _("Deputy director"),
        _(
            "Gives the QMS briefing to newcomers; prepares website content; "
            "approves in the director's stead under a delegation."
        ),
        ("accounts.view_organisationprofile", *_PERSONNEL),
        admin_access=True,
    ),
    Role(
        EXECUTIVE_DIRECTOR,
        "Executive director",
        _("Executive director"),
        _("Controls the execution of projects together with project managers."),
        _PROJECTS,
    ),
    Role(
        PR_DIRECTOR,
        "PR director",
        _("Public relations director"),
        _("Prepares the information published on the website."),
    ),
    Role(
        FOUNDER,
        "Founder",
        _("Member of the council of founders"),
        _("Develops the quality objectives; provides resources with the director."),
        _STRATEGY,
    ),
    Role(
        TOP_MANAGEMENT,
        "Top management",
        _("Top management"),
        _(
            "The director, the deputies, the PR director and the council of "
            "founders: the only readers of the development concept and the "
            "corporate objectives."
        ),
        (*_STRATEGY, "projects.view_project", "projects.viewproperty_project"),
    ),
    Role(
        QUALITY_MANAGER,
        "Quality manager",
        _("Quality manager (management representative)"),
        _(
            "Keeps the nomenclature of files and the CAPA plan, announces "
            "documents, reviews feedback weekly, plans internal audits, "
            "systematises satisfaction data. Also called the quality specialist "
            "or the authorised representative for quality."
        ),
        (
            "accounts.view_calendarday",
            *_QUALITY_SYSTEM,
            *_DOCUMENTS,
            *_RECORDS,
            *_CAPA,
            *_AUDITS,
            *_PURCHASING,
            *_PURCHASES,
            "documents.view_letter",
            *_SATISFACTION,
            *_TRAINING_READ,
        ),
        admin_access=True,
    ),
    Role(
        OFFICE_MANAGER,
        "Office manager",
        _("Office manager"),
        _(
            "Keeps the nomenclature of files with the quality manager, and the "
            "working calendar."
        ),
        (
            *_CALENDAR,
            *_LETTERS,
            "documents.view_document",
            "documents.add_papercopy",
            "documents.change_papercopy",
            "documents.view_papercopy",
            *_RECORDS,
            *_PURCHASES,
        ),
        admin_access=True,
    ),
    Role(
        SYSTEM_ADMINISTRATOR,
        "System administrator",
        _("System administrator"),
        _(
            "Manages accounts, roles, backups and certificates; publishes website "
            "content; watches failed e-mails and tasks."
        ),
        (
            *_USERS,
            *_ORGANISATION,
            *_CALENDAR,
            # Deactivating an account starts from its staff file.
            "training.view_employee",
            "notify.view_email",
            "notify.view_taskfailure",
            "axes.view_accessattempt",
            "axes.delete_accessattempt",
            "axes.view_accesslog",
            "django_celery_beat.view_periodictask",
            "django_celery_beat.change_periodictask",
        ),
        admin_access=True,
    ),
    Role(
        PROJECT_MANAGER,
        "Project manager",
        _("Project manager"),
        _(
            "Keeps every version of the contract; controls the project with the "
            "executive director; assesses the project at its close."
        ),
        _PROJECT_WORK,
    ),
    Role(
        REFERENT,
        "Referent",
        _("Referent"),
        _(
            "Marks the tasks of the execution plan done; keeps the client's "
            "documents; monitors client satisfaction."
        ),
        _CLIENT_CARE,
    ),
    Role(
        EXPERT,
        "Expert",
        _("Expert"),
        _("Works in expert commissions appointed by the director."),
    ),
    Role(
        TRAINER,
        "Trainer",
        _("Trainer"),
        _(
            "Verifies training materials, marks the topics covered each day, "
            "writes the review and the service memo."
        ),
        _TRAINER_WORK,
    ),
    Role(
        STAFF,
        "Staff",
        _("Member of staff"),
        _("Reads the documents in force, keeps records, raises nonconformities."),
    ),
)

ROLES_BY_KEY = {role.key: role for role in ROLES}
ROLES_BY_GROUP = {role.group_name: role for role in ROLES}
TOP_MANAGEMENT_ROLES = frozenset({DIRECTOR, DEPUTY_DIRECTOR, PR_DIRECTOR, FOUNDER})


def role_members(key: str):
    """The active accounts holding the role ``key`` (a QuerySet of users)."""
    from .models import User

    return User.objects.filter(
        groups__name=ROLES_BY_KEY[key].group_name, is_active=True
    )


def role_permissions(role: Role) -> frozenset[str]:
    return frozenset((*STAFF_BASELINE, *role.permissions))
