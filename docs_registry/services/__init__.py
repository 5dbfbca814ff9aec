"""Every write to the registry. Views, the admin and management commands call these,
so the rules hold whichever door a change comes through."""

from .acknowledgments import (
    acknowledgment_record,
    acknowledgments_record,
    digest_mark_seen,
    version_shown_record,
)
from .documents import (
    CREATED_SUMMARY,
    document_changes_apply,
    document_create,
    document_publish,
    document_retire,
    document_update_details,
    draft_discard,
    draft_rebase,
    draft_save,
    ownership_transfer,
)
from .errors import (
    HandoffBlockError,
    LintFindingsError,
    ServiceError,
    StaleDraftError,
)
from .glossary import glossary_term_save
from .questions import question_answer, question_ask, question_close
from .reviews import review_confirm
from .signin import lockout_clear
from .tokens import api_token_authenticate, api_token_create, api_token_revoke

__all__ = [
    "HandoffBlockError",
    "api_token_authenticate",
    "api_token_create",
    "api_token_revoke",
    "acknowledgment_record",
    "acknowledgments_record",
    "digest_mark_seen",
    "lockout_clear",
    "CREATED_SUMMARY",
    "LintFindingsError",
    "ServiceError",
    "StaleDraftError",
    "document_changes_apply",
    "document_create",
    "document_publish",
    "document_retire",
    "document_update_details",
    "draft_discard",
    "draft_rebase",
    "draft_save",
    "glossary_term_save",
    "ownership_transfer",
    "question_answer",
    "question_ask",
    "question_close",
    "review_confirm",
    "version_shown_record",
]
