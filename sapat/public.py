"""URL names anyone may open without logging in.

The anonymous-access test reads this list: every other URL pattern must send
an anonymous visitor to the login page. Later issues add the public pages of
the manual here (feedback form, tracking, surveys, /verify/, the policy, the
structure, the experts' matrix, public documents) together with their views,
which they mark ``@login_not_required``.
"""

PUBLIC_URL_NAMES: frozenset[str] = frozenset(
    {
        "healthz",
        "admin:login",
        "set_language",
        "accounts:login",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "verify",
        "quality_policy_public",
        "structure_public",
        "documents_public",
        "documents_public_download",
        "verify_code",
        "experts_public",
        "experts_public_cv",
        "feedback_public",
        "feedback_status",
        "feedback_questions",
        "survey_answer",
        "seminar_evaluate",
    }
)
