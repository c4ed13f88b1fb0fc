using System.Text.Json;
using Elevate.Core.Roles;
using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.Notifications;
using static Elevate.Server.Tests.Reviews.ReviewScenario;

namespace Elevate.Server.Tests.Reviews;

/// <summary>
/// The issue's end-to-end case: a quarterly review of the eligible assignments to one role, with self-review and a
/// fallback reviewer, taking the recommendation for what nobody decides and applying its results automatically. It
/// runs on the durable scheduler and the fake clock, sends its mail to a real SMTP server on loopback, and is checked
/// through the public API and the audit trail only.
/// </summary>
/// <remarks>
/// <para>
/// Why one self-review stage with a fallback, not two stages (self, then manager): <c>ReviewDefinition.Validate</c>
/// allows self-review only as the first stage, and <c>ReviewRules.Step</c> sends an item approved at stage 1 of 2 on
/// to stage 2, so with a manager stage a self-approval alone would never keep the access (the item would stay undecided
/// and the default would remove an access nobody ever activated), and the issue's two decisions could not settle the
/// review. "Manager fallback" is what <c>ReviewRunner.StageReviewers</c> does for a self-review stage: an item whose
/// principal cannot review itself (a group reviewed as a whole, a disabled user) goes to the stage's
/// <c>fallbackReviewerIds</c>, here dave, the team's manager.
/// </para>
/// <para>
/// The three eligible principals: alice (approves her own access, with a justification), bob (denies his own) and the
/// night-shift group, reviewed as a whole, which cannot self-review: its item goes to dave, who never answers, and
/// nobody in it ever activated the role. Carol is a member of the group but reviews nothing.
/// </para>
/// </remarks>
public abstract class QuarterlyReviewEndToEndTests(DatabaseKind kind) : DispatchTest(kind)
{
    private const string ReviewName = "Payments DB quarterly";

    private static readonly Guid PrivilegedRoleAdministrator = BuiltInRoles.IdOf(BuiltInRole.PrivilegedRoleAdministrator);

