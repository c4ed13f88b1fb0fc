using System.Text.Json.Nodes;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Api;

/// <summary>One bad input: what is sent, and the problem it must be refused with.</summary>
/// <param name="Field">The field the problem must name, or null where nothing in the request is at fault by name.</param>
/// <param name="OnRealServer">Sent to a Kestrel instance, for limits the in-memory test server does not enforce.</param>
/// <param name="WithReview">The fixture has an access review with its instance running (see <see cref="BadInputFixture.ReviewId"/>).</param>
public sealed record BadInput(string Name, Func<BadInputFixture, Task<ApiResponse>> Send, int Status, string Code, string? Field, bool OnRealServer = false, bool WithReview = false)
{
    public override string ToString() => Name;
}

/// <summary>
/// Every kind of bad input the API can be sent is refused with an RFC 9457 problem that carries a stable code and names
/// the field at fault, never with a 500, and leaves the database exactly as it was: no row, no version and no audit
/// event. (Rule violations that the product audits as request.rejected are not input errors and are not listed here.)
/// </summary>
public abstract class BadInputTests(DatabaseKind kind) : AppTest(kind)
{
    private const string Requests = "/api/v1/requests";

    private const string Reviews = "/api/v1/access-reviews";

    private const string Instances = "/api/v1/access-review-instances";

    protected override bool RunScheduler => false;

