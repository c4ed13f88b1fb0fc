namespace Elevate.Core.Common;

/// <summary>
/// Every stable error code Elevate returns. Clients may switch on these; they never change meaning.
/// docs/api.md lists them with the HTTP status each maps to.
/// </summary>
public static class ErrorCodes
{
    // Input (400)
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
    public const string InvalidPattern = "invalid_pattern";
    public const string InvalidCursor = "invalid_cursor";
    public const string InvalidSettings = "invalid_settings";
    public const string BodyTooLarge = "body_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";

    // Who (401 / 403)
    public const string Unauthenticated = "unauthenticated";
    public const string Forbidden = "forbidden";
    public const string SelfGrantForbidden = "self_grant_forbidden";
    public const string NotOwnAssignment = "not_own_assignment";
    public const string PrincipalDisabled = "principal_disabled";

    // What (404)
    public const string PrincipalNotFound = "principal_not_found";
    public const string RoleNotFound = "role_not_found";
    public const string AssignmentNotFound = "assignment_not_found";
    public const string RequestNotFound = "request_not_found";
    public const string TokenNotFound = "token_not_found";
    public const string AuditEventNotFound = "audit_event_not_found";
    public const string SettingsNotFound = "settings_not_found";
    public const string NotFound = "not_found";

    // Rules (422)
    public const string NotEligible = "not_eligible";
    public const string OutsideEligibilityWindow = "outside_eligibility_window";
    public const string ExceedsMaxDuration = "exceeds_max_duration";
    public const string BelowMinDuration = "below_min_duration";
    public const string PermanentNotAllowed = "permanent_not_allowed";
    public const string JustificationRequired = "justification_required";
    public const string JustificationPatternMismatch = "justification_pattern_mismatch";
    public const string TicketRequired = "ticket_required";
    public const string TicketPatternMismatch = "ticket_pattern_mismatch";
    public const string MfaRequired = "mfa_required";
    public const string StartInPast = "start_in_past";
    public const string EndNotLater = "end_not_later";
    public const string NotYetExtendable = "not_yet_extendable";
    public const string NotExpired = "not_expired";
    public const string WrongAssignmentKind = "wrong_assignment_kind";
    public const string WrongPrincipalKind = "wrong_principal_kind";
    public const string LastAdministrator = "last_administrator";
    public const string BuiltInRoleProtected = "built_in_role_protected";
    public const string ApproversRequired = "approvers_required";
    public const string ActionNotAllowed = "action_not_allowed";

    // State (409 / 412)
    public const string ActivationAlreadyOpen = "activation_already_open";
    public const string AssignmentAlreadyExists = "assignment_already_exists";
    public const string AssignmentEnded = "assignment_ended";
    public const string InvalidTransition = "invalid_transition";
    public const string NameTaken = "name_taken";
    public const string ChangedConcurrently = "changed_concurrently";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string PreconditionFailed = "precondition_failed";
    public const string SetupSecretInvalid = "setup_secret_invalid";
    public const string AlreadyMember = "already_member";
    public const string NotMember = "not_member";
}
