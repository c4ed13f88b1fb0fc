using System.Text.Json;
using Elevate.Core.Notifications;
using Elevate.Server.Tests.Approvals;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.Notifications;
using Elevate.Server.Tests.Notifications.Support;
using static Elevate.Server.Tests.Reviews.ReviewScenario;

namespace Elevate.Server.Tests.Reviews;

/// <summary>
/// Who hears of an access review, and what they are told: the members of a reviewer group, a reviewer whose
/// preference is a daily digest (review mail asks for action, so it is critical), the owner of a review whose results
/// wait for an administrator, and a webhook route subscribed to review-started.
/// </summary>
public abstract class ReviewNotificationTests(DatabaseKind kind) : DispatchTest(kind)
{
    private const string ReviewsHook = "/hooks/reviews";

    private const string Preferences = "/api/v1/me/notification-preferences";

    protected override void ConfigureChannels(Dictionary<string, string?> settings) => Webhook(settings, 0, "reviews", ReviewsHook, "review-started");

    [Fact]
    public async Task Review_started_goes_to_each_member_of_a_reviewer_group_and_to_nobody_else()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(Alice.Id, role);
        await Admin.MakeEligibleAsync(Dave.Id, role);
        var dbas = await Admin.CreateGroupAsync("dbas", Bob.Id, Carol.Id);

        var (_, instanceId) = await Admin.StartReviewNowAsync(App, "db-admin review", Definition([role], [Named(dbas)], Now));

        var subject = "Elevate: access review \"db-admin review\" needs your decisions";
        foreach (var member in new[] { "bob", "carol" })
        {
            var mail = await MailToAsync($"{member}@example.com", subject);
            Assert.Contains("2 items wait for your decision by 2026-12-11 09:00 UTC.", mail.TextBody);
            Assert.Contains($"Open in Elevate: {PublicUrl}/reviews/{instanceId}", mail.TextBody);
        }