    /// <summary>The cases by name; the theory is fed names so that each case is a test of its own in every runner.</summary>
    public static IReadOnlyDictionary<string, BadInput> Catalog { get; } = new BadInput[]
    {
        // The body as JSON
        Raw("malformed JSON (cut off after the first name)", f => f.Alice.Client, HttpMethod.Post, Requests, _ => """{"action":""", 400, "malformed_json", "body"),
        Raw("an empty body where a request is required", f => f.Alice.Client, HttpMethod.Post, Requests, _ => "", 400, "required", "body"),
        Raw("a JSON array where an object is required", f => f.Alice.Client, HttpMethod.Post, Requests, _ => "[]", 400, "invalid_type", "body"),
        Activation("scope given as a number", (_, b) => b.With("scope", 5), 400, "invalid_type", "scope"),
        Activation("roleId that is not a GUID string", (_, b) => b.With("roleId", "db-admin"), 400, "invalid_type", "roleId"),
        Activation("validateOnly given as a string", (_, b) => b.With("validateOnly", "true"), 400, "invalid_type", "validateOnly"),
        Activation("an unknown top-level field", (_, b) => b.With("colour", "red"), 400, "unknown_field", "colour"),
        Activation("an unknown field nested in schedule", (_, b) => b.With("schedule.lenght", "PT1H"), 400, "unknown_field", "schedule.lenght"),
        Activation("action given as an integer enum value", (_, b) => b.With("action", 5), 400, "invalid_type", "action"),
        Activation("an unknown action name", (_, b) => b.With("action", "selfDestruct"), 400, "invalid_value", "action"),
        Activation("an unknown expiration name", (_, b) => b.With("schedule.expiration", "whenever"), 400, "invalid_value", "schedule.expiration"),
        Raw("null for the non-nullable settings.activation", f => f.Admin, HttpMethod.Put, f => $"/api/v1/roles/{f.RoleId}/settings", _ => """{"activation":null}""", 400, "invalid_type", "activation"),
        // Two parsers (a proxy, a WAF, Elevate) may disagree on which of two equal names counts.
        Raw("a field given twice", f => f.Admin, HttpMethod.Post, "/api/v1/roles", _ => """{"name":"db-reader","name":"db-owner"}""", 400, "malformed_json", "name"),

        // Free text
        Activation("an empty justification", (_, b) => b.With("justification", ""), 400, "required", "justification"),
        Activation("a blank justification", (_, b) => b.With("justification", "   "), 400, "required", "justification"),
        Activation("a justification of 501 characters", (_, b) => b.With("justification", new string('j', 501)), 400, "too_long", "justification"),
        Activation("a justification with a control character (BEL)", (_, b) => b.With("justification", "INC-4411\u0007"), 400, "invalid_characters", "justification"),
        Activation("a blank ticket number", (_, b) => b.With("ticket", new JsonObject { ["system"] = "jira", ["number"] = " " }), 400, "required", "ticket.number"),
        Raw("a role name of 101 characters", f => f.Admin, HttpMethod.Post, "/api/v1/roles", _ => $$"""{"name":"{{new string('r', 101)}}"}""", 400, "too_long", "name"),
        Raw("a user name with a line break", f => f.Admin, HttpMethod.Post, "/api/v1/users", _ => """{"name":"mallory\nadmin"}""", 400, "invalid_characters", "name"),
        Raw("an e-mail address that is not one", f => f.Admin, HttpMethod.Patch, f => $"/api/v1/principals/{f.Alice.Id}", _ => """{"email":"alice-at-example"}""", 400, "invalid_value", "email"),
        Raw("a token without a name", f => f.Alice.Client, HttpMethod.Post, "/api/v1/tokens", _ => "{}", 400, "required", "name"),
        Raw("a token living 400 days", f => f.Alice.Client, HttpMethod.Post, "/api/v1/tokens", _ => """{"name":"laptop","expiresIn":"P400D"}""", 400, "invalid_duration", "expiresIn"),

        // Schedules
        Activation("an end before the start", (f, b) => b.With("schedule", Window(f.At(TimeSpan.FromHours(2)), "afterDateTime", endsAt: f.At(TimeSpan.FromHours(1)))), 400, "invalid_schedule", "schedule.endsAt"),
        Activation("both an end time and a duration", (f, b) => b.With("schedule.endsAt", f.At(TimeSpan.FromHours(1))), 400, "invalid_schedule", "schedule.endsAt"),
        Activation("a negative duration (-PT1H)", (_, b) => b.With("schedule.duration", "-PT1H"), 400, "invalid_duration", "schedule.duration"),
        Activation("a zero duration (PT0S)", (_, b) => b.With("schedule.duration", "PT0S"), 400, "invalid_duration", "schedule.duration"),
        Activation("an absurd duration (P99999D)", (_, b) => b.With("schedule.duration", "P99999D"), 400, "invalid_duration", "schedule.duration"),
        Activation("a duration in months (P1M)", (_, b) => b.With("schedule.duration", "P1M"), 400, "invalid_duration", "schedule.duration"),
        Activation("a duration given as a number of seconds", (_, b) => b.With("schedule.duration", 3600), 400, "invalid_type", "schedule.duration"),
        Activation("a start time without an offset", (_, b) => b.With("schedule.startsAt", "2026-11-27T10:00:00"), 400, "invalid_time", "schedule.startsAt"),
        Activation("an end in the year 9999", (_, b) => b.With("schedule", Window(null, "afterDateTime", endsAt: "9999-01-01T00:00:00Z")), 400, "invalid_schedule", "schedule.endsAt"),
        Activation("a start one day in the past", (f, b) => b.With("schedule.startsAt", f.At(TimeSpan.FromDays(-1))), 400, "start_in_past", "schedule.startsAt"),

        // Ids that name nothing, or the wrong kind of thing
        Activation("a roleId of no role", (_, b) => b.With("roleId", Guid.NewGuid().ToString()), 404, "role_not_found", "roleId"),
        Raw("a targetAssignmentId of nothing", f => f.Alice.Client, HttpMethod.Post, Requests, _ => $$"""{"action":"selfDeactivate","targetAssignmentId":"{{Guid.NewGuid()}}"}""", 404, "assignment_not_found", "targetAssignmentId"),
        Raw("a user's id as roleId", f => f.Admin, HttpMethod.Post, Requests, f => BadInputFixture.Assignment(f.Alice.Id, f.Alice.Id).ToJsonString(), 404, "role_not_found", "roleId"),
        Raw("a role's id as principalId", f => f.Admin, HttpMethod.Post, Requests, f => BadInputFixture.Assignment(f.RoleId, f.RoleId).ToJsonString(), 404, "principal_not_found", "principalId"),
        Raw("an approver who does not exist", f => f.Admin, HttpMethod.Put, f => $"/api/v1/roles/{f.RoleId}/settings", _ => new JsonObject { ["activation"] = new JsonObject { ["approval"] = new JsonObject { ["required"] = true, ["approvers"] = new JsonArray(Guid.NewGuid().ToString()) } } }.ToJsonString(), 404, "principal_not_found", "activation.approval.approvers[0]"),
        // A rule (422), but refused before anything is written or audited, so it changes nothing like an input error.
        Raw("a group as a member of a group (a rule)", f => f.Admin, HttpMethod.Put, f => $"/api/v1/groups/{f.GroupId}/members/{f.OtherGroupId}", _ => "", 422, "wrong_principal_kind", "memberId"),
        new("a factor reset of no user", f => f.Admin.DeleteAsync($"/api/v1/users/{Guid.NewGuid()}/factors"), 404, "principal_not_found", "id"),
        new("a factor reset of a group", f => f.Admin.DeleteAsync($"/api/v1/users/{f.GroupId}/factors"), 404, "principal_not_found", "id"),
        new("ending the sessions of no user", f => f.Admin.DeleteAsync($"/api/v1/users/{Guid.NewGuid()}/sessions"), 404, "principal_not_found", "id"),
        Get("an unknown request id", f => f.Admin, _ => $"{Requests}/{Guid.NewGuid()}", 404, "request_not_found", "id"),
        Get("an unknown audit sequence", f => f.Admin, _ => "/api/v1/audit/events/999999", 404, "audit_event_not_found", "sequence"),
        Get("a role id in the path that is not a GUID", f => f.Admin, _ => "/api/v1/roles/db-admin", 404, "not_found", null),

        // Scopes (canonical form only: Elevate rejects rather than normalises)
        Activation("a scope with a '..' segment", (_, b) => b.With("scope", "/prod/../admin"), 400, "invalid_scope", "scope"),
        Activation("a scope with an empty segment ('//')", (_, b) => b.With("scope", "/prod//payments"), 400, "invalid_scope", "scope"),
        Activation("a scope with a trailing '/'", (_, b) => b.With("scope", "/prod/"), 400, "invalid_scope", "scope"),
        Activation("a scope with trailing junk ('?x')", (_, b) => b.With("scope", "/prod?x"), 400, "invalid_scope", "scope"),
        Activation("a scope with a trailing space", (_, b) => b.With("scope", "/prod "), 400, "invalid_scope", "scope"),
        Activation("a scope without the leading '/'", (_, b) => b.With("scope", "prod"), 400, "invalid_scope", "scope"),
        Get("a scope query parameter with a trailing '/'", f => f.Alice.Client, f => $"/api/v1/roles/{f.RoleId}/settings/effective?scope=/prod/", 400, "invalid_scope", "scope"),
        Get("a scope query parameter with '..'", f => f.Alice.Client, _ => "/api/v1/assignments?scope=/prod/..", 400, "invalid_scope", "scope"),

        // Query parameters
        Get("an unknown assignment kind", f => f.Alice.Client, _ => "/api/v1/assignments?kind=bogus", 400, "invalid_value", "kind"),
        Get("a principalId query value that is not a GUID", f => f.Admin, _ => "/api/v1/assignments?principalId=alice", 400, "invalid_value", "principalId"),
        Get("a limit of 0", f => f.Alice.Client, _ => "/api/v1/assignments?limit=0", 400, "invalid_value", "limit"),
        Get("a limit of 100000", f => f.Alice.Client, _ => "/api/v1/assignments?limit=100000", 400, "invalid_value", "limit"),
        Get("a limit that is not a number", f => f.Alice.Client, _ => "/api/v1/assignments?limit=ten", 400, "invalid_value", "limit"),
        Get("a cursor Elevate never gave out (assignments)", f => f.Alice.Client, _ => "/api/v1/assignments?cursor=garbage", 400, "invalid_cursor", "cursor"),
        Get("a cursor Elevate never gave out (roles)", f => f.Alice.Client, _ => "/api/v1/roles?cursor=garbage", 400, "invalid_cursor", "cursor"),
        Get("an unknown request status", f => f.Alice.Client, _ => $"{Requests}?status=bogus", 400, "invalid_value", "status"),
        Get("an audit search from 'yesterday'", f => f.Admin, _ => "/api/v1/audit/events?from=yesterday", 400, "invalid_time", "from"),
        Get("an audit search to a time without an offset", f => f.Admin, _ => "/api/v1/audit/events?to=2026-11-27T10:00:00", 400, "invalid_time", "to"),
        Get("an audit search that ends before it starts", f => f.Admin, _ => "/api/v1/audit/events?from=2026-11-28T00:00:00Z&to=2026-11-27T00:00:00Z", 400, "invalid_value", "to"),
        Get("an audit export in an unknown format", f => f.Admin, _ => "/api/v1/audit/export?format=xml", 400, "invalid_value", "format"),
        Get("a check that names no principal", f => f.Alice.Client, f => $"/api/v1/check?role={f.RoleId}", 400, "required", "principal"),

        // A second factor sent with a request (step-up)
        Activation("mfa with no factor in it", (_, b) => b.With("mfa", new JsonObject()), 400, "invalid_value", "mfa"),
        Activation("mfa with both a code and a passkey answer", (_, b) => b.With("mfa", new JsonObject { ["totp"] = "123456", ["webAuthn"] = new JsonObject { ["challengeId"] = "c", ["credential"] = new JsonObject() } }), 400, "invalid_value", "mfa"),
        Activation("mfa given as a bare code", (_, b) => b.With("mfa", "123456"), 400, "invalid_type", "mfa"),
        Activation("an mfa.totp of 21 characters", (_, b) => b.With("mfa", new JsonObject { ["totp"] = new string('1', 21) }), 400, "invalid_value", "mfa.totp"),
        Activation("an unknown field in mfa", (_, b) => b.With("mfa", new JsonObject { ["totp"] = "123456", ["sms"] = "123456" }), 400, "unknown_field", "mfa.sms"),
        Activation("an mfa.webAuthn answer without its challengeId", (_, b) => b.With("mfa", new JsonObject { ["webAuthn"] = new JsonObject { ["credential"] = new JsonObject() } }), 400, "required", "mfa.webAuthn.challengeId"),
        Raw("malformed JSON for a step-up challenge", f => f.Alice.Client, HttpMethod.Post, $"{Requests}/challenge", _ => """{"action":""", 400, "malformed_json", "body"),
        Raw("an unknown field in a step-up challenge request", f => f.Alice.Client, HttpMethod.Post, $"{Requests}/challenge", f => f.Activation().With("colour", "red").ToJsonString(), 400, "unknown_field", "colour"),

        // Approval decisions
        Raw("a decision on no request", f => f.Alice.Client, HttpMethod.Post, $"{Requests}/{Guid.NewGuid()}/approve", _ => "{}", 404, "request_not_found", "id"),
        Raw("a decision without a body", f => f.Alice.Client, HttpMethod.Post, f => $"{Requests}/{f.EligibilityId}/approve", _ => "", 400, "required", "body"),
        Raw("an unknown field in a decision", f => f.Alice.Client, HttpMethod.Post, f => $"{Requests}/{f.EligibilityId}/approve", _ => """{"verdict":"approve"}""", 400, "unknown_field", "verdict"),
        Raw("a decision's mfa with no factor in it", f => f.Alice.Client, HttpMethod.Post, f => $"{Requests}/{f.EligibilityId}/approve", _ => """{"mfa":{}}""", 400, "invalid_value", "mfa"),
        Raw("a denial reason of 501 characters", f => f.Alice.Client, HttpMethod.Post, f => $"{Requests}/{f.EligibilityId}/deny", _ => $$"""{"reason":"{{new string('r', 501)}}"}""", 400, "too_long", "reason"),
        Raw("a denial reason with a control character (BEL)", f => f.Alice.Client, HttpMethod.Post, f => $"{Requests}/{f.EligibilityId}/deny", _ => """{"reason":"No\u0007"}""", 400, "invalid_characters", "reason"),
        Raw("a decision challenge without a verdict", f => f.Alice.Client, HttpMethod.Post, f => $"{Requests}/{f.EligibilityId}/decision-challenge", _ => "{}", 400, "required", "verdict"),
        Raw("a decision challenge for an unknown verdict", f => f.Alice.Client, HttpMethod.Post, f => $"{Requests}/{f.EligibilityId}/decision-challenge", _ => """{"verdict":"maybe"}""", 400, "invalid_value", "verdict"),
        Raw("bulk decisions with none in them", f => f.Alice.Client, HttpMethod.Post, $"{Requests}/decisions", _ => """{"decisions":[]}""", 400, "invalid_value", "decisions"),
        Raw("bulk decisions without the list", f => f.Alice.Client, HttpMethod.Post, $"{Requests}/decisions", _ => "{}", 400, "invalid_value", "decisions"),
        Raw("101 bulk decisions", f => f.Alice.Client, HttpMethod.Post, $"{Requests}/decisions", f => BulkDecisions(101, $$"""{"requestId":"{{f.EligibilityId}}","verdict":"approve"}"""), 400, "invalid_value", "decisions"),
        Raw("a bulk decision without a requestId", f => f.Alice.Client, HttpMethod.Post, $"{Requests}/decisions", _ => BulkDecisions(1, """{"verdict":"approve"}"""), 400, "required", "decisions[0].requestId"),
        Raw("a bulk decision without a verdict", f => f.Alice.Client, HttpMethod.Post, $"{Requests}/decisions", f => BulkDecisions(1, $$"""{"requestId":"{{f.EligibilityId}}"}"""), 400, "required", "decisions[0].verdict"),
        Raw("a bulk decision with an unknown verdict", f => f.Alice.Client, HttpMethod.Post, $"{Requests}/decisions", f => BulkDecisions(1, $$"""{"requestId":"{{f.EligibilityId}}","verdict":"maybe"}"""), 400, "invalid_value", "decisions[0].verdict"),
        Get("the approval of no request", f => f.Alice.Client, _ => $"{Requests}/{Guid.NewGuid()}/approval", 404, "request_not_found", "id"),
        Get("an awaiting-me limit that is not a number", f => f.Alice.Client, _ => $"{Requests}/awaiting-me?limit=ten", 400, "invalid_value", "limit"),

        // Role settings
        Raw("an activation maximum of 25 hours", f => f.Admin, HttpMethod.Put, f => $"/api/v1/roles/{f.RoleId}/settings", _ => """{"activation":{"maxDuration":"PT25H"}}""", 400, "invalid_settings", "activation.maxDuration"),
        Raw("phishing-resistant MFA without MFA", f => f.Admin, HttpMethod.Put, f => $"/api/v1/roles/{f.RoleId}/settings", _ => """{"activation":{"requirePhishingResistantMfa":true}}""", 400, "invalid_settings", "activation.requirePhishingResistantMfa"),
        Raw("a justification pattern that is not a regex", f => f.Admin, HttpMethod.Put, f => $"/api/v1/roles/{f.RoleId}/settings", _ => """{"activation":{"justificationPattern":"(["}}""", 400, "invalid_pattern", "activation.justificationPattern"),

        // Notifications
        Raw("an unknown notification mode", f => f.Alice.Client, HttpMethod.Put, "/api/v1/me/notification-preferences", _ => """{"mode":"sometimes"}""", 400, "invalid_value", "mode"),
        Raw("notification preferences without a mode", f => f.Alice.Client, HttpMethod.Put, "/api/v1/me/notification-preferences", _ => """{"digestTime":"PT8H"}""", 400, "required", "mode"),
        Raw("a digest time of 24 hours", f => f.Alice.Client, HttpMethod.Put, "/api/v1/me/notification-preferences", _ => """{"mode":"dailyDigest","digestTime":"PT24H"}""", 400, "invalid_value", "digestTime"),
        Raw("a negative digest time", f => f.Alice.Client, HttpMethod.Put, "/api/v1/me/notification-preferences", _ => """{"mode":"dailyDigest","digestTime":"-PT1H"}""", 400, "invalid_duration", "digestTime"),
        Raw("a digest time with seconds", f => f.Alice.Client, HttpMethod.Put, "/api/v1/me/notification-preferences", _ => """{"mode":"dailyDigest","digestTime":"PT8H30S"}""", 400, "invalid_value", "digestTime"),
        Get("an unknown outbox status", f => f.Admin, _ => "/api/v1/notifications/outbox?status=bogus", 400, "invalid_value", "status"),
        Get("an outbox cursor Elevate never gave out", f => f.Admin, _ => "/api/v1/notifications/outbox?cursor=garbage", 400, "invalid_cursor", "cursor"),
        Get("an unknown outbox message", f => f.Admin, _ => $"/api/v1/notifications/outbox/{Guid.NewGuid()}", 404, "message_not_found", "id"),
        Raw("a retry of no outbox message", f => f.Admin, HttpMethod.Post, _ => $"/api/v1/notifications/outbox/{Guid.NewGuid()}/retry", _ => "", 404, "message_not_found", "id"),
        Raw("a test to a channel nobody configured", f => f.Admin, HttpMethod.Post, "/api/v1/notifications/test", _ => """{"channel":"nope"}""", 422, "channel_not_configured", "channel"),

        // Security alerts
        Raw("an alert dismissal without a reason", f => f.Admin, HttpMethod.Post, _ => $"/api/v1/alerts/{Guid.NewGuid()}/dismiss", _ => "{}", 400, "required", "reason"),
        Raw("an alert dismissal with a blank reason", f => f.Admin, HttpMethod.Post, _ => $"/api/v1/alerts/{Guid.NewGuid()}/dismiss", _ => """{"reason":"  "}""", 400, "required", "reason"),
        Raw("an alert dismissal reason of 501 characters", f => f.Admin, HttpMethod.Post, _ => $"/api/v1/alerts/{Guid.NewGuid()}/dismiss", _ => $$"""{"reason":"{{new string('r', 501)}}"}""", 400, "too_long", "reason"),
        Raw("a dismissal of no alert", f => f.Admin, HttpMethod.Post, _ => $"/api/v1/alerts/{Guid.NewGuid()}/dismiss", _ => """{"reason":"Accepted"}""", 404, "alert_not_found", "id"),
        Raw("a fix of no alert", f => f.Admin, HttpMethod.Post, _ => $"/api/v1/alerts/{Guid.NewGuid()}/fix", _ => "{}", 404, "alert_not_found", "id"),
        Get("an unknown alert", f => f.Admin, _ => $"/api/v1/alerts/{Guid.NewGuid()}", 404, "alert_not_found", "id"),
        Get("an unknown alert status", f => f.Admin, _ => "/api/v1/alerts?status=bogus", 400, "invalid_value", "status"),
        Raw("a negative maximum of permanent administrators", f => f.Admin, HttpMethod.Put, "/api/v1/alert-settings", _ => """{"maxPermanentAdministrators":-1}""", 400, "invalid_value", "maxPermanentAdministrators"),
        Raw("a permanent administrator share of 101%", f => f.Admin, HttpMethod.Put, "/api/v1/alert-settings", _ => """{"maxPermanentAdministratorPercent":101}""", 400, "invalid_value", "maxPermanentAdministratorPercent"),
        Raw("a frequent activation count of 1", f => f.Admin, HttpMethod.Put, "/api/v1/alert-settings", _ => """{"frequentActivationCount":1}""", 400, "invalid_value", "frequentActivationCount"),
        Raw("a frequent activation window of one minute", f => f.Admin, HttpMethod.Put, "/api/v1/alert-settings", _ => """{"frequentActivationWindow":"PT1M"}""", 400, "invalid_value", "frequentActivationWindow"),
        Raw("a stale eligibility age of one hour", f => f.Admin, HttpMethod.Put, "/api/v1/alert-settings", _ => """{"staleEligibilityAfter":"PT1H"}""", 400, "invalid_value", "staleEligibilityAfter"),
        Raw("a stale account age of 3651 days", f => f.Admin, HttpMethod.Put, "/api/v1/alert-settings", _ => """{"staleAccountAfter":"P3651D"}""", 400, "invalid_value", "staleAccountAfter"),
        new("alert settings with a stale If-Match", f => BadInputFixture.SendJsonAsync(f.Admin, HttpMethod.Put, "/api/v1/alert-settings", """{"staleAccountAfter":"P60D"}""", new Dictionary<string, string> { ["If-Match"] = "\"7\"" }), 412, "precondition_failed", "If-Match"),

        // Access reviews: a definition's problems name the field in the request body, under "definition"
        Raw("malformed JSON for a review", f => f.Admin, HttpMethod.Post, Reviews, _ => """{"name":""", 400, "malformed_json", "body"),
        Review("a review with an empty name", (_, b) => b.With("name", ""), 400, "required", "name"),
        Review("a review name of 101 characters", (_, b) => b.With("name", new string('r', 101)), 400, "too_long", "name"),
        Review("a review named like an existing one (a conflict)", (_, b) => b.With("name", "DB-Admin Review"), 409, "name_taken", "name", withReview: true),
        Review("a review owner who does not exist", (_, b) => b.With("ownerId", Guid.NewGuid().ToString()), 404, "principal_not_found", "ownerId"),
        Review("an unknown field in a review definition", (_, b) => b.With("definition.colour", "red"), 400, "unknown_field", "definition.colour"),
        Review("a review of no role", (_, b) => b.With("definition.scope.roleIds", new JsonArray(Guid.NewGuid().ToString())), 404, "role_not_found", "definition.scope.roleIds[0]"),
        Review("a review scope path with a trailing '/'", (_, b) => b.With("definition.scope.scopePath", "/prod/"), 400, "invalid_scope", "definition.scope.scopePath"),
        Review("a review scope path with a '..' segment", (_, b) => b.With("definition.scope.scopePath", "/prod/../admin"), 400, "invalid_scope", "definition.scope.scopePath"),
        Review("a review without stages", (_, b) => b.With("definition.stages", new JsonArray()), 400, "invalid_value", "definition.stages"),
        Review("a named review stage without reviewers", (_, b) => b.With("definition.stages", new JsonArray(BadInputFixture.Stage("named"))), 400, "invalid_value", "definition.stages[0].reviewerIds"),
        Review("a review stage of an unknown kind of reviewers", (f, b) => b.With("definition.stages", new JsonArray(BadInputFixture.Stage("peers", f.Alice.Id))), 400, "invalid_value", "definition.stages[0].reviewers"),
        Review("a reviewer who does not exist", (_, b) => b.With("definition.stages", new JsonArray(BadInputFixture.Stage("named", Guid.NewGuid()))), 404, "principal_not_found", "definition.stages[0].reviewerIds[0]"),
        Review("self-review as the second stage", (f, b) => b.With("definition.stages", new JsonArray(BadInputFixture.Stage("named", f.Alice.Id), BadInputFixture.Stage("self"))), 400, "invalid_value", "definition.stages[1].reviewers"),
        Review("a manager stage without a fallback reviewer", (_, b) => b.With("definition.stages", new JsonArray(BadInputFixture.Stage("manager"))), 400, "invalid_value", "definition.stages[0].fallbackReviewerIds"),
        Review("a quarterly instance open for 90 days (longer than the period allows)", (_, b) => b.With("definition.schedule.durationDays", 90), 400, "invalid_value", "definition.schedule.durationDays"),
        Review("a review instance open for 0 days", (_, b) => b.With("definition.schedule.durationDays", 0), 400, "invalid_value", "definition.schedule.durationDays"),
        Review("an unknown recurrence", (_, b) => b.With("definition.schedule.recurrence", "fortnightly"), 400, "invalid_value", "definition.schedule.recurrence"),
        Review("a review's first start two days ago", (f, b) => b.With("definition.schedule.startsAt", f.At(TimeSpan.FromDays(-2))), 400, "invalid_value", "definition.schedule.startsAt"),
        Review("a review schedule that ends before it starts", (f, b) => b.With("definition.schedule.end", "onDate").With("definition.schedule.endsOn", f.At(TimeSpan.FromHours(1))), 400, "invalid_value", "definition.schedule.endsOn"),
        Review("a reminder more than a year before the end", (_, b) => b.With("definition.reminders", new JsonArray("P366D")), 400, "invalid_value", "definition.reminders"),
        Review("an unknown default decision", (_, b) => b.With("definition.defaultDecision", "maybe"), 400, "invalid_value", "definition.defaultDecision"),
        new("a review edit with a stale If-Match", f => BadInputFixture.SendJsonAsync(f.Admin, HttpMethod.Put, $"{Reviews}/{f.ReviewId}", f.Review(), new Dictionary<string, string> { ["If-Match"] = "\"7\"" }), 412, "precondition_failed", "If-Match", WithReview: true),
        Get("an unknown access review", f => f.Admin, _ => $"{Reviews}/{Guid.NewGuid()}", 404, "review_not_found", "id"),
        Raw("stopping no access review", f => f.Admin, HttpMethod.Post, _ => $"{Reviews}/{Guid.NewGuid()}/stop", _ => "{}", 404, "review_not_found", "id"),
        new("a stop reason with a control character (BEL)", f => BadInputFixture.SendJsonAsync(f.Admin, HttpMethod.Post, $"{Reviews}/{f.ReviewId}/stop", """{"reason":"Done\u0007"}"""), 400, "invalid_characters", "reason", WithReview: true),
        new("review items filtered by an unknown decision", f => f.Admin.GetAsync($"{Instances}/{f.ReviewInstanceId}/items?decision=maybe"), 400, "invalid_value", "decision", WithReview: true),
        new("a review items limit of 0", f => f.Admin.GetAsync($"{Instances}/{f.ReviewInstanceId}/items?limit=0"), 400, "invalid_value", "limit", WithReview: true),
        new("a review items cursor Elevate never gave out", f => f.Admin.GetAsync($"{Instances}/{f.ReviewInstanceId}/items?cursor=garbage"), 400, "invalid_cursor", "cursor", WithReview: true),
        Raw("closing no review instance", f => f.Admin, HttpMethod.Post, _ => $"{Instances}/{Guid.NewGuid()}/close", _ => "", 404, "review_not_found", "id"),
        // A rule (409), refused before anything is written or audited.
        new("applying a review instance still in progress (a rule)", f => f.Admin.PostAsync($"{Instances}/{f.ReviewInstanceId}/apply"), 409, "review_not_closed", null, WithReview: true),

        // Review decisions (alice reviews her own eligibility: a self-review)
        Decide("malformed JSON for review decisions", _ => """{"items":[""", 400, "malformed_json", "body"),
        Decide("review decisions with none in them", _ => """{"items":[]}""", 400, "invalid_value", "items"),
        Decide("a review decision with an unknown decision", f => BadInputFixture.Decisions(BadInputFixture.Decision(f.ReviewItemId, "maybe", "Still on call")), 400, "invalid_value", "items[0].decision"),
        Decide("a review decision without its decision", f => BadInputFixture.Decisions(BadInputFixture.Decision(f.ReviewItemId, null, "Still on call")), 400, "required", "items[0].decision"),
        Decide("a review decision without an itemId", _ => BadInputFixture.Decisions(BadInputFixture.Decision(null, "approve", "Still on call")), 400, "required", "items[0].itemId"),
        Decide("an unknown field in a review decision", f => BadInputFixture.Decisions(BadInputFixture.Decision(f.ReviewItemId, null, null).With("verdict", "approve")), 400, "unknown_field", "items[0].verdict"),
        Decide("a review decision on an item of no instance", _ => BadInputFixture.Decisions(BadInputFixture.Decision(Guid.NewGuid(), "approve", "Still on call")), 404, "review_item_not_found", "items[0].itemId"),
        // A rule (422), like an activation without its justification, refused before anything is written or audited.
        Decide("a self-review decision without a justification (a rule)", f => BadInputFixture.Decisions(BadInputFixture.Decision(f.ReviewItemId, "approve", null)), 422, "reason_required", "items[0].reason"),
        Decide("a review decision reason of 501 characters", f => BadInputFixture.Decisions(BadInputFixture.Decision(f.ReviewItemId, "approve", new string('r', 501))), 400, "too_long", "items[0].reason"),
        Raw("a review decision in no instance", f => f.Alice.Client, HttpMethod.Post, _ => $"{Instances}/{Guid.NewGuid()}/decisions", _ => BadInputFixture.Decisions(BadInputFixture.Decision(Guid.NewGuid(), "approve", "Still on call")), 404, "review_not_found", "id"),
        Get("my review items in no instance", f => f.Alice.Client, _ => $"/api/v1/me/access-reviews/{Guid.NewGuid()}/items", 404, "review_not_found", "id"),

        // Headers
        new("an If-Match header that is not an ETag", f => BadInputFixture.SendJsonAsync(f.Admin, HttpMethod.Patch, $"/api/v1/roles/{f.RoleId}", """{"description":"Owns the databases"}""", new Dictionary<string, string> { ["If-Match"] = "nonsense" }), 400, "invalid_value", "If-Match"),
        new("an Idempotency-Key of 201 characters", f => BadInputFixture.SendJsonAsync(f.Alice.Client, HttpMethod.Post, Requests, f.Activation(), new Dictionary<string, string> { ["Idempotency-Key"] = new string('k', 201) }), 400, "invalid_value", "Idempotency-Key"),

        // The transport
        new("a body over 64 KiB", f => BadInputFixture.SendJsonAsync(f.Admin, HttpMethod.Post, "/api/v1/roles", $$"""{"name":"big","description":"{{new string('d', 70_000)}}"}"""), 413, "body_too_large", "body", OnRealServer: true),
        new("a JSON body sent as text/plain", f => f.Alice.Client.SendRawAsync(HttpMethod.Post, Requests, f.Activation().ToJsonString(), "text/plain"), 415, "unsupported_media_type", "Content-Type"),
        Get("an unknown route", f => f.Alice.Client, _ => "/api/v1/nothing-here", 404, "not_found", null),
        new("a method the route does not have", f => f.Alice.Client.DeleteAsync("/api/v1/roles"), 405, "method_not_allowed", null),
    }.ToDictionary(c => c.Name);