    [Fact]
    public async Task A_quarterly_self_review_notifies_is_decided_reminds_closes_removes_the_denied_and_schedules_the_next_quarter()
    {
        // The directory: a role, three eligible principals, and an owner who may apply the results (a Privileged Role
        // Administrator: an automatic apply runs with the owner's authority).
        var role = await Admin.CreateRoleAsync("payments-db");
        var nightShift = await Admin.CreateGroupAsync("night-shift", Carol.Id);
        var aliceEligibility = await Admin.MakeEligibleAsync(Alice.Id, role);
        var bobEligibility = await Admin.MakeEligibleAsync(Bob.Id, role);
        var groupEligibility = await Admin.MakeEligibleAsync(nightShift, role);
        var olga = await UserAsync("olga");
        (await Admin.AssignAsync("active", olga.Id, PrivilegedRoleAdministrator, "/", Scenario.Permanent, "Owns the access reviews")).ShouldBe(201);

        // Define it to start now; the scheduler starts instance 1.
        var start = Now;
        var definition = Definition([role], [Self(Dave.Id)], start, recurrence: "quarterly", durationDays: 14, defaultDecision: "recommendation", autoApply: true,
            reminders: ["P3D"]);
        var reviewId = (await Admin.CreateReviewAsync(ReviewName, definition, olga.Id)).ShouldBe(201).Id;
        await App.SettleAsync();

        var instance = Assert.Single(await Admin.InstancesOfAsync(reviewId));
        var instanceId = instance.GetProperty("id").GetGuid();
        var endsAt = start + TimeSpan.FromDays(14);
        Assert.Equal(1, instance.GetProperty("number").GetInt32());
        Assert.Equal("inProgress", instance.GetProperty("status").GetString());
        Assert.Equal(3, instance.GetProperty("itemCount").GetInt32());
        Assert.Equal(start, instance.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal(endsAt, instance.GetProperty("endsAt").GetDateTimeOffset());

        var items = await Admin.ItemsAsync(instanceId);
        Assert.Equal(3, items.Count);
        Assert.All(items, i => Assert.Equal("deny", i.GetProperty("recommendation").GetString()));
        Assert.Equal("group", Item(items, nightShift).GetProperty("principalKind").GetString());

        // Each self-reviewer sees their own access only; dave (the fallback) sees the group's; carol, a member of the
        // group, is no reviewer.
        Assert.Equal([Alice.Id], PrincipalsOf(await Alice.Client.MyItemsAsync(instanceId)));
        Assert.Equal([Bob.Id], PrincipalsOf(await Bob.Client.MyItemsAsync(instanceId)));
        Assert.Equal([nightShift], PrincipalsOf(await Dave.Client.MyItemsAsync(instanceId)));
        (await Carol.Client.GetAsync($"/api/v1/me/access-reviews/{instanceId}/items?pending=true")).ShouldFail(404, "review_not_found");

        // review-started: to the three reviewers, each with a link to their items.
        var startedSubject = $"Elevate: access review \"{ReviewName}\" needs your decisions";
        foreach (var reviewer in new[] { "alice", "bob", "dave" })
        {
            var mail = await MailToAsync($"{reviewer}@example.com", startedSubject);
            Assert.Equal(startedSubject, mail.Subject);
            Assert.Equal("review-started", mail.Message.Headers["X-Elevate-Event"]);
            Assert.Contains("1 item waits for your decision by 2026-12-11 09:00 UTC.", mail.TextBody);
            Assert.Contains($"Open in Elevate: {PublicUrl}/reviews/{instanceId}", mail.TextBody);
            Assert.Contains($"href=\"{PublicUrl}/reviews/{instanceId}\"", mail.HtmlBody);
        }

        var outbox = await OutboxMessagesAsync();
        Assert.Equal(["alice@example.com", "bob@example.com", "dave@example.com"], Destinations(outbox, "review-started"));

        // Decisions through the API: a self-review needs a justification (a rule, like an activation's).
        var aliceItem = ItemIdOf(items, Alice.Id);
        var bobItem = ItemIdOf(items, Bob.Id);
        var groupItem = ItemIdOf(items, nightShift);
        (await Alice.Client.DecideAsync(instanceId, Decision(aliceItem, "approve"))).ShouldFail(422, "reason_required");
        (await Alice.Client.DecideAsync(instanceId, Decision(aliceItem, "approve", "I am on call for the payments database every other week"))).ShouldBe(200);
        (await Bob.Client.DecideAsync(instanceId, Decision(bobItem, "deny", "I moved to the data platform team"))).ShouldBe(200);
        var progress = await Admin.ProgressAsync(instanceId);
        Assert.Equal(2, progress.GetProperty("decided").GetInt32());
        Assert.Equal(1, progress.GetProperty("undecided").GetInt32());

        // The reminder, three days before the end: only dave still has an item to decide.
        await App.AdvanceAsync(endsAt - TimeSpan.FromDays(3) - Now);
        var reminderSubject = $"Elevate: access review \"{ReviewName}\" ends 2026-12-11 09:00 UTC";
        var reminder = await MailToAsync("dave@example.com", reminderSubject);
        Assert.Equal(reminderSubject, reminder.Subject);
        Assert.Contains("1 item still waits for your decision.", reminder.TextBody);
        Assert.Contains($"Open in Elevate: {PublicUrl}/reviews/{instanceId}", reminder.TextBody);
        var reminded = await OutboxSettledAsync(m => Str(m, "event") == "review-reminder", m => Str(m, "status") == "sent", "the reminders to be sent");
        Assert.Equal(["dave@example.com"], Destinations(reminded, "review-reminder"));

        // The end: the instance closes, the results are applied at once, and the owner hears of them.
        await App.AdvanceAsync(endsAt - Now);
        progress = await Admin.ProgressAsync(instanceId);
        Assert.Equal("applied", progress.GetProperty("instance").GetProperty("status").GetString());
        var results = progress.GetProperty("results");
        Assert.Equal(1, results.GetProperty("approved").GetInt32());
        Assert.Equal(2, results.GetProperty("denied").GetInt32());
        Assert.Equal(1, results.GetProperty("byDefault").GetInt32());
        Assert.Equal(2, results.GetProperty("removed").GetInt32());
        Assert.Equal(0, results.GetProperty("failed").GetInt32());

        items = await Admin.ItemsAsync(instanceId);
        Assert.Equal(("approved", false, "kept"), Outcome(Item(items, Alice.Id)));
        Assert.Equal(("denied", false, "removed"), Outcome(Item(items, Bob.Id)));
        Assert.Equal(("denied", true, "removed"), Outcome(Item(items, nightShift)));
        Assert.Equal("active", (await Admin.AssignmentAsync(aliceEligibility))["status"].GetString());
        Assert.Equal("ended", (await Admin.AssignmentAsync(bobEligibility))["status"].GetString());
        Assert.Equal("ended", (await Admin.AssignmentAsync(groupEligibility))["status"].GetString());
        Assert.False(await Admin.IsAllowedAsync("bob", role, "/"));

        var removals = new[] { Item(items, Bob.Id), Item(items, nightShift) }.Select(i => i.GetProperty("removalRequestId").GetGuid()).ToList();
        foreach (var (removal, target) in removals.Zip([bobEligibility, groupEligibility]))
        {
            var request = await Admin.RequestAsync(removal);
            Assert.Equal("adminRemove", request["action"].GetString());
            Assert.Equal("provisioned", request["status"].GetString());
            Assert.Equal(target, request["targetAssignmentId"].GetGuid());
        }

        var closedSubject = $"Elevate: access review \"{ReviewName}\" #1 closed: 1 approved, 2 denied";
        var closed = await MailToAsync("olga@example.com", closedSubject);
        Assert.Equal(closedSubject, closed.Subject);
        Assert.Contains("1 approved, 2 denied, 0 not reviewed. 2 removals are being applied now.", closed.TextBody);
        Assert.Contains("Approved: 1", closed.TextBody);
        Assert.Contains("Denied: 2", closed.TextBody);
        Assert.Contains($"Open in Elevate: {PublicUrl}/admin/reviews/instances/{instanceId}", closed.TextBody);
        outbox = await OutboxMessagesAsync();
        Assert.Equal(["olga@example.com"], Destinations(outbox, "review-closed"));
        Assert.Equal(["alice@example.com", "bob@example.com", "dave@example.com"], Destinations(outbox, "review-started"));

        // The audit trail tells the whole story in order: each removal (an adminRemove request and the end of the
        // assignment) between the start of the automatic apply and its report.
        var trail = await Admin.AuditTrailAsync();
        var story = trail.Where(e => (Action(e).StartsWith("review.", StringComparison.Ordinal) && Details(e).TryGetProperty("reviewId", out var r) && r.GetGuid() == reviewId)
            || (e.TryGetProperty("requestId", out var q) && q.ValueKind == JsonValueKind.String && removals.Contains(q.GetGuid()))).ToList();
        var told = story.Select(e => e.TryGetProperty("requestId", out var q) && q.ValueKind == JsonValueKind.String && removals.Contains(q.GetGuid())
            ? $"{Action(e)} ({(q.GetGuid() == removals[0] ? "bob" : "night-shift")})"
            : Action(e)).ToList();
        var first = told.FindIndex(t => t.EndsWith("(bob)", StringComparison.Ordinal)) < told.FindIndex(t => t.EndsWith("(night-shift)", StringComparison.Ordinal)) ? "bob" : "night-shift";
        var second = first == "bob" ? "night-shift" : "bob";
        Assert.Equal(
            [
                "review.created", "review.started", "review.decided", "review.decided", "review.reminder", "review.closed", "review.apply_started",
                .. Removal(first), .. Removal(second),
                "review.applied",
            ],
            told);
        var decided = story.Where(e => Action(e) == "review.decided").ToList();
        Assert.Equal([(Alice.Id, "approve"), (Bob.Id, "deny")], decided.Select(e => (e.GetProperty("principalId").GetGuid(), Details(e).GetProperty("decision").GetString())));
        Assert.Equal(1, Details(story.Single(e => Action(e) == "review.reminder")).GetProperty("undecided").GetInt32());

        // The next quarter: three calendar months after the first start (92 days here, not 90), and not started yet.
        var review = (await Admin.GetAsync($"{ReviewScenario.Reviews}/{reviewId}")).ShouldBe(200);
        Assert.Equal("active", review["status"].GetString());
        Assert.Equal(1, review["instancesStarted"].GetInt32());
        Assert.Equal(start.AddMonths(3), review["nextStartAt"].GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2027, 2, 27, 9, 0, 0, TimeSpan.Zero), review["nextStartAt"].GetDateTimeOffset());
        Assert.Single(await Admin.InstancesOfAsync(reviewId));
    }

