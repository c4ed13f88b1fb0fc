using System.Globalization;
using System.Text.RegularExpressions;
using Elevate.Core.Roles;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.SignIn;
using static Elevate.Server.Tests.Reviews.ReviewScenario;

namespace Elevate.Server.Tests.Reviews;

/// <summary>
/// Access reviews in the portal: an administrator defines a review with the form, the scheduler starts it, the reviewer
/// finds it under "My reviews" and decides (one item, many, or the recommendations), the owner follows the progress,
/// closes, applies and exports the evidence.
/// </summary>
public abstract partial class ReviewPortalTests(DatabaseKind kind) : PortalTest(kind)
{
    private const string ReviewName = "Quarterly db-admin review";

    protected override bool RunScheduler => true;

    [Fact]
    public async Task An_administrator_creates_a_quarterly_review_which_the_reviewer_decides_and_the_administrator_closes_applies_and_exports()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var erin = await AdministratorAsync("erin");
        var carol = await UserWithTotpAsync("carol");
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var dave = await UserAsync("dave");
        var frank = await UserAsync("frank");
        var aliceEligibility = await Admin.MakeEligibleAsync(alice.Id, role);
        var bobEligibility = await Admin.MakeEligibleAsync(bob.Id, role);
        await Admin.MakeEligibleAsync(dave.Id, role);
        var frankEligibility = await Admin.MakeEligibleAsync(frank.Id, role);
        (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldBe(201);

        // The administrator finds access reviews under Administration, and a form whose defaults are the definition's.
        var areas = (await erin.Browser.GetPageAsync("/admin")).ShouldBe(200);
        Assert.Contains("href=\"/admin/reviews\"", areas.Html);
        var list = (await erin.Browser.GetPageAsync("/admin/reviews")).ShouldBe(200);
        Assert.Contains("href=\"/admin\"", list.Html);
        Assert.Contains("href=\"/reviews\"", list.Html);
        Assert.Equal("14", InputValue(list, "DurationDays"));
        Assert.Equal("30", InputValue(list, "RecommendationDays"));
        Assert.Equal("3", InputValue(list, "Reminders"));
        Assert.Matches("""<option value="noChange" selected="selected">""", list.Html);
        Assert.Matches("""<option value="oneTime" selected="selected">""", list.Html);
        Assert.Matches("""<input type="checkbox" id="f-Recommendations" name="Recommendations" value="true" checked="checked""", list.Html);
        Assert.DoesNotMatch("""id="f-RequireReason"[^>]*checked""", list.Html);

        var created = await PostAsync(erin.Browser, "/admin/reviews?handler=Create", list, ReviewForm(ReviewName, [role], "carol"));
        Assert.True(created.Status == 302, $"Expected a redirect, got {created.Status}; errors: [{string.Join(" | ", created.Errors)}]");
        var reviewId = Guid.Parse(created.RedirectPath!.Split('/').Last());
        created.ShouldRedirectTo($"/admin/reviews/{reviewId}");
        var definitionPage = (await erin.Browser.GetPageAsync($"/admin/reviews/{reviewId}")).ShouldBe(200);
        var notice = NoticeOf(definitionPage);
        Assert.Contains($"Created \u201c{ReviewName}\u201d", notice);
        Assert.Contains("quarterly", notice);
        Assert.Contains("1 role", notice);
        Assert.Contains("""<input type="hidden" name="Version" value=""", definitionPage.Html);

        var stored = (await Admin.GetAsync($"{ReviewScenario.Reviews}/{reviewId}")).ShouldBe(200);
        var definition = stored["definition"];
        Assert.Equal("quarterly", definition.GetProperty("schedule").GetProperty("recurrence").GetString());
        Assert.Equal(14, definition.GetProperty("schedule").GetProperty("durationDays").GetInt32());
        Assert.True(definition.GetProperty("requireReason").GetBoolean());
        Assert.Equal(carol.Id, definition.GetProperty("stages")[0].GetProperty("reviewerIds")[0].GetGuid());
        Assert.Equal(role, definition.GetProperty("scope").GetProperty("roleIds")[0].GetGuid());
        Assert.Equal(erin.Id, stored["ownerId"].GetGuid());

        // The scheduler starts the first instance; the reviewer finds it under "My reviews".
        await App.SettleAsync();
        var instanceId = Assert.Single(await Admin.InstancesOfAsync(reviewId)).GetProperty("id").GetGuid();
        var items = await Admin.ItemsAsync(instanceId);
        Assert.Equal(4, items.Count);
        var (aliceItem, bobItem, daveItem, frankItem) = (ItemIdOf(items, alice.Id), ItemIdOf(items, bob.Id), ItemIdOf(items, dave.Id), ItemIdOf(items, frank.Id));

        var mine = (await carol.Browser.GetPageAsync("/reviews")).ShouldBe(200);
        Assert.DoesNotContain("href=\"/admin/reviews\"", mine.Html);
        var pending = mine.SectionText("pending-reviews");
        Assert.NotNull(pending);
        Assert.Contains(ReviewName, pending);
        Assert.Contains("4 items", pending);
        Assert.Contains($"href=\"/reviews/{instanceId}\"", mine.Html);

        // The decision page: recommendation badges with their reasons.
        var review = (await carol.Browser.GetPageAsync($"/reviews/{instanceId}")).ShouldBe(200);
        Assert.Contains("data-recommendation=\"approve\"", Item(review, aliceItem));
        Assert.Contains("Recommended: Approve", Item(review, aliceItem));
        Assert.Contains("Last activated on", Item(review, aliceItem));
        foreach (var denied in new[] { bobItem, daveItem, frankItem })
        {
            Assert.Contains("data-recommendation=\"deny\"", Item(review, denied));
            Assert.Contains("Never activated this role.", Item(review, denied));
        }

        Assert.Contains("Reason (required)", Item(review, aliceItem));

        // Without the reason the review requires: the error is next to the item's reason, and nothing is recorded.
        var refused = (await carol.Browser.PostFormAsync($"/reviews/{instanceId}?handler=Decide", new { ItemId = aliceItem, Verdict = "approve", Reason = "" }, review)).ShouldBe(200);
        var reasonError = refused.TextOf($"err-items-{aliceItem:N}-Reason");
        Assert.NotNull(reasonError);
        Assert.Contains("reason", reasonError);
        Assert.Matches($"""<textarea id="f-items-{aliceItem:N}-Reason"[^>]*aria-invalid="true"[^>]*aria-describedby="err-items-{aliceItem:N}-Reason""", refused.Html);
        Assert.Contains("Nothing was recorded", refused.TextOf("decision-refused"));
        Assert.Equal(4, (await Admin.ItemsAsync(instanceId, "undecided")).Count);

        // One item by its form, two with the bulk form, the last by accepting its recommendation.
        (await carol.Browser.PostFormAsync($"/reviews/{instanceId}?handler=Decide", new { ItemId = aliceItem, Verdict = "approve", Reason = "On call this quarter" }, review))
            .ShouldRedirectTo($"/reviews/{instanceId}");
        review = (await carol.Browser.GetPageAsync($"/reviews/{instanceId}")).ShouldBe(200);
        Assert.Contains("Saved: Approve for alice", NoticeOf(review));
        Assert.DoesNotContain($"id=\"item-{aliceItem:N}\"", review.Html);
        Assert.Contains($"id=\"item-{aliceItem:N}\"", (await carol.Browser.GetPageAsync($"/reviews/{instanceId}?show=all")).ShouldBe(200).Html);

        (await PostAsync(carol.Browser, $"/reviews/{instanceId}?handler=Bulk", review,
            [("Selected", bobItem.ToString()), ("Selected", daveItem.ToString()), ("BulkVerdict", "deny"), ("BulkReason", "Left the team")]))
            .ShouldRedirectTo($"/reviews/{instanceId}");
        Assert.Contains("Saved: Deny for 2 items", NoticeOf((await carol.Browser.GetPageAsync($"/reviews/{instanceId}")).ShouldBe(200)));

        var confirm = (await carol.Browser.GetPageAsync($"/reviews/{instanceId}?confirm=accept")).ShouldBe(200);
        var confirmText = confirm.SectionText("confirm-accept");
        Assert.NotNull(confirmText);
        Assert.Contains("0 approved and 1 denied", confirmText);
        Assert.Null((await Admin.ItemsAsync(instanceId)).Single(i => i.GetProperty("id").GetGuid() == frankItem).GetProperty("decision").GetString());
        (await carol.Browser.PostFormAsync($"/reviews/{instanceId}?handler=Accept", null, confirm)).ShouldRedirectTo($"/reviews/{instanceId}");
        var done = (await carol.Browser.GetPageAsync($"/reviews/{instanceId}")).ShouldBe(200);
        Assert.Contains("Accepted the recommendation for 1 item: 0 approved, 1 denied.", NoticeOf(done));
        Assert.NotNull(done.TextOf("no-items"));

        var decided = await Admin.ItemsAsync(instanceId);
        Assert.Equal("approve", Decision(decided, aliceItem));
        Assert.Equal("deny", Decision(decided, bobItem));
        Assert.Equal("deny", Decision(decided, daveItem));
        Assert.Equal("deny", Decision(decided, frankItem));
        Assert.Equal("Left the team", decided.Single(i => i.GetProperty("id").GetGuid() == bobItem).GetProperty("reason").GetString());
        Assert.NotNull((await carol.Browser.GetPageAsync("/reviews")).ShouldBe(200).TextOf("no-reviews"));

        // The owner's page: progress and decisions per reviewer.
        var instancePage = $"/admin/reviews/instances/{instanceId}";
        var progress = (await erin.Browser.GetPageAsync(instancePage)).ShouldBe(200);
        Assert.Equal(4, Count(progress, "progress", "items"));
        Assert.Equal(4, Count(progress, "progress", "decided"));
        Assert.Equal(1, Count(progress, "progress", "approved"));
        Assert.Equal(3, Count(progress, "progress", "denied"));
        Assert.Equal(0, Count(progress, "progress", "undecided"));
        Assert.Contains("carol: 4 decisions", progress.SectionText("progress"));
        Assert.Contains("data-item=\"" + bobItem + "\"", (await erin.Browser.GetPageAsync($"{instancePage}?decision=deny")).ShouldBe(200).Html);
        Assert.DoesNotContain("data-item=\"" + aliceItem + "\"", (await erin.Browser.GetPageAsync($"{instancePage}?decision=deny")).ShouldBe(200).Html);

        // Close (after confirming), then apply: the denied access is removed and the results show.
        var closing = (await erin.Browser.GetPageAsync($"{instancePage}?confirm=close")).ShouldBe(200);
        Assert.NotNull(closing.TextOf("close-confirm"));
        (await erin.Browser.PostFormAsync($"{instancePage}?handler=Close", null, closing)).ShouldRedirectTo(instancePage);
        Assert.Equal("closed", (await Admin.ProgressAsync(instanceId)).GetProperty("instance").GetProperty("status").GetString());
        var closedPage = (await erin.Browser.GetPageAsync(instancePage)).ShouldBe(200);
        Assert.Contains("Closed instance #1: 1 approved, 3 denied", NoticeOf(closedPage));
        Assert.Equal(3, Count(closedPage, "results", "toRemove"));

        var applying = (await erin.Browser.GetPageAsync($"{instancePage}?confirm=apply")).ShouldBe(200);
        (await erin.Browser.PostFormAsync($"{instancePage}?handler=Apply", null, applying)).ShouldRedirectTo(instancePage);
        var applied = (await erin.Browser.GetPageAsync(instancePage)).ShouldBe(200);
        Assert.Contains("Applied the results: 3 removed", NoticeOf(applied));
        Assert.Equal(3, Count(applied, "results", "removed"));
        Assert.Contains("data-outcome=\"removed\"", Row(applied, bobItem));
        Assert.Contains("data-result=\"denied\"", Row(applied, bobItem));
        Assert.Contains("Removal request", Row(applied, bobItem));
        Assert.Contains("data-outcome=\"kept\"", Row(applied, aliceItem));
        Assert.Equal("ended", (await Admin.AssignmentAsync(bobEligibility))["status"].GetString());
        Assert.Equal("ended", (await Admin.AssignmentAsync(frankEligibility))["status"].GetString());
        Assert.Equal("active", (await Admin.AssignmentAsync(aliceEligibility))["status"].GetString());

        // The reviewer's page is read-only now.
        var readOnly = (await carol.Browser.GetPageAsync($"/reviews/{instanceId}")).ShouldBe(200);
        Assert.Contains($"id=\"item-{bobItem:N}\"", readOnly.Html);
        Assert.DoesNotContain("handler=decide", readOnly.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("handler=bulk", readOnly.Html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Deny by carol", Item(readOnly, bobItem));

        // The evidence: one CSV row per item.
        var export = await erin.Browser.GetPageAsync($"{instancePage}?handler=Export");
        export.ShouldBe(200);
        Assert.StartsWith("text/csv", export.Header("Content-Type"));
        Assert.Contains("attachment", export.Header("Content-Disposition"));
        var lines = export.Html.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("review,instance,", lines[0]);
        Assert.Equal(4, lines.Length - 1);
        foreach (var id in new[] { aliceItem, bobItem, daveItem, frankItem })
        {
            Assert.Single(lines, l => l.Contains(id.ToString(), StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Form_errors_show_next_to_their_fields_and_nothing_is_saved()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var erin = await AdministratorAsync("erin");
        await UserWithTotpAsync("carol");
        var page = (await erin.Browser.GetPageAsync("/admin/reviews")).ShouldBe(200);

        // The core's rule: a quarterly instance lasts at most 89 days.
        var tooLong = (await PostAsync(erin.Browser, "/admin/reviews?handler=Create", page, ReviewForm(ReviewName, [role], "carol", durationDays: 100))).ShouldBe(200);
        var durationError = tooLong.TextOf("err-DurationDays");
        Assert.NotNull(durationError);
        Assert.Contains("Between 1 and 89 days", durationError);
        Assert.Matches("""<input id="f-DurationDays" name="DurationDays"[^>]*value="100"[^>]*aria-invalid="true"[^>]*aria-describedby="hint-duration err-DurationDays""", tooLong.Html);
        Assert.Contains("href=\"#f-DurationDays\"", tooLong.Section("new-review"));
        Assert.Equal(ReviewName, InputValue(tooLong, "Name"));
        Assert.Empty((await Admin.GetAsync(ReviewScenario.Reviews)).ShouldBe(200).Body.EnumerateArray());

        // Reviewer names are resolved in the portal: an unknown one is an error on its stage's field.
        var unknown = (await PostAsync(erin.Browser, "/admin/reviews?handler=Create", page, ReviewForm(ReviewName, [role], "carol, nobody"))).ShouldBe(200);
        Assert.Contains("No user or group is named \u201cnobody\u201d.", unknown.TextOf("err-Stages-0-Reviewers"));
        Assert.Equal("carol, nobody", InputValue(unknown, "Stages[0].Reviewers"));
        Assert.Empty((await Admin.GetAsync(ReviewScenario.Reviews)).ShouldBe(200).Body.EnumerateArray());

        // A manager stage without a fallback: the core names stages[1].fallbackReviewerIds, shown on the second row.
        var form = ReviewForm(ReviewName, [role], "carol");
        form.RemoveAll(f => f.Name.StartsWith("Stages[1]", StringComparison.Ordinal));
        form.AddRange([("Stages[1].Kind", "manager"), ("Stages[1].Reviewers", ""), ("Stages[1].Fallback", "")]);
        var noFallback = (await PostAsync(erin.Browser, "/admin/reviews?handler=Create", page, form)).ShouldBe(200);
        Assert.Contains("fallback reviewer", noFallback.TextOf("err-Stages-1-Fallback"));
        Assert.Empty((await Admin.GetAsync(ReviewScenario.Reviews)).ShouldBe(200).Body.EnumerateArray());
    }

    [Fact]
    public async Task The_definition_page_edits_with_the_version_and_stops_after_a_confirmation()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var erin = await AdministratorAsync("erin");
        var carol = await UserWithTotpAsync("carol");
        var start = App.Time.GetUtcNow().AddDays(7);
        var reviewId = (await Admin.CreateReviewAsync(ReviewName, Definition([role], [Named(carol.Id)], start, recurrence: "monthly"))).ShouldBe(201).Id;
        var path = $"/admin/reviews/{reviewId}";

        var page = (await erin.Browser.GetPageAsync(path)).ShouldBe(200);
        Assert.Equal("carol", InputValue(page, "Stages[0].Reviewers"));
        Assert.Equal(start.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), InputValue(page, "StartDate"));
        Assert.Matches("""<option value="monthly" selected="selected">""", page.Html);
        Assert.Contains("No instance has started yet", page.SectionText("instances"));

        // Someone else changes the review meanwhile: the stale form is refused.
        var current = (await Admin.GetAsync($"{ReviewScenario.Reviews}/{reviewId}")).ShouldBe(200);
        var version = int.Parse(InputValue(page, "Version")!, CultureInfo.InvariantCulture);
        (await Admin.PutAsync($"{ReviewScenario.Reviews}/{reviewId}", new { name = ReviewName, description = "changed", definition = current["definition"] },
            new Dictionary<string, string> { ["If-Match"] = $"\"{version}\"" })).ShouldBe(200);
        var form = ReviewForm("Monthly db-admin review", [role], "carol", recurrence: "monthly", startsAt: start, durationDays: 10);
        form.Add(("Version", version.ToString(CultureInfo.InvariantCulture)));
        (await PostAsync(erin.Browser, $"{path}?handler=Save", page, form)).ShouldShowError("Someone changed this review since you opened it");

        page = (await erin.Browser.GetPageAsync(path)).ShouldBe(200);
        form[^1] = ("Version", InputValue(page, "Version")!);
        (await PostAsync(erin.Browser, $"{path}?handler=Save", page, form)).ShouldRedirectTo(path);
        page = (await erin.Browser.GetPageAsync(path)).ShouldBe(200);
        Assert.Contains("Saved \u201cMonthly db-admin review\u201d", NoticeOf(page));
        Assert.Equal(10, (await Admin.GetAsync($"{ReviewScenario.Reviews}/{reviewId}")).ShouldBe(200)["definition"].GetProperty("schedule").GetProperty("durationDays").GetInt32());

        // Stopping asks first.
        var confirming = (await erin.Browser.GetPageAsync($"{path}?confirm=stop")).ShouldBe(200);
        Assert.NotNull(confirming.TextOf("stop-confirm"));
        Assert.Equal("active", (await Admin.GetAsync($"{ReviewScenario.Reviews}/{reviewId}")).ShouldBe(200)["status"].GetString());
        (await erin.Browser.PostFormAsync($"{path}?handler=Stop", new { StopReason = "Replaced by the yearly review" }, confirming)).ShouldRedirectTo(path);
        var stopped = (await erin.Browser.GetPageAsync(path)).ShouldBe(200);
        Assert.Contains("Stopped", NoticeOf(stopped));
        Assert.Equal("stopped", (await Admin.GetAsync($"{ReviewScenario.Reviews}/{reviewId}")).ShouldBe(200)["status"].GetString());
        Assert.Null(stopped.Section("edit-review"));

        var list = (await erin.Browser.GetPageAsync("/admin/reviews")).ShouldBe(200);
        Assert.Contains("Monthly db-admin review", list.SectionText("reviews"));
        Assert.Contains("Stopped", list.SectionText("reviews"));
    }

    [Fact]
    public async Task Only_reviewers_see_a_review_and_a_reviewer_cannot_decide_their_own_access()
    {
        var role = await Admin.CreateRoleAsync("db-admin");
        var carol = await UserWithTotpAsync("carol");
        var gina = await UserWithTotpAsync("gina");
        var dave = await UserWithTotpAsync("dave");
        var alice = await UserAsync("alice");
        var reviewers = await Admin.CreateGroupAsync("db-reviewers", carol.Id, gina.Id);
        var aliceEligibility = await Admin.MakeEligibleAsync(alice.Id, role);
        await Admin.MakeEligibleAsync(carol.Id, role);
        var reviewId = (await Admin.CreateReviewAsync(ReviewName, Definition([role], [Named(reviewers)], App.Time.GetUtcNow()))).ShouldBe(201).Id;
        await App.SettleAsync();
        var instanceId = Assert.Single(await Admin.InstancesOfAsync(reviewId)).GetProperty("id").GetGuid();
        var items = await Admin.ItemsAsync(instanceId);
        var carolItem = ItemIdOf(items, carol.Id);
        var aliceItem = ItemIdOf(items, alice.Id);

        // Someone who neither reviews nor may read the review sees no such page.
        (await dave.Browser.GetPageAsync($"/reviews/{instanceId}")).ShouldBe(404);
        (await dave.Browser.GetPageAsync($"/admin/reviews/instances/{instanceId}")).ShouldBe(404);
        (await dave.Browser.GetPageAsync($"/admin/reviews/{reviewId}")).ShouldBe(404);
        Assert.Contains("no-reviews", (await dave.Browser.GetPageAsync("/reviews")).ShouldBe(200).Html);

        // Carol reviews through the group, but not her own access: it is not on her page, and a forged post is refused and says why.
        Assert.Contains("1 item", (await carol.Browser.GetPageAsync("/reviews")).ShouldBe(200).SectionText("pending-reviews"));
        var page = (await carol.Browser.GetPageAsync($"/reviews/{instanceId}")).ShouldBe(200);
        Assert.DoesNotContain($"id=\"item-{carolItem:N}\"", page.Html);
        Assert.Contains($"id=\"decide-{aliceItem:N}\"", page.Html);
        (await carol.Browser.PostFormAsync($"/reviews/{instanceId}?handler=Decide", new { ItemId = carolItem, Verdict = "approve", Reason = "Mine" }, page))
            .ShouldShowError("their own access");
        Assert.Null(Decision(await Admin.ItemsAsync(instanceId), carolItem));

        // Access that ended since the review started says so.
        (await Admin.RemoveAsync(aliceEligibility)).ShouldBe(201);
        Assert.Contains("Access ended", Item((await carol.Browser.GetPageAsync($"/reviews/{instanceId}")).ShouldBe(200), aliceItem));

        // Gina decides it from her page; a bulk post with nothing ticked is refused next to the bulk form.
        var ginaPage = (await gina.Browser.GetPageAsync($"/reviews/{instanceId}")).ShouldBe(200);
        var nothing = (await gina.Browser.PostFormAsync($"/reviews/{instanceId}?handler=Bulk", new { BulkVerdict = "approve", BulkReason = "" }, ginaPage)).ShouldBe(200);
        Assert.NotNull(nothing.TextOf("err-Bulk-Items"));
        (await gina.Browser.PostFormAsync($"/reviews/{instanceId}?handler=Decide", new { ItemId = carolItem, Verdict = "approve", Reason = "" }, ginaPage)).ShouldRedirectTo($"/reviews/{instanceId}");
        Assert.Equal("approve", Decision(await Admin.ItemsAsync(instanceId), carolItem));
    }

    // ----- helpers -----

    /// <summary>A portal user with Elevate Administrator active.</summary>
    private async Task<PortalUser> AdministratorAsync(string name)
    {
        var user = await UserWithTotpAsync(name);
        (await Admin.AssignAsync("active", user.Id, BuiltInRoles.IdOf(BuiltInRole.ElevateAdministrator), "/", Scenario.Permanent)).ShouldBe(201);
        return user;
    }

    /// <summary>The review form's fields, as a browser sends them.</summary>
    private List<(string Name, string Value)> ReviewForm(
        string name, Guid[] roles, string reviewers, string recurrence = "quarterly", int durationDays = 14, DateTimeOffset? startsAt = null, bool requireReason = true)
    {
        var start = (startsAt ?? App.Time.GetUtcNow()).UtcDateTime;
        List<(string, string)> fields =
        [
            ("Name", name), ("Description", "Who still needs db-admin"), ("Owner", ""),
            .. roles.Select(r => ("RoleIds", r.ToString())),
            ("AssignmentTypes", "eligible"), ("ScopePath", ""), ("InactiveDays", ""), ("Groups", "asWhole"),
            ("Stages[0].Kind", "named"), ("Stages[0].Reviewers", reviewers), ("Stages[0].Fallback", ""),
            ("Stages[1].Kind", ""), ("Stages[1].Reviewers", ""), ("Stages[1].Fallback", ""),
            ("Recurrence", recurrence), ("StartDate", start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("StartTime", start.ToString("HH:mm", CultureInfo.InvariantCulture)),
            ("DurationDays", durationDays.ToString(CultureInfo.InvariantCulture)), ("End", "never"), ("EndsOn", ""), ("Instances", ""),
            ("Recommendations", "true"), ("RecommendationDays", "30"), ("DefaultDecision", "noChange"), ("Reminders", "3"),
        ];
        if (requireReason)
        {
            fields.Add(("RequireReason", "true"));
        }

        return fields;
    }

    /// <summary>Posts fields that repeat (multi-selects, checkboxes), with the antiforgery token of <paramref name="page"/>.</summary>
    private static Task<PortalPage> PostAsync(PortalClient browser, string path, PortalPage page, IEnumerable<(string Name, string Value)> fields) =>
        browser.PostAsync(path, [.. fields.Select(f => KeyValuePair.Create(f.Name, f.Value)), KeyValuePair.Create("__RequestVerificationToken", page.AntiforgeryToken!)]);

    private static string NoticeOf(PortalPage page) =>
        NoticeParagraph().Match(page.Html) is { Success: true } m ? System.Net.WebUtility.HtmlDecode(m.Groups["text"].Value).Trim() : "";

    /// <summary>The value of the input named <paramref name="name"/>.</summary>
    private static string? InputValue(PortalPage page, string name) =>
        new Regex($"""<input\b[^>]*\bname="{Regex.Escape(name)}"[^>]*>""").Match(page.Html) is { Success: true } input
            && ValueAttribute().Match(input.Value) is { Success: true } value
            ? System.Net.WebUtility.HtmlDecode(value.Groups["value"].Value)
            : null;

    /// <summary>The reviewer page's article for an item.</summary>
    private static string Item(PortalPage page, Guid itemId)
    {
        var m = new Regex($"""<article\b[^>]*\bid="item-{itemId:N}"[^>]*>(?<body>.*?)</article>""", RegexOptions.Singleline).Match(page.Html);
        Assert.True(m.Success, $"The page shows no item {itemId}.");
        return System.Net.WebUtility.HtmlDecode(m.Value);
    }

    /// <summary>The owner page's table row for an item.</summary>
    private static string Row(PortalPage page, Guid itemId)
    {
        var m = new Regex($"""<tr\b[^>]*\bdata-item="{itemId}"[^>]*>(?<body>.*?)</tr>""", RegexOptions.Singleline).Match(page.Html);
        Assert.True(m.Success, $"The page shows no row for item {itemId}.");
        return m.Value;
    }

    /// <summary>A count shown in a section (<c>data-count</c>).</summary>
    private static int Count(PortalPage page, string section, string name)
    {
        var body = page.Section(section);
        Assert.NotNull(body);
        var m = new Regex($"""data-count="{name}">(?<n>\d+)<""").Match(body);
        Assert.True(m.Success, $"Section {section} shows no count {name}.");
        return int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
    }

    private static string? Decision(IEnumerable<System.Text.Json.JsonElement> items, Guid itemId) =>
        items.Single(i => i.GetProperty("id").GetGuid() == itemId).GetProperty("decision").GetString();

    [GeneratedRegex("""<p class="notice" role="status">(?<text>.*?)</p>""", RegexOptions.Singleline)]
    private static partial Regex NoticeParagraph();

    [GeneratedRegex(@"\bvalue=""(?<value>[^""]*)""")]
    private static partial Regex ValueAttribute();
}

public sealed class ReviewPortalTestsOnSqlite() : ReviewPortalTests(DatabaseKind.Sqlite);

public sealed class ReviewPortalTestsOnPostgres() : ReviewPortalTests(DatabaseKind.Postgres);
