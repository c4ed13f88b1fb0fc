using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Elevate.Bench.Cli;
using Elevate.Bench.Hosting;
using Elevate.Bench.Measurement;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Notifications;
using Elevate.Core.Persistence;
using Elevate.Core.Tokens;
using Elevate.Server.Hosting;
using Elevate.Server.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Elevate.Bench.Benchmarks;

/// <summary>
/// Notifications end to end, with an SMTP server in this process (<see cref="NotifySmtpSink"/>) as the mail relay and
/// Elevate started in this process (BenchHost: hosted services, the OutboxDispatcher and EmailSender as configured by
/// default, Security=None to the loopback sink). Latency: a requester's selfActivate of a role that needs one
/// approver's approval, from sending the POST to the sink accepting the approver's approval-requested e-mail (matched
/// by the request id in its approve link); each request is then canceled (untimed) so the next can be made. Throughput:
/// M pending Test messages to distinct addresses written into the outbox in one transaction, the dispatcher poked, the
/// time until the sink has accepted all M.
/// </summary>
public static class NotifyBench
{
    private const int WarmUp = 20;
    private const int Requests = 300;
    private const int Messages = 5_000;
    private const string RoleName = "bench-notify-approval";

    public static async Task RunAsync(BenchOptions options, ResultLog log, CancellationToken ct)
    {
        await using var sink = await NotifySmtpSink.StartAsync();
        ResultLog.Info($"SMTP sink on 127.0.0.1:{sink.Port}");
        await using var app = BenchHost.Build(options, runScheduler: true, customize: services => services.PostConfigure<ElevateOptions>(o =>
        {
            o.PublicUrl ??= "https://elevate.bench.example";
            o.Notifications.Smtp.Host = "127.0.0.1";
            o.Notifications.Smtp.Port = sink.Port;
            o.Notifications.Smtp.Security = NotificationsOptions.SmtpSecurity.None;
            o.Notifications.Smtp.From = "elevate@bench.example";
        }));
        await app.StartAsync(ct);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        var settings = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ElevateOptions>>().Value.Notifications.Dispatcher;
        ResultLog.Info($"Elevate at {address}; dispatcher BatchSize {settings.BatchSize}, Parallelism {settings.Parallelism}");

        var tag = TimeProvider.System.GetUtcNow().ToString("yyMMddHHmmss", CultureInfo.InvariantCulture);
        var admin = await TokenForAsync(app, null, $"notify-{tag}-admin", ct);
        using var api = new HttpClient { BaseAddress = address };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin);
        var approver = await CreateUserAsync(api, $"notify-{tag}-approver", $"notify-{tag}-approver@bench.example", ct);
        var requester = await CreateUserAsync(api, $"notify-{tag}-requester", null, ct);
        var roleId = await EnsureRoleAsync(options, api, approver, ct);
        await SendAsync(api, HttpMethod.Post, "/api/v1/requests", new
        {
            action = "adminAssign",
            kind = "eligible",
            principalId = requester,
            roleId,
            scope = "/",
            schedule = new { expiration = "noExpiration" },
            justification = "Notification benchmark",
        }, HttpStatusCode.Created, ct);
        using var asRequester = new HttpClient { BaseAddress = address };
        asRequester.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenForAsync(app, requester, $"notify-{tag}-requester", ct));
        using (await asRequester.GetAsync(new Uri("/api/v1/me", UriKind.Relative), ct))
        {
        }

        await RequestAllAsync(asRequester, sink, roleId, WarmUp, ct);
        for (var run = 1; run <= options.Runs; run++)
        {
            var outcome = await RequestAllAsync(asRequester, sink, roleId, Requests, ct);
            var summary = outcome.Latency.Summarize();
            List<int> sends;
            await using (var db = BenchHost.OpenContext(options))
            {
                sends = await (from a in db.DeliveryAttempts
                               join m in db.OutboxMessages on a.MessageId equals m.Id
                               where m.RequestId != null && outcome.Ids.Contains(m.RequestId.Value) && m.Event == NotificationEvent.ApprovalRequested && m.ActionFor == approver
                               select a.DurationMilliseconds).ToListAsync(ct);
            }

            sends.Sort();
            log.Add("request → approver e-mail accepted by SMTP p99", LatencySummary.Format(summary.P99), "≤ 2 s", summary.P99 <= 2_000_000 && outcome.Missing == 0, run,
                $"{Requests} sequential selfActivate requests needing approval; {summary.Describe()}; p95 {LatencySummary.Format(Percentile(outcome.Ticks, 0.95))}; " +
                $"POST alone p50 {LatencySummary.Format(outcome.Post.Summarize().P50)} p99 {LatencySummary.Format(outcome.Post.Summarize().P99)}; {outcome.Missing} e-mails missing; " +
                $"the approver's message's delivery attempt (render + SMTP send) p50 {(sends.Count == 0 ? 0 : sends[sends.Count / 2])} ms, max {(sends.Count == 0 ? 0 : sends[^1])} ms");
        }

        await SinkBaselineAsync(log, sink, ct);
        for (var run = 1; run <= options.Runs; run++)
        {
            await ThroughputAsync(options, log, sink, dispatcher, settings, $"{tag}r{run}", run, ct);
        }

        await app.StopAsync(ct);
    }

    private sealed record RequestOutcome(LatencyRecorder Latency, List<long> Ticks, LatencyRecorder Post, int Missing, List<Guid> Ids);

    /// <summary>One request at a time: POST, wait for the approver's e-mail, then cancel the request (untimed).</summary>
    private static async Task<RequestOutcome> RequestAllAsync(HttpClient http, NotifySmtpSink sink, Guid roleId, int count, CancellationToken ct)
    {
        var latency = new LatencyRecorder(count);
        var post = new LatencyRecorder(count);
        var ticks = new List<long>(count);
        var ids = new List<Guid>(count);
        var missing = 0;
        var body = new { action = "selfActivate", roleId, scope = "/", schedule = new { expiration = "afterDuration", duration = "PT1H" }, justification = "Notification benchmark" };
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await http.PostAsJsonAsync(new Uri("/api/v1/requests", UriKind.Relative), body, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            post.Record(Stopwatch.GetTimestamp() - start);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"The request was refused: {(int)response.StatusCode} {text}");
            }

            using var created = JsonDocument.Parse(text);
            var id = created.RootElement.GetProperty("id").GetGuid();
            ids.Add(id);
            var status = created.RootElement.GetProperty("status").GetString();
            if (status != "pendingApproval")
            {
                throw new InvalidOperationException($"The request is {status}, not pendingApproval.");
            }

            var deadline = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 30);
            ArrivedMail? mail;
            while (!sink.ApprovalRequests.TryGetValue(id, out mail) && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(1, ct);
            }

            if (mail is null)
            {
                missing++;
            }
            else
            {
                latency.Record(mail.At - start);
                ticks.Add(mail.At - start);
            }

            using var cancel = await http.PostAsync(new Uri($"/api/v1/requests/{id}/cancel", UriKind.Relative), null, ct);
            if (cancel.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"Canceling {id} failed: {(int)cancel.StatusCode} {await cancel.Content.ReadAsStringAsync(ct)}");
            }
        }

        return new RequestOutcome(latency, ticks, post, missing, ids);
    }

    private static async Task ThroughputAsync(BenchOptions options, ResultLog log, NotifySmtpSink sink, OutboxDispatcher dispatcher,
        NotificationsOptions.DispatcherOptions settings, string tag, int run, CancellationToken ct)
    {
        // Let the latency phase's last messages (cancellations) go out first.
        await Task.Delay(2_000, ct);
        var domain = $"{tag}.bench.example";
        var now = TimeProvider.System.GetUtcNow();
        var facts = new MessageFacts { Event = NotificationEvent.Test, Critical = true, Audience = "admin", OccurredAt = now, Actor = "bench" }.ToJson();
        var ids = new List<Guid>(Messages);
        await using (var db = BenchHost.OpenContext(options))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            for (var i = 0; i < Messages; i++)
            {
                var id = Ids.New(now);
                ids.Add(id);
                db.OutboxMessages.Add(new OutboxMessage
                {
                    Id = id,
                    Channel = NotificationChannel.Email,
                    Destination = $"user{i:D5}@{domain}",
                    Event = NotificationEvent.Test,
                    Critical = true,
                    Facts = facts,
                    Status = OutboxStatus.Pending,
                    CreatedAt = now,
                    NextAttemptAt = now,
                });
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        bool Ours(ArrivedMail m) => m.To.EndsWith("@" + domain, StringComparison.OrdinalIgnoreCase);
        var start = Stopwatch.GetTimestamp();
        dispatcher.Poke();
        var deadline = start + (Stopwatch.Frequency * 600);
        int arrived;
        var checkpoints = new List<string>();
        var nextCheckpoint = 1_000;
        while ((arrived = sink.Arrived.Count(Ours)) < Messages && Stopwatch.GetTimestamp() < deadline)
        {
            if (arrived >= nextCheckpoint)
            {
                checkpoints.Add($"{nextCheckpoint:N0} at {Stopwatch.GetElapsedTime(start).TotalSeconds:0.0} s");
                nextCheckpoint += 1_000;
            }

            await Task.Delay(20, ct);
        }

        var ours = sink.Arrived.Where(Ours).ToList();
        var last = ours.Count == 0 ? start : ours.Max(m => m.At);
        var seconds = (last - start) / (double)Stopwatch.Frequency;
        var first = ours.Count == 0 ? 0 : (ours.Min(m => m.At) - start) / (double)Stopwatch.Frequency;
        var distinct = ours.Select(m => m.MessageId).Distinct(StringComparer.Ordinal).Count();

        // Rows are marked Sent after each batch's mail went out; give the last batch's record a moment.
        await Task.Delay(1_000, ct);
        int sentRows;
        List<int> durations;
        await using (var db = BenchHost.OpenContext(options))
        {
            sentRows = await db.OutboxMessages.CountAsync(m => ids.Contains(m.Id) && m.Status == OutboxStatus.Sent, ct);
            durations = await db.DeliveryAttempts.Where(a => ids.Contains(a.MessageId)).Select(a => a.DurationMilliseconds).ToListAsync(ct);
        }

        var attempts = durations.Count;
        durations.Sort();
        int Ms(double p) => durations.Count == 0 ? 0 : durations[Math.Clamp((int)Math.Ceiling(p * durations.Count) - 1, 0, durations.Count - 1)];
        var batches = (int)Math.Ceiling(Messages / (double)settings.BatchSize);

        var rate = ours.Count / seconds;
        var complete = ours.Count == Messages && distinct == Messages && sentRows == Messages;
        log.Add("outbox dispatch to SMTP throughput", $"{rate:N0} messages/s", "≥ 200 messages/s", rate >= 200 && complete, run,
            $"{Messages:N0} pending Test e-mails (distinct addresses) inserted in one transaction, dispatcher poked, until the sink accepted the last: " +
            $"{ours.Count:N0} arrived ({distinct:N0} distinct Message-IDs) in {seconds:0.00} s, first after {first * 1000:0} ms ({string.Join(", ", checkpoints)}); " +
            $"{sentRows:N0} rows Sent, {attempts:N0} delivery attempts; per attempt (render + SMTP send, DeliveryAttempt.DurationMilliseconds) " +
            $"mean {(durations.Count == 0 ? 0 : durations.Average()):0.0} ms p50 {Ms(0.50)} ms p99 {Ms(0.99)} ms; {seconds * 1000 / batches:0} ms per batch of {settings.BatchSize} " +
            $"(sends alone ≈ {durations.Sum() / (double)settings.Parallelism / batches:0} ms of it if perfectly parallel); BatchSize {settings.BatchSize}, Parallelism {settings.Parallelism}");
    }

    /// <summary>
    /// What the relay and MailKit cost without Elevate: 500 small messages sent one after another over one MailKit
    /// connection to the same sink, then the same with 8 connections in parallel.
    /// </summary>
    private static async Task SinkBaselineAsync(ResultLog log, NotifySmtpSink sink, CancellationToken ct)
    {
        const int Count = 500;
        foreach (var parallel in new[] { 1, 8 })
        {
            var domain = $"baseline{parallel}-{Guid.NewGuid():N}.bench.example";
            var each = new LatencyRecorder(Count);
            var wall = Stopwatch.StartNew();
            var cursor = -1;
            await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
            {
                using var client = new MailKit.Net.Smtp.SmtpClient();
                await client.ConnectAsync("127.0.0.1", sink.Port, MailKit.Security.SecureSocketOptions.None, ct);
                int i;
                while ((i = Interlocked.Increment(ref cursor)) < Count)
                {
                    var mime = new MimeKit.MimeMessage { Subject = "baseline", MessageId = $"{Guid.NewGuid():N}@bench" };
                    mime.From.Add(new MimeKit.MailboxAddress("Elevate", "elevate@bench.example"));
                    mime.To.Add(new MimeKit.MailboxAddress("", $"user{i}@{domain}"));
                    mime.Body = new MimeKit.BodyBuilder { TextBody = "baseline", HtmlBody = "<p>baseline</p>" }.ToMessageBody();
                    var start = Stopwatch.GetTimestamp();
                    await client.SendAsync(mime, ct);
                    each.Record(Stopwatch.GetTimestamp() - start);
                }

                await client.DisconnectAsync(true, ct);
            }));
            var summary = each.Summarize();
            log.Add($"SMTP sink baseline, MailKit alone, {parallel} connection(s)", $"{Count / wall.Elapsed.TotalSeconds:N0} messages/s", "-", null, 1,
                $"{Count} messages, no Elevate; per send {summary.Describe()}");
        }
    }

    /// <summary>Nearest rank, as <see cref="LatencyRecorder"/> does (it has no p95), in microseconds.</summary>
    private static double Percentile(List<long> ticks, double percentile)
    {
        var sorted = ticks.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(percentile * sorted.Count) - 1, 0, sorted.Count - 1)] * 1_000_000.0 / Stopwatch.Frequency;
    }

    /// <summary>A personal token for a user (the first administrator when null), issued by <see cref="TokenService"/>.</summary>
    private static async Task<string> TokenForAsync(WebApplication app, Guid? principalId, string name, CancellationToken ct)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ElevateDbContext>();
        var administratorName = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ElevateOptions>>().Value.Bootstrap.AdministratorName;
        var holder = principalId is { } id
            ? await db.Principals.AsNoTracking().SingleAsync(p => p.Id == id, ct)
            : await db.Principals.AsNoTracking().SingleAsync(p => p.Name == administratorName, ct);
        var issued = await scope.ServiceProvider.GetRequiredService<TokenService>().CreatePersonalAsync(name, TimeSpan.FromDays(1), new Actor(holder.Id, holder.Name), ct);
        return issued.IsSuccess ? issued.Value.Secret : throw new InvalidOperationException($"Creating a token failed: {issued.Error.Message}");
    }

    private static async Task<Guid> CreateUserAsync(HttpClient api, string name, string? email, CancellationToken ct)
    {
        var user = await SendAsync(api, HttpMethod.Post, "/api/v1/users", new { name, displayName = name, email }, HttpStatusCode.Created, ct);
        return user.GetProperty("id").GetGuid();
    }

    /// <summary>The role (created the first time), its activation at "/" needing one approval by <paramref name="approver"/>.</summary>
    private static async Task<Guid> EnsureRoleAsync(BenchOptions options, HttpClient api, Guid approver, CancellationToken ct)
    {
        Guid id;
        await using (var db = BenchHost.OpenContext(options))
        {
            id = await db.Roles.Where(r => r.Name == RoleName).Select(r => r.Id).FirstOrDefaultAsync(ct);
        }

        if (id == Guid.Empty)
        {
            var created = await SendAsync(api, HttpMethod.Post, "/api/v1/roles", new { name = RoleName, description = "Notification benchmark" }, HttpStatusCode.Created, ct);
            id = created.GetProperty("id").GetGuid();
        }

        await SendAsync(api, HttpMethod.Put, $"/api/v1/roles/{id}/settings?scope=/",
            new { activation = new { approval = new { required = true, approvers = new[] { approver } } } }, HttpStatusCode.OK, ct);
        return id;
    }

    private static async Task<JsonElement> SendAsync(HttpClient api, HttpMethod method, string path, object? body, HttpStatusCode expected, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await api.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
