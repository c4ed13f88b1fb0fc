using System.Text.Json;
using Elevate.Server.Tests.Infrastructure;

namespace Elevate.Server.Tests.Audit;

/// <summary>The audit trail: complete, hash-chained, tamper-evident, searchable and exportable.</summary>
public abstract class AuditTrailTests(DatabaseKind kind) : AppTest(kind)
{
    [Fact]
    public async Task Every_step_of_an_activation_is_in_the_trail_with_actor_request_and_justification()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role, "/prod");
        var activation = (await alice.Client.ActivateAsync(role, "/prod", Scenario.For("PT1H"), "INC-4411 failover", new { system = "jira", number = "INC-4411" })).ShouldBe(201);
        (await alice.Client.DeactivateAsync(activation["resultAssignmentId"].GetGuid())).ShouldBe(201);

        var trail = await Admin.AuditTrailAsync($"&principalId={alice.Id}");
        var actions = trail.Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("user.created", actions);
        Assert.Contains("assignment.created", actions);
        Assert.Contains("assignment.activated", actions);
        Assert.Contains("assignment.ended", actions);

        var activated = trail.Single(e => e.GetProperty("action").GetString() == "assignment.activated");
        Assert.Equal(alice.Id, activated.GetProperty("actorId").GetGuid());
        Assert.Equal("alice", activated.GetProperty("actorName").GetString());
        Assert.Equal(activation.Id, activated.GetProperty("requestId").GetGuid());
        Assert.Equal("db-admin", activated.GetProperty("roleName").GetString());
        Assert.Equal("/prod", activated.GetProperty("scope").GetString());
        var submitted = trail.Single(e => e.GetProperty("action").GetString() == "request.submitted" && e.GetProperty("requestId").GetGuid() == activation.Id);
        Assert.Equal("INC-4411 failover", submitted.GetProperty("justification").GetString());
        Assert.Equal("INC-4411", submitted.GetProperty("ticketNumber").GetString());
        Assert.False(string.IsNullOrEmpty(submitted.GetProperty("correlationId").GetString()));
        Assert.False(string.IsNullOrEmpty(submitted.GetProperty("clientAddress").GetString()));
    }

    [Fact]
    public async Task Every_change_is_committed_with_its_event_and_the_chain_verifies()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"))).ShouldBe(201);

        var verification = (await Admin.PostAsync("/api/v1/audit/verify")).ShouldBe(200);

        Assert.True(verification["valid"].GetBoolean());
        var head = (await Admin.GetAsync("/api/v1/audit/head")).ShouldBe(200);
        Assert.True(verification["eventsChecked"].GetInt64() >= 10);
        await using var db = App.Database.OpenContext();
        Assert.Equal(db.AuditEvents.Count(), head["lastSequence"].GetInt64());
        Assert.All(db.Assignments.ToList(), a => Assert.True(a.ChangeSeq > 0 && a.ChangeSeq <= head["lastSequence"].GetInt64()));
        Assert.All(db.Assignments.ToList(), a => Assert.Contains(db.AuditEvents.Where(e => e.AssignmentId == a.Id), e => e.Sequence >= a.ChangeSeq));
    }

    [Fact]
    public async Task An_edited_event_is_reported_at_its_sequence()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var activation = (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"), "the real reason")).ShouldBe(201);
        var edited = (await Admin.AuditTrailAsync($"&requestId={activation.Id}&action=request.submitted")).Single().GetProperty("sequence").GetInt64();

        await App.Database.ExecuteAsync($"UPDATE audit_events SET justification = 'a nicer reason' WHERE sequence = {edited}");

        var verification = (await Admin.PostAsync("/api/v1/audit/verify")).ShouldBe(200);
        Assert.False(verification["valid"].GetBoolean());
        Assert.Equal(edited, verification["firstBreak"].GetProperty("sequence").GetInt64());
        Assert.Equal("hash_mismatch", verification["firstBreak"].GetProperty("reason").GetString());
        Assert.Equal(edited - 1, verification["eventsChecked"].GetInt64() - 1);
    }

    [Fact]
    public async Task A_deleted_event_and_a_truncated_tail_are_reported()
    {
        var alice = await UserAsync("alice");
        var head = (await Admin.GetAsync("/api/v1/audit/head")).ShouldBe(200)["lastSequence"].GetInt64();

        await App.Database.ExecuteAsync($"DELETE FROM audit_events WHERE sequence = {head - 2}");
        var gap = (await Admin.PostAsync("/api/v1/audit/verify")).ShouldBe(200)["firstBreak"];
        Assert.Equal("sequence_gap", gap.GetProperty("reason").GetString());
        Assert.Equal(head - 1, gap.GetProperty("sequence").GetInt64());

        await App.Database.ExecuteAsync($"DELETE FROM audit_events WHERE sequence >= {head - 2}");
        var truncated = (await Admin.PostAsync("/api/v1/audit/verify")).ShouldBe(200)["firstBreak"];
        Assert.Equal("head_mismatch", truncated.GetProperty("reason").GetString());
        Assert.NotNull(alice);
    }

    [Fact]
    public async Task Search_filters_by_actor_principal_role_action_outcome_and_time_and_pages_with_a_cursor()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        var other = await Admin.CreateRoleAsync("web-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var start = App.Time.GetUtcNow();
        App.Time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 3; i++)
        {
            var id = (await alice.Client.ActivateAsync(role, $"/s{i}", Scenario.For("PT1H"))).ShouldBe(201)["resultAssignmentId"].GetGuid();
            (await alice.Client.DeactivateAsync(id)).ShouldBe(201);
        }

        (await alice.Client.ActivateAsync(other, "/", Scenario.For("PT1H"))).ShouldFail(403, "not_eligible");

        var byActor = await SearchAllAsync($"actorId={alice.Id}&roleId={role}&action=assignment.activated&from={Uri.EscapeDataString(start.AddSeconds(30).ToString("O"))}", limit: 2);
        Assert.Equal(3, byActor.Count);
        Assert.True(byActor.Zip(byActor.Skip(1)).All(p => p.First.GetProperty("sequence").GetInt64() > p.Second.GetProperty("sequence").GetInt64()));

        var rejected = await SearchAllAsync($"principalId={alice.Id}&outcome=rejected", limit: 50);
        var only = Assert.Single(rejected);
        Assert.Equal(other, only.GetProperty("roleId").GetGuid());

        var before = await SearchAllAsync($"actorId={alice.Id}&to={Uri.EscapeDataString(start.AddSeconds(30).ToString("O"))}", limit: 50);
        Assert.DoesNotContain(before, e => e.GetProperty("action").GetString() == "assignment.activated");
    }

    [Fact]
    public async Task Export_streams_the_filtered_events_as_csv_and_json_lines_and_is_itself_audited()
    {
        var alice = await UserAsync("alice");
        var role = await Admin.CreateRoleAsync("db-admin");
        await Admin.MakeEligibleAsync(alice.Id, role);
        var activation = (await alice.Client.ActivateAsync(role, "/", Scenario.For("PT1H"), "=HYPERLINK(\"x\"), with \"quotes\"")).ShouldBe(201);

        var csv = await Admin.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/audit/export?format=csv&requestId={activation.Id}")
        {
            Headers = { Authorization = new("Bearer", Admin.Token) },
        });
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var text = await csv.Content.ReadAsStringAsync();
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("sequence,id,occurredAt,actorId,actorName", lines[0], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length);

        // Quoted per RFC 4180, and defused so a spreadsheet shows the formula instead of running it.
        Assert.Contains(",\"'=HYPERLINK(\"\"x\"\"), with \"\"quotes\"\"\",", lines[1], StringComparison.Ordinal);
        Assert.Contains(",\"'=HYPERLINK(\"\"x\"\"), with \"\"quotes\"\"\",", lines[2], StringComparison.Ordinal);

        var jsonl = await Admin.AuditTrailAsync($"&requestId={activation.Id}");
        Assert.Equal(new[] { "assignment.activated", "request.submitted" }, jsonl.Select(e => e.GetProperty("action").GetString()));

        var exports = await Admin.AuditTrailAsync("&action=audit.exported");
        Assert.True(exports.Count >= 2);
        Assert.Contains(activation.Id.ToString(), exports[0].GetProperty("details").GetString(), StringComparison.Ordinal);
    }

    private async Task<List<JsonElement>> SearchAllAsync(string query, int limit)
    {
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = (await Admin.GetAsync($"/api/v1/audit/events?{query}&limit={limit}{(cursor is null ? "" : $"&cursor={cursor}")}")).ShouldBe(200);
            var items = page["items"].EnumerateArray().ToList();
            Assert.True(items.Count <= limit);
            all.AddRange(items);
            cursor = page["nextCursor"].ValueKind == JsonValueKind.Null ? null : page["nextCursor"].GetString();
        }
        while (cursor is not null);
        return all;
    }
}

public sealed class AuditTrailTestsOnSqlite() : AuditTrailTests(DatabaseKind.Sqlite);

public sealed class AuditTrailTestsOnPostgres() : AuditTrailTests(DatabaseKind.Postgres);