    /// <summary>
    /// What one adminRemove of an eligibility writes to the audit trail, in order: the change set's assignment record
    /// comes before its request record, as for every request (see the audit trail tests).
    /// </summary>
    private static IEnumerable<string> Removal(string who) =>
        new[] { "assignment.ended", "request.submitted" }.Select(a => $"{a} ({who})");

    private static string Action(JsonElement e) => e.GetProperty("action").GetString() ?? "";

    private static JsonElement Details(JsonElement e) => ApprovalScenario.Details(e);

    private static JsonElement Item(IEnumerable<JsonElement> items, Guid principalId) =>
        items.Single(i => i.GetProperty("principal").GetProperty("id").GetGuid() == principalId);

    private static List<Guid> PrincipalsOf(IEnumerable<JsonElement> items) => [.. items.Select(i => i.GetProperty("principal").GetProperty("id").GetGuid())];

    private static (string?, bool, string?) Outcome(JsonElement item) =>
        (item.GetProperty("result").GetString(), item.GetProperty("resultIsDefault").GetBoolean(), item.GetProperty("outcome").GetString());

    /// <summary>The e-mail addresses the outbox holds a message of <paramref name="event"/> for, sorted.</summary>
    private static List<string> Destinations(IEnumerable<JsonElement> outbox, string @event) =>
        [.. outbox.Where(m => IsEmail(m) && Str(m, "event") == @event).Select(m => Str(m, "destination")).Order(StringComparer.Ordinal)];
}

public sealed class QuarterlyReviewEndToEndTestsOnSqlite() : QuarterlyReviewEndToEndTests(DatabaseKind.Sqlite);

public sealed class QuarterlyReviewEndToEndTestsOnPostgres() : QuarterlyReviewEndToEndTests(DatabaseKind.Postgres);