        Assert.Equal(2, (await Carol.Client.MyItemsAsync(instanceId)).Count);
        var started = (await OutboxMessagesAsync()).Where(m => IsEmail(m) && Str(m, "event") == "review-started").ToList();
        Assert.Equal(["bob@example.com", "carol@example.com"], started.Select(m => Str(m, "destination")).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { Bob.Id, Carol.Id }.Order(), started.Select(m => m.GetProperty("recipientId").GetGuid()).Order());
        Assert.All(started, m => Assert.True(m.GetProperty("critical").GetBoolean()));
        Assert.DoesNotContain(MailsTo("alice@example.com"), m => m.Subject == subject);
        Assert.DoesNotContain(MailsTo("dave@example.com"), m => m.Subject == subject);
    }

    [Fact]
    public async Task A_reviewer_with_a_daily_digest_gets_review_started_and_the_reminder_at_once_since_they_are_critical()
    {
        Assert.True(NotificationEvents.IsCritical(NotificationEvent.ReviewStarted));
        Assert.True(NotificationEvents.IsCritical(NotificationEvent.ReviewReminder));
        (await Bob.Client.PutAsync(Preferences, new { mode = "dailyDigest", digestTime = "PT18H" })).ShouldBe(200);
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(Alice.Id, role);

        // The digest does hold bob's non-critical mail back...
        var other = await Admin.CreateRoleAsync("db-reader");
        await Admin.MakeEligibleAsync(Bob.Id, other);
        var held = Assert.Single(await OutboxMessagesAsync(), m => Str(m, "destination") == "bob@example.com" && Str(m, "event") == "eligible-assigned");
        Assert.Equal("held", Str(held, "status"));

        // ...but not the review that waits for his decisions (09:00, the digest is at 18:00).
        var (_, instanceId) = await Admin.StartReviewNowAsync(App, "db-admin review", Definition([role], [Named(Bob.Id)], Now, reminders: ["P3D"]));
        var mail = await MailToAsync("bob@example.com", "Elevate: access review \"db-admin review\" needs your decisions");
        Assert.Contains($"{PublicUrl}/reviews/{instanceId}", mail.TextBody);
        var started = Assert.Single(await OutboxMessagesAsync(), m => Str(m, "destination") == "bob@example.com" && Str(m, "event") == "review-started");
        Assert.True(started.GetProperty("critical").GetBoolean());
        Assert.NotEqual("held", Str(started, "status"));
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero), Now);

        // The reminder, 11 days later at 09:00 (the clock has not moved since), is not held for that day's 18:00 digest either.
        await App.AdvanceAsync(TimeSpan.FromDays(11));
        var reminder = await MailToAsync("bob@example.com", "Elevate: access review \"db-admin review\" ends 2026-12-11 09:00 UTC");
        Assert.Contains("1 item still waits for your decision.", reminder.TextBody);
        var reminded = await OutboxSettledAsync(m => Str(m, "destination") == "bob@example.com" && Str(m, "event") == "review-reminder", m => Str(m, "status") == "sent",
            "the reminder to be sent");
        Assert.True(Assert.Single(reminded).GetProperty("critical").GetBoolean());
        Assert.Equal(new DateTimeOffset(2026, 12, 8, 9, 0, 0, TimeSpan.Zero), Now);
    }

    [Fact]
    public async Task Review_closed_without_auto_apply_tells_the_owner_that_the_removals_wait_for_an_administrator()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var aliceEligibility = await Admin.MakeEligibleAsync(Alice.Id, role);
        await Admin.MakeEligibleAsync(Carol.Id, role);
        var (_, instanceId) = await Admin.StartReviewNowAsync(App, "db-admin review", Definition([role], [Named(Bob.Id)], Now, autoApply: false), ownerId: Dave.Id);
        var items = await Bob.Client.MyItemsAsync(instanceId);
        (await Bob.Client.DecideAsync(instanceId, Decision(ItemIdOf(items, Alice.Id), "deny", "Left the team"), Decision(ItemIdOf(items, Carol.Id), "approve", "On call"))).ShouldBe(200);

        await App.AdvanceAsync(TimeSpan.FromDays(14));

        var subject = "Elevate: access review \"db-admin review\" #1 closed: 1 approved, 1 denied";
        var closed = await MailToAsync("dave@example.com", subject);
        Assert.Equal(subject, closed.Subject);
        Assert.Contains("1 approved, 1 denied, 0 not reviewed. 1 removal waits for an administrator to apply the results.", closed.TextBody);
        Assert.DoesNotContain("being applied now", closed.TextBody);
        Assert.Contains("Access to remove: 1", closed.TextBody);
        Assert.Contains($"Open in Elevate: {PublicUrl}/admin/reviews/instances/{instanceId}", closed.TextBody);

        // Nothing was removed: the instance waits, closed, for an administrator.
        Assert.Equal("closed", (await Admin.ProgressAsync(instanceId)).GetProperty("instance").GetProperty("status").GetString());
        Assert.Equal("active", (await Admin.AssignmentAsync(aliceEligibility))["status"].GetString());
        (await Admin.PostAsync($"{Instances}/{instanceId}/apply")).ShouldBe(200);
        Assert.Equal("ended", (await Admin.AssignmentAsync(aliceEligibility))["status"].GetString());
    }

    [Fact]
    public async Task A_webhook_route_for_review_started_receives_it_signed_with_the_instance_in_its_data()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(Alice.Id, role);
        var (reviewId, instanceId) = await Admin.StartReviewNowAsync(App, "db-admin review", Definition([role], [Named(Bob.Id)], Now));

        var hook = await Hooks.WaitForAsync(r => r.Path == ReviewsHook && r.Header("Elevate-Event") == "review-started", MailWait);
        Assert.True(WebhookSignature.Verify(hook.Header(WebhookSignature.HeaderName), hook.Body, Secret, App.Time.GetUtcNow(), TimeSpan.FromMinutes(5), out var why), why);
        using var body = JsonDocument.Parse(hook.Body);
        var root = body.RootElement;
        Assert.Equal("review-started", root.GetProperty("type").GetString());
        Assert.Equal(Guid.Parse(hook.Header("Elevate-Delivery")!), root.GetProperty("id").GetGuid());
        Assert.True(root.GetProperty("critical").GetBoolean());
        Assert.Equal($"{PublicUrl}/admin/reviews/instances/{instanceId}", root.GetProperty("url").GetString());
        var data = root.GetProperty("data");
        Assert.Equal(instanceId, data.GetProperty("reviewInstanceId").GetGuid());
        Assert.Equal("db-admin review", data.GetProperty("review").GetString());
        Assert.Equal(1, data.GetProperty("instanceNumber").GetInt32());
        Assert.Equal(1, data.GetProperty("itemCount").GetInt32());

        // The route hears of review-started only: closing the instance queues nothing more for it.
        (await Admin.PostAsync($"{Instances}/{instanceId}/close")).ShouldBe(200);
        var audited = Assert.Single(await Admin.AuditTrailAsync("&action=review.closed"));
        Assert.Equal(reviewId, ApprovalsDetails(audited).GetProperty("reviewId").GetGuid());
        var toRoute = (await OutboxMessagesAsync()).Where(m => Str(m, "channel") == "webhook").ToList();
        Assert.Equal(["review-started"], toRoute.Select(m => Str(m, "event")));
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Single(Hooks.Received, r => r.Path == ReviewsHook);
    }

    private static JsonElement ApprovalsDetails(JsonElement auditEvent) => ApprovalScenario.Details(auditEvent);
}

public sealed class ReviewNotificationTestsOnSqlite() : ReviewNotificationTests(DatabaseKind.Sqlite);

public sealed class ReviewNotificationTestsOnPostgres() : ReviewNotificationTests(DatabaseKind.Postgres);
