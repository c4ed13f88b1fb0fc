namespace Elevate.Core.Common;

/// <summary>
/// Every stable error code Elevate returns, grouped by the HTTP status it comes with. Clients may switch on these;
/// they never change meaning. docs/api.md describes each. When a response lists several problems, its status is
/// that of the first.
/// </summary>
public static class ErrorCodes
{
    // 400: the input itself is wrong; nothing was looked up or changed.
    public const string MalformedJson = "malformed_json";
    public const string InvalidType = "invalid_type";
    public const string UnknownField = "unknown_field";
    public const string Required = "required";
    public const string TooLong = "too_long";
    public const string InvalidCharacters = "invalid_characters";
    public const string InvalidValue = "invalid_value";
    public const string InvalidScope = "invalid_scope";
    public const string InvalidTime = "invalid_time";
    public const string InvalidDuration = "invalid_duration";
    public const string InvalidSchedule = "invalid_schedule";
    public const string StartInPast = "start_in_past";
    public const string InvalidPattern = "invalid_pattern";
    public const string InvalidCursor = "invalid_cursor";
    public const string InvalidSettings = "invalid_settings";
    public const string PasswordTooShort = "password_too_short";
    public const string PasswordTooLong = "password_too_long";
    public const string PasswordTooCommon = "password_too_common";
    public const string PasswordTooWeak = "password_too_weak";

    // 401
    public const string Unauthenticated = "unauthenticated";

    // 403: the caller may not do this (or is not eligible, or lacks a fresh second factor).
    public const string Forbidden = "forbidden";
    public const string SelfGrantForbidden = "self_grant_forbidden";
    public const string NotOwnAssignment = "not_own_assignment";
    public const string NotEligible = "not_eligible";
    public const string MfaRequired = "mfa_required";
    public const string SetupSecretInvalid = "setup_secret_invalid";
    public const string MfaInvalid = "mfa_invalid";
    public const string MfaFactorNotAccepted = "mfa_factor_not_accepted";
    public const string SelfApprovalForbidden = "self_approval_forbidden";
    public const string NotAnApprover = "not_an_approver";
    public const string InvalidCredentials = "invalid_credentials";

    // 404
    public const string NotFound = "not_found";
    public const string PrincipalNotFound = "principal_not_found";
    public const string RoleNotFound = "role_not_found";
    public const string AssignmentNotFound = "assignment_not_found";
    public const string RequestNotFound = "request_not_found";
    public const string MessageNotFound = "message_not_found";
    public const string AlertNotFound = "alert_not_found";
    public const string ReviewNotFound = "review_not_found";
    public const string ReviewItemNotFound = "review_item_not_found";
    public const string TokenNotFound = "token_not_found";
    public const string AuditEventNotFound = "audit_event_not_found";
    public const string SettingsNotFound = "settings_not_found";
    public const string FactorNotFound = "factor_not_found";

    // 405, 413, 415: written for the framework's own refusals.
    public const string MethodNotAllowed = "method_not_allowed";
    public const string BodyTooLarge = "body_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";

    // 409: the current state does not allow it, or someone else changed it first.
    public const string ActivationAlreadyOpen = "activation_already_open";
    public const string AssignmentAlreadyExists = "assignment_already_exists";
    public const string AssignmentEnded = "assignment_ended";
    public const string InvalidTransition = "invalid_transition";
    public const string NameTaken = "name_taken";
    public const string ChangedConcurrently = "changed_concurrently";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string AlreadyMember = "already_member";
    public const string NotMember = "not_member";
    public const string AlreadyDecided = "already_decided";
    public const string LinkUsed = "link_used";
    public const string NotDeadLettered = "not_dead_lettered";
    public const string AlertNotOpen = "alert_not_open";

    // 412
    public const string PreconditionFailed = "precondition_failed";

    // 422: well formed, but a role setting or an invariant does not allow it; the rule is named.
    public const string OutsideEligibilityWindow = "outside_eligibility_window";
    public const string ExceedsMaxDuration = "exceeds_max_duration";
    public const string BelowMinDuration = "below_min_duration";
    public const string PermanentNotAllowed = "permanent_not_allowed";
    public const string JustificationRequired = "justification_required";
    public const string JustificationPatternMismatch = "justification_pattern_mismatch";
    public const string TicketRequired = "ticket_required";
    public const string TicketPatternMismatch = "ticket_pattern_mismatch";
    public const string EndNotLater = "end_not_later";
    public const string NotYetExtendable = "not_yet_extendable";
    public const string NotExpired = "not_expired";
    public const string WrongAssignmentKind = "wrong_assignment_kind";
    public const string WrongPrincipalKind = "wrong_principal_kind";
    public const string PrincipalDisabled = "principal_disabled";
    public const string LastAdministrator = "last_administrator";
    public const string BuiltInRoleProtected = "built_in_role_protected";
    public const string ApproversRequired = "approvers_required";
    public const string ActionNotAllowed = "action_not_allowed";
    public const string NoPossibleApprover = "no_possible_approver";
    public const string ChannelNotConfigured = "channel_not_configured";
    public const string NoFix = "no_fix";
    public const string ReviewNotInProgress = "review_not_in_progress";
    public const string ReviewNotClosed = "review_not_closed";
    public const string ReviewStopped = "review_stopped";
    public const string StageDecided = "stage_decided";
    public const string NotAReviewer = "not_a_reviewer";
    public const string ReasonRequired = "reason_required";

    // Warnings (returned with a successful answer, never as an error).
    public const string ApprovalStageUnreachable = "approval_stage_unreachable";
    public const string ApprovalStageTight = "approval_stage_tight";

    // 429: too many failed attempts; retry after the time given.
    public const string SignInThrottled = "sign_in_throttled";

    // 500: a bug; the response reveals nothing more.
    public const string InternalError = "internal_error";
}
