"""The access policy table: one row per URL name, enforced on every request.

Every route must have a row; a route without one is refused (404) and fails the
permission-matrix test. Object-level checks ("is this *your* pair?") stay in each
app's ``access.py``; this table decides who may use a route at all, and what
everyone else gets: anonymous visitors are sent to sign in, signed-in people
outside the audience get the same 404 as for a page that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import ResolverMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from people.roles import is_hr_admin, is_manager, request_roles
from people.scim.auth import scim_client_admit

AUDIT_READ_PERMISSION = "audit.view_auditevent"


class Audience(StrEnum):
    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    HR_ADMIN = "hr_admin"
    MANAGER = "manager"
    OPERATOR = "operator"
    AUDITOR = "auditor"
    SCIM_CLIENT = "scim_client"


AUDIENCE_LABELS: dict[Audience, Promise] = {
    Audience.PUBLIC: _("Anyone, signed in or not"),
    Audience.SIGNED_IN: _("Anyone signed in"),
    Audience.HR_ADMIN: _("HR admins"),
    Audience.MANAGER: _("Managers (people with direct reports)"),
    Audience.OPERATOR: _("Operators (Django admin staff)"),
    Audience.AUDITOR: _("Operators who may read the audit log"),
    Audience.SCIM_CLIENT: _("SCIM client (bearer token)"),
}


# Audiences that see people data across the organisation: they reach their routes only
# once they sign in with a second step (docs/mfa.md). Until then they are sent to set it up.
NEEDS_MFA: frozenset[Audience] = frozenset({Audience.HR_ADMIN, Audience.OPERATOR, Audience.AUDITOR})
MFA_SET_UP_ROUTE = "mfa_index"


@dataclass(frozen=True)
class Policy:
    route: str  # a URL name, or "namespace:*" for every route of a namespace
    audience: Audience
    shows: str  # what the route shows or does, in plain words

    @property
    def needs_mfa(self) -> bool:
        return self.audience in NEEDS_MFA


def _is_operator(user: object) -> bool:
    return bool(getattr(user, "is_active", False) and getattr(user, "is_staff", False))


def is_auditor(user: object) -> bool:
    """An operator holding ``audit.view_auditevent`` (superusers hold every permission)."""
    return _is_operator(user) and bool(user.has_perm(AUDIT_READ_PERMISSION))  # type: ignore[attr-defined]


def _admits(audience: Audience, request: HttpRequest) -> bool:
    """``AUDIENCE_CHECKS`` for a request: role answers are kept for the rest of it."""
    if audience is Audience.HR_ADMIN:
        return request_roles(request).hr_admin
    if audience is Audience.MANAGER:
        return request_roles(request).manager
    return AUDIENCE_CHECKS[audience](request.user)


AUDIENCE_CHECKS: dict[Audience, Callable[..., bool]] = {
    Audience.PUBLIC: lambda user: True,
    Audience.SIGNED_IN: lambda user: bool(user.is_authenticated),
    Audience.HR_ADMIN: is_hr_admin,
    Audience.MANAGER: is_manager,
    Audience.OPERATOR: _is_operator,
    Audience.AUDITOR: is_auditor,
    # Only a bearer token admits (checked in the middleware): no person, signed in or not.
    Audience.SCIM_CLIENT: lambda user: False,
}

_ACCOUNT_PUBLIC = [
    ("account_login", "Sign in with e-mail and password"),
    ("account_signup", "Sign up (closed unless MENTORING_OPEN_SIGNUP is on)"),
    ("account_logout", "Sign out"),
    ("account_inactive", "Explains that an account is inactive"),
    ("account_email_verification_sent", "Asks to check the inbox"),
    ("account_reset_password", "Asks for a password reset link"),
    ("account_reset_password_done", "Confirms that a reset link was sent"),
    ("account_reset_password_from_key", "Sets a new password from an e-mailed link"),
    ("account_reset_password_from_key_done", "Confirms the new password"),
    ("account_request_login_code", "Asks for a sign-in code by e-mail"),
    ("account_confirm_login_code", "Signs in with an e-mailed code"),
]
# Single sign-on (allauth socialaccount): the organisation's IdP, OpenID Connect or SAML.
_SSO_PUBLIC = [
    ("openid_connect_login", "Starts single sign-on with the organisation's OpenID provider"),
    ("openid_connect_callback", "Finishes OpenID Connect sign-in from the provider's answer"),
    ("saml_login", "Starts single sign-on with the organisation's SAML identity provider"),
    ("saml_acs", "Receives the identity provider's signed SAML answer"),
    ("saml_finish_acs", "Finishes SAML sign-in from that answer"),
    ("saml_sls", "Single logout requested by the identity provider"),
    ("saml_metadata", "The SAML service provider metadata for the identity provider"),
    ("socialaccount_login_cancelled", "Says single sign-on was cancelled"),
    ("socialaccount_login_error", "Says single sign-on failed"),
    ("socialaccount_signup", "Completes a first SSO sign-in (only with open sign-up)"),
]
_ACCOUNT_SIGNED_IN = [
    ("socialaccount_connections", "Own single sign-on connections"),
    ("account_email", "Own e-mail addresses"),
    ("account_change_password", "Change own password"),
    ("account_set_password", "Set a password for the first time"),
    ("account_reauthenticate", "Confirm own password before a sensitive change"),
]

# allauth.mfa: each person's own authenticators (allauth filters every one by its owner).
_MFA_PUBLIC = [
    ("mfa_authenticate", "The second sign-in step, for a sign-in in progress"),
    ("mfa_login_webauthn", "Sign in with a passkey"),
]
_MFA_SIGNED_IN = [
    ("mfa_index", "Own two-step sign-in: what is set up, what can be added"),
    ("mfa_reauthenticate", "Confirm a second step before a sensitive change"),
    ("mfa_activate_totp", "Set up an authenticator app (QR code)"),
    ("mfa_deactivate_totp", "Remove own authenticator app"),
    ("mfa_view_recovery_codes", "Own unused recovery codes"),
    ("mfa_generate_recovery_codes", "Make a new set of own recovery codes"),
    ("mfa_download_recovery_codes", "Own recovery codes as a text file"),
    ("mfa_list_webauthn", "Own security keys and passkeys"),
    ("mfa_add_webauthn", "Add a security key or passkey"),
    ("mfa_reauthenticate_webauthn", "Confirm with a security key before a sensitive change"),
    ("mfa_remove_webauthn", "Remove one of own security keys"),
    ("mfa_edit_webauthn", "Rename one of own security keys"),
]

POLICIES: tuple[Policy, ...] = (
    Policy("home", Audience.SIGNED_IN, "Own home page: next steps"),
    Policy("healthz", Audience.PUBLIC, "Status of database, broker and workers; no personal data"),
    Policy("who_sees_what", Audience.SIGNED_IN, "Who can see what, in plain words"),
    Policy("who_sees_what_moved", Audience.SIGNED_IN, "The old address of who can see what"),
    Policy("people:directory", Audience.HR_ADMIN, "Everyone: name, e-mail, department, manager"),
    # HR's read side (hr_view): counts, names and dates drawn from several apps.
    Policy(
        "hr_view:person",
        Audience.HR_ADMIN,
        "A person: reporting line, programs, roles and pairs; no session content",
    ),
    Policy(
        "hr_view:deactivate", Audience.HR_ADMIN, "Deactivate someone who left, after confirming"
    ),
    Policy(
        "hr_view:participants",
        Audience.HR_ADMIN,
        "Participants, their matching answers and whom they are paired with",
    ),
    Policy(
        "hr_view:health",
        Audience.HR_ADMIN,
        "A program's health: funnel, meeting counts and last-met dates per pair, mentor load, "
        "weekly trend, departments of at least 5 people; never places or session content",
    ),
    Policy(
        "hr_view:health_compare",
        Audience.HR_ADMIN,
        "Programs side by side: pairs, meetings held, pairs that met recently (counts only)",
    ),
    Policy(
        "hr_view:survey_results",
        Audience.HR_ADMIN,
        "A program's survey and pulse results: released aggregates of at least 5 answers",
    ),
    Policy(
        "hr_view:report",
        Audience.HR_ADMIN,
        "A program's report to print: the health page's counts and charts without the pair "
        "list, departments of at least 5 people, released survey totals; no names",
    ),
    Policy(
        "hr_view:report_csv",
        Audience.HR_ADMIN,
        "The same program report as CSV (aggregates only); the download is audited",
    ),
    Policy(
        "hr_view:erase",
        Audience.HR_ADMIN,
        "Erase a person on request, after confirming; the audit log keeps only an id",
    ),
    Policy("people:reactivate", Audience.HR_ADMIN, "Let a deactivated person sign in again"),
    Policy("people:import", Audience.HR_ADMIN, "HR import of people from CSV"),
    Policy("people:import_sample", Audience.HR_ADMIN, "A sample CSV file for the import"),
    Policy("people:team", Audience.MANAGER, "Own direct reports: name, title, department"),
    Policy(
        "people:sign_out_everywhere",
        Audience.SIGNED_IN,
        "Sign out here, then at the organisation's identity provider",
    ),
    Policy(
        "people:email_settings", Audience.SIGNED_IN, "Own language, time zone and e-mail settings"
    ),
    Policy(
        "people:data_export",
        Audience.SIGNED_IN,
        "Ask for an archive of own data and follow its preparation",
    ),
    Policy(
        "people:data_export_download",
        Audience.SIGNED_IN,
        "Download own data archive until it expires; anyone else's is a 404",
    ),
    Policy(
        "people:unsubscribe",
        Audience.PUBLIC,
        "Turn off reminders or nudges, for whoever holds the e-mail's signed link",
    ),
    # The manager view: direct reports' meeting times and status, nothing else.
    Policy("notifications:list", Audience.SIGNED_IN, "Own notifications, newest first"),
    Policy("notifications:open", Audience.SIGNED_IN, "Open own notification: mark it read"),
    Policy("notifications:mark_all_read", Audience.SIGNED_IN, "Mark all own notifications read"),
    Policy("manager_view:team", Audience.MANAGER, "Direct reports' meeting start, end, status"),
    Policy("manager_view:feed_settings", Audience.MANAGER, "Own team busy-time feed address"),
    Policy("manager_view:feed_reset", Audience.MANAGER, "Give the team feed a new address"),
    Policy("manager_view:feed", Audience.PUBLIC, "A team busy-time feed, for its token holder"),
    # Employees; object access (own enrolment, program open to me) is in programs/access.py.
    Policy("programs:list", Audience.SIGNED_IN, "Programs open to me and the ones I am in"),
    Policy("programs:detail", Audience.SIGNED_IN, "A program open to me or that I am in"),
    Policy("programs:enrol_mentee", Audience.SIGNED_IN, "Enrol as a mentee in an open program"),
    Policy("programs:enrol_mentor", Audience.SIGNED_IN, "Enrol as a mentor in an open program"),
    Policy("programs:enrolment_edit", Audience.SIGNED_IN, "Own enrolment answers, until matching"),
    Policy("programs:enrolment_withdraw", Audience.SIGNED_IN, "Withdraw own enrolment"),
    Policy("programs:nomination_dismiss", Audience.SIGNED_IN, "Dismiss a nomination sent to me"),
    Policy("programs:suggestion_dismiss", Audience.SIGNED_IN, "Dismiss a focus suggestion to me"),
    # Managers, for their own direct reports only.
    Policy("programs:nominate", Audience.MANAGER, "Nominate a direct report for a program"),
    Policy("programs:suggest_focus", Audience.MANAGER, "Send a direct report a focus suggestion"),
    # HR admins: settings, counts and dates; never nomination notes or focus suggestions.
    Policy("programs:hr_list", Audience.HR_ADMIN, "All programs with participant counts"),
    Policy("programs:hr_create", Audience.HR_ADMIN, "Create a program"),
    Policy("programs:hr_detail", Audience.HR_ADMIN, "A program's settings, status and counts"),
    Policy("programs:hr_edit", Audience.HR_ADMIN, "Edit a program's settings"),
    Policy("programs:hr_duplicate", Audience.HR_ADMIN, "Copy a program as a new draft"),
    Policy("programs:hr_transition", Audience.HR_ADMIN, "Move a program through its lifecycle"),
    Policy("programs:skills", Audience.HR_ADMIN, "The skills taxonomy: list and add"),
    Policy("programs:skill_edit", Audience.HR_ADMIN, "Rename or merge a skill"),
    Policy("programs:participant_decide", Audience.HR_ADMIN, "Approve or decline an application"),
    Policy("programs:participants_export", Audience.HR_ADMIN, "Participants as CSV"),
    Policy("programs:invite", Audience.HR_ADMIN, "Invite people to a program by e-mail"),
    # Matching. HR sees who is paired with whom, scores and reasons; never session content.
    Policy("matching:runs", Audience.HR_ADMIN, "A program's matching runs, proposals and pairs"),
    Policy("matching:run_start", Audience.HR_ADMIN, "Start a cohort matching run"),
    Policy(
        "matching:program_start",
        Audience.HR_ADMIN,
        "Before a program starts: its pairs and waiting mentees, in numbers",
    ),
    Policy("matching:run_progress", Audience.HR_ADMIN, "A run's progress as JSON"),
    Policy("matching:proposal_remove", Audience.HR_ADMIN, "Remove a proposed pair"),
    Policy("matching:proposal_set", Audience.HR_ADMIN, "Add a pair or change a mentor by hand"),
    Policy("matching:proposal_swap", Audience.HR_ADMIN, "Swap the mentors of two proposals"),
    Policy("matching:run_publish", Audience.HR_ADMIN, "Publish proposals as pairs"),
    Policy("matching:shortlist", Audience.SIGNED_IN, "A mentee's shortlist of mentors"),
    Policy("matching:request_create", Audience.SIGNED_IN, "A mentee asks a mentor"),
    Policy("matching:requests", Audience.SIGNED_IN, "Own requests, sent and received"),
    Policy("matching:request_answer", Audience.SIGNED_IN, "A mentor accepts or declines"),
    Policy("matching:request_withdraw", Audience.SIGNED_IN, "A mentee withdraws a request"),
    Policy("matching:pairs", Audience.SIGNED_IN, "Own pairs"),
    Policy("matching:pair_end", Audience.SIGNED_IN, "End own pair, no reason asked"),
    # Meetings: the two people of a pair (meetings/access.py); a feed by its secret token.
    Policy("meetings:pair", Audience.SIGNED_IN, "A pair's meetings: times, status, place"),
    Policy("meetings:schedule", Audience.SIGNED_IN, "Schedule a meeting or a series"),
    Policy("meetings:log", Audience.SIGNED_IN, "Log a meeting held elsewhere"),
    Policy("meetings:respond", Audience.SIGNED_IN, "Accept or decline an invitation"),
    Policy("meetings:reschedule", Audience.SIGNED_IN, "Move a meeting, or this and following"),
    Policy("meetings:cancel", Audience.SIGNED_IN, "Cancel a meeting, or this and following"),
    Policy("meetings:ics", Audience.SIGNED_IN, "One meeting as a calendar file"),
    Policy("meetings:feed_settings", Audience.SIGNED_IN, "Own calendar feed address"),
    Policy("meetings:feed_reset", Audience.SIGNED_IN, "Give the calendar feed a new address"),
    Policy("meetings:feed", Audience.PUBLIC, "A calendar feed, for whoever holds its token"),
    # The journal: session content, for the two people of the pair and nobody else.
    Policy("journal:pair", Audience.SIGNED_IN, "The pair's goals and agreement"),
    Policy("journal:goal_add", Audience.SIGNED_IN, "Add a goal (the mentee)"),
    Policy("journal:goal_update", Audience.SIGNED_IN, "Update a goal's status or progress"),
    Policy("journal:agreement", Audience.SIGNED_IN, "Write or acknowledge the agreement"),
    Policy("journal:share_focus", Audience.SIGNED_IN, "Share a manager's suggestion (mentee)"),
    Policy("journal:meeting", Audience.SIGNED_IN, "A meeting's agenda and notes"),
    Policy("journal:agenda_add", Audience.SIGNED_IN, "Add an agenda item"),
    Policy("journal:agenda_toggle", Audience.SIGNED_IN, "Tick an agenda item off"),
    Policy("journal:notes_save", Audience.SIGNED_IN, "Save the shared notes"),
    Policy("journal:notes_history", Audience.SIGNED_IN, "Earlier versions of the shared notes"),
    Policy("journal:notes_restore", Audience.SIGNED_IN, "Restore a version of the shared notes"),
    Policy("journal:private_note_save", Audience.SIGNED_IN, "Save one's private note"),
    # Check-ins: one's own answers only; HR sets surveys up and sees released aggregates.
    Policy("checkins:mine", Audience.SIGNED_IN, "Own open surveys and recent meetings' pulse"),
    Policy("checkins:pulse", Audience.SIGNED_IN, "Answer or change own pulse after a meeting"),
    Policy(
        "checkins:pulse_link",
        Audience.PUBLIC,
        "Confirm a pulse answer from the e-mail's signed link (GET records nothing)",
    ),
    Policy("checkins:survey", Audience.SIGNED_IN, "Answer or change own survey answers"),
    Policy(
        "checkins:hr_surveys",
        Audience.HR_ADMIN,
        "Set up a program's surveys from the question bank; no answers",
    ),
    *(Policy(name, Audience.PUBLIC, shows) for name, shows in _ACCOUNT_PUBLIC),
    *(Policy(name, Audience.PUBLIC, shows) for name, shows in _SSO_PUBLIC),
    *(Policy(name, Audience.SIGNED_IN, shows) for name, shows in _ACCOUNT_SIGNED_IN),
    Policy(
        "audit_log",
        Audience.AUDITOR,
        "The audit log of privileged actions: who, what, when, from where; no content",
    ),
    Policy("audit_log_export", Audience.AUDITOR, "The audit log's filtered rows as CSV"),
    *(Policy(name, Audience.PUBLIC, shows) for name, shows in _MFA_PUBLIC),
    *(Policy(name, Audience.SIGNED_IN, shows) for name, shows in _MFA_SIGNED_IN),
    Policy("admin:*", Audience.OPERATOR, "The operator's Django admin (no session content)"),
    # Provisioning: the identity provider's SCIM client, with a token an operator created.
    Policy(
        "scim:*",
        Audience.SCIM_CLIENT,
        "SCIM 2.0: create, read, update and deactivate people and their reporting lines; "
        "discovery. No mentoring data",
    ),
)

_BY_ROUTE = {p.route: p for p in POLICIES}


def policy_for(match: ResolverMatch) -> Policy | None:
    name = match.view_name
    if name in _BY_ROUTE:
        return _BY_ROUTE[name]
    namespace = ":".join(match.namespaces)
    return _BY_ROUTE.get(f"{namespace}:*") if namespace else None


class AccessPolicyMiddleware:
    """Applies the table before any view runs, so no view can forget it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: object, view_args: object, view_kwargs: object
    ) -> HttpResponseBase | None:
        match = request.resolver_match
        policy = policy_for(match) if match else None
        if policy is None:
            raise Http404("No access policy for this route.")
        if policy.audience is Audience.SCIM_CLIENT:
            return scim_client_admit(request)
        if _admits(policy.audience, request):
            if policy.needs_mfa and not _has_mfa(request):
                return _to_mfa_set_up(request)
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404("Not in the audience of this route.")


def _has_mfa(request: HttpRequest) -> bool:
    """Read with the roles, once per request (no query of its own when the navigation
    or the audience check asked already); a reset applies on the next one."""
    return request_roles(request).mfa_set_up


def _to_mfa_set_up(request: HttpRequest) -> HttpResponseRedirect:
    messages.warning(
        request,
        _(
            "Your role lets you see people data, so it needs two-step sign-in. "
            "Set up an authenticator app or a security key to continue."
        ),
        fail_silently=True,
    )
    return HttpResponseRedirect(reverse(MFA_SET_UP_ROUTE))