    public static TheoryData<string> Cases => new(Catalog.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_refused_with_a_problem_naming_the_field_and_changes_nothing(string @case)
    {
        var input = Catalog[@case];
        await using var fixture = await BadInputFixture.CreateAsync(App, Admin, input.OnRealServer, input.WithReview);
        var before = await DatabaseSnapshot.TakeAsync(App.Database);

        var response = await input.Send(fixture);

        var after = await DatabaseSnapshot.TakeAsync(App.Database);
        var failures = new List<string>();
        if (response.Status is < 400 or > 499)
        {
            failures.Add($"status {response.Status} is not a 4xx");
        }

        var expected = Describe(input.Status, input.Code, input.Field, "application/problem+json");
        var actual = Describe(response.Status, response.Code, response.Field, response.Message.Content.Headers.ContentType?.MediaType);
        if (expected != actual)
        {
            failures.Add($"expected {expected}{Environment.NewLine}     got {actual}");
        }

        if (before != after)
        {
            failures.Add($"the database changed{Environment.NewLine}  before {before}{Environment.NewLine}  after  {after}");
        }

        Assert.True(failures.Count == 0, $"{input.Name}:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}{Environment.NewLine}body {response.Body}");
    }

    private static string Describe(int status, string? code, string? field, string? mediaType) =>
        $"{status} code={code ?? "(none)"} field={field ?? "(none)"} as {mediaType ?? "(no content type)"}";

    /// <summary>A bulk decision body with <paramref name="count"/> copies of <paramref name="item"/>.</summary>
    private static string BulkDecisions(int count, string item) => $$"""{"decisions":[{{string.Join(',', Enumerable.Repeat(item, count))}}]}""";

    private static JsonObject Window(string? startsAt, string expiration, string? endsAt = null, string? duration = null)
    {
        var window = new JsonObject { ["expiration"] = expiration };
        if (startsAt is not null)
        {
            window["startsAt"] = startsAt;
        }

        if (endsAt is not null)
        {
            window["endsAt"] = endsAt;
        }

        if (duration is not null)
        {
            window["duration"] = duration;
        }

        return window;
    }

    /// <summary>Alice's valid activation with one thing spoiled.</summary>
    private static BadInput Activation(string name, Func<BadInputFixture, JsonObject, JsonObject> spoil, int status, string code, string field) =>
        new(name, f => BadInputFixture.SendJsonAsync(f.Alice.Client, HttpMethod.Post, Requests, spoil(f, f.Activation())), status, code, field);

    /// <summary>The administrator's valid review definition with one thing spoiled.</summary>
    private static BadInput Review(string name, Func<BadInputFixture, JsonObject, JsonObject> spoil, int status, string code, string field, bool withReview = false) =>
        new(name, f => BadInputFixture.SendJsonAsync(f.Admin, HttpMethod.Post, Reviews, spoil(f, f.Review())), status, code, field, WithReview: withReview);

    /// <summary>Alice's decisions in the fixture's running review, with <paramref name="body"/> as sent.</summary>
    private static BadInput Decide(string name, Func<BadInputFixture, string> body, int status, string code, string field) =>
        new(name, f => BadInputFixture.SendJsonAsync(f.Alice.Client, HttpMethod.Post, $"{Instances}/{f.ReviewInstanceId}/decisions", body(f)), status, code, field, WithReview: true);

    private static BadInput Raw(string name, Func<BadInputFixture, ApiClient> caller, HttpMethod method, string path, Func<BadInputFixture, string> body, int status, string code, string? field) =>
        Raw(name, caller, method, _ => path, body, status, code, field);

    private static BadInput Raw(
        string name, Func<BadInputFixture, ApiClient> caller, HttpMethod method, Func<BadInputFixture, string> path, Func<BadInputFixture, string> body, int status, string code, string? field) =>
        new(name, f => BadInputFixture.SendJsonAsync(caller(f), method, path(f), body(f)), status, code, field);

    private static BadInput Get(string name, Func<BadInputFixture, ApiClient> caller, Func<BadInputFixture, string> path, int status, string code, string? field) =>
        new(name, f => caller(f).GetAsync(path(f)), status, code, field);
}

public sealed class BadInputTestsOnSqlite() : BadInputTests(DatabaseKind.Sqlite);

public sealed class BadInputTestsOnPostgres() : BadInputTests(DatabaseKind.Postgres);
