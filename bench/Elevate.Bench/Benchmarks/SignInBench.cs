using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Elevate.Bench.Cli;
using Elevate.Bench.Hosting;
using Elevate.Bench.Measurement;
using Elevate.Bench.Seeding;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Mfa;
using Elevate.Core.Persistence;
using Elevate.Core.SignIn;
using Elevate.Core.Tokens;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Elevate.Bench.Benchmarks;

/// <summary>
/// What a person's sign-in and a step-up cost: <see cref="PasswordHasher.Verify"/> with the default Argon2id
/// parameters in this process (one thread, then two workers), and against the Release server, as a browser does it,
/// the portal sign-in with password and authenticator code, then <c>selfActivate</c> with a TOTP step-up next to the
/// same activation of a role without MFA. Every user is new (created in the seeded database through the API, enrolled
/// through the portal) and signs in and activates once.
/// </summary>
public static partial class SignInBench
{
    private const int Verifications = 50;
    private const int VerificationsPerWorker = 50;
    private const int Workers = 2;
    private const int Users = 100;
    private const int WarmUpUsers = 10;
    private const string AdministratorName = "admin";
    private const string Password = "violet harbour lantern tide";
    private const string MfaRoleName = "bench-stepup-mfa";
    private const string PlainRoleName = "bench-stepup-plain";

    public static async Task RunAsync(BenchOptions options, ResultLog log, CancellationToken ct)
    {
        for (var run = 1; run <= options.Runs; run++)
        {
            MeasurePasswordVerification(log, run);
        }

        var administratorToken = await EnsureAdministratorTokenAsync(options, ct);
        await using var server = await ServerProcess.StartAsync(options, ct);
        using var api = new HttpClient { BaseAddress = server.Address };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", administratorToken);
        var roles = new Roles(await EnsureRoleAsync(options, api, PlainRoleName, requireMfa: false, ct), await EnsureRoleAsync(options, api, MfaRoleName, requireMfa: true, ct));

        // Each run (and the warm-up) has users of its own: a TOTP code works once per user and 30-second step, and an
        // activation once per user, role and scope.
        var tag = TimeProvider.System.GetUtcNow().ToString("yyMMddHHmmss", CultureInfo.InvariantCulture);
        var warmUp = await EnrolAsync(server.Address, api, roles, $"{tag}w", WarmUpUsers, ct);
        await SignInAllAsync(server.Address, warmUp, ct);
        await ActivateAllAsync(server.Address, roles, warmUp, ct);
        for (var run = 1; run <= options.Runs; run++)
        {
            var users = await EnrolAsync(server.Address, api, roles, $"{tag}r{run}", Users, ct);
            var signIn = await SignInAllAsync(server.Address, users, ct);
            log.Add("portal sign-in, password + TOTP, sequential", signIn.Total.Percentiles(), "-", null, run,
                $"{users.Count} users once each: GET /signin, POST password, GET and POST /signin/factor; POST password p50 {signIn.Password.P(0.50)} " +
                $"p99 {signIn.Password.P(0.99)}; POST code p50 {signIn.Factor.P(0.50)} p99 {signIn.Factor.P(0.99)}; max {signIn.Total.P(1)}; {signIn.Failures} failed{signIn.FirstFailure}");

            var activation = await ActivateAllAsync(server.Address, roles, users, ct);
            log.Add("selfActivate with TOTP step-up, sequential", activation.StepUp.Percentiles(), "-", null, run,
                $"{users.Count} users once each, requireMfa=true, mfa.totp; max {activation.StepUp.P(1)}; {activation.Failures} failed{activation.FirstFailure}");
            log.Add("selfActivate without MFA, same users, sequential", activation.Plain.Percentiles(), "-", null, run,
                $"interleaved with the step-up activations (alternating which goes first); max {activation.Plain.P(1)}");
        }
    }

    /// <summary>Argon2id as sign-in runs it: one verification after another, then two workers side by side.</summary>
    private static void MeasurePasswordVerification(ResultLog log, int run)
    {
        var hasher = new PasswordHasher(Argon2Parameters.Default);
        var stored = hasher.Hash(Password);
        for (var i = 0; i < 5; i++)
        {
            Verify(hasher, stored);
        }

        var one = new Timings();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < Verifications; i++)
        {
            var start = Stopwatch.GetTimestamp();
            Verify(hasher, stored);
            one.Add(Stopwatch.GetTimestamp() - start);
        }

        var oneRate = Verifications / Stopwatch.GetElapsedTime(started).TotalSeconds;
        var parameters = Argon2Parameters.Default;
        log.Add($"password verify, Argon2id m={parameters.MemoryKiB},t={parameters.Iterations},p={parameters.Parallelism}", $"p50 {one.P(0.50)}, p99 {one.P(0.99)}", "-", null, run,
            $"PasswordHasher.Verify, one thread, {Verifications} verifications after 5 warm-up; mean {one.Mean()}, max {one.P(1)}; {oneRate:0.0} verifications/s");

        var both = new Timings();
        var wall = Stopwatch.StartNew();
        Parallel.For(0, Workers, new ParallelOptions { MaxDegreeOfParallelism = Workers }, _ =>
        {
            for (var i = 0; i < VerificationsPerWorker; i++)
            {
                var start = Stopwatch.GetTimestamp();
                Verify(hasher, stored);
                both.Add(Stopwatch.GetTimestamp() - start);
            }
        });
        var rate = Workers * VerificationsPerWorker / wall.Elapsed.TotalSeconds;
        log.Add($"password verify, {Workers} parallel workers", $"{rate:0.0} verifications/s", "-", null, run,
            $"{Workers} x {VerificationsPerWorker} verifications in {wall.Elapsed.TotalSeconds:0.00} s; each p50 {both.P(0.50)}, p99 {both.P(0.99)}; {rate / oneRate:0.00}x one thread");
    }

    private static void Verify(PasswordHasher hasher, string stored)
    {
        if (hasher.Verify(stored, Password) != PasswordCheck.Valid)
        {
            throw new InvalidOperationException("The password did not verify.");
        }
    }

    private sealed record Roles(Guid Plain, Guid Mfa);

    /// <summary>A user made for this benchmark: what a person would hold after enrolling in the portal.</summary>
    private sealed class User(string name, byte[] totpSecret, string token)
    {
        public string Name { get; } = name;

        public byte[] TotpSecret { get; } = totpSecret;

        public string Token { get; } = token;

        /// <summary>The last TOTP step this user's code was accepted for; a code works only for a later step.</summary>
        public long LastStep { get; set; }
    }

    /// <summary>
    /// A personal token for the first administrator, which the bench uses to create users, roles and eligibilities
    /// through the API. Written as <see cref="TokenService"/> writes one (row and <c>token.created</c> event in one
    /// change set): the seeded database's administrator has no token, and its setup secret was never shown.
    /// </summary>
    internal static async Task<string> EnsureAdministratorTokenAsync(BenchOptions options, CancellationToken ct)
    {
        var secret = SeedShape.TokenSecret(AdministratorName);
        var hash = Secrets.Hash(secret);
        await using var app = BenchHost.Build(options, customize: BenchHost.WithoutCommitObserver);
        await using var scope = app.Services.CreateAsyncScope();
        var changes = scope.ServiceProvider.GetRequiredService<ChangeSets>();
        var now = TimeProvider.System.GetUtcNow();
        if (await changes.Db.Tokens.AnyAsync(t => t.SecretHash == hash && t.RevokedAt == null && t.ExpiresAt > now.AddHours(1), ct))
        {
            return secret;
        }

        var administrator = await changes.Db.Principals.AsNoTracking().SingleOrDefaultAsync(p => p.Name == AdministratorName, ct)
            ?? throw new InvalidOperationException("Seed the database first: it has no first administrator.");
        await using var cs = await changes.BeginAsync(new Actor(administrator.Id, administrator.Name), ct);
        var token = new ApiToken
        {
            Id = Ids.New(cs.Now),
            PrincipalId = administrator.Id,
            Name = "bench-signin",
            Prefix = secret[..Secrets.PrefixShown],
            SecretHash = hash,
            CreatedAt = cs.Now,
            CreatedById = administrator.Id,
            ExpiresAt = cs.Now + TimeSpan.FromDays(30),
        };
        cs.Db.Tokens.Add(token);
        cs.Audit(new AuditRecord("token.created")
        {
            PrincipalId = administrator.Id,
            PrincipalName = administrator.Name,
            Details = AuditDetails.Of(new { tokenId = token.Id, tokenName = token.Name, token.Prefix, token.ExpiresAt }),
        });
        var committed = await cs.CommitAsync(ct);
        return committed.IsSuccess ? secret : throw new InvalidOperationException($"Creating the administrator's token failed: {committed.Error.Message}");
    }

    /// <summary>The role by name (created through the API the first time), with its settings at "/" put as wanted.</summary>
    private static async Task<Guid> EnsureRoleAsync(BenchOptions options, HttpClient api, string name, bool requireMfa, CancellationToken ct)
    {
        Guid id;
        await using (var db = BenchHost.OpenContext(options))
        {
            id = await db.Roles.Where(r => r.Name == name).Select(r => r.Id).FirstOrDefaultAsync(ct);
        }

        if (id == Guid.Empty)
        {
            var created = await SendAsync(api, HttpMethod.Post, "/api/v1/roles", new { name, description = "Sign-in benchmark" }, HttpStatusCode.Created, ct);
            id = created.GetProperty("id").GetGuid();
        }

        // Everything else takes the defaults, so the two roles differ only in requireMfa.
        await SendAsync(api, HttpMethod.Put, $"/api/v1/roles/{id}/settings?scope=/", new { activation = new { requireMfa } }, HttpStatusCode.OK, ct);
        return id;
    }

    /// <summary>
    /// New users as an administrator and the users themselves would set them up: created and made eligible for both
    /// roles through the API; then, in the portal, the setup link's password, an authenticator app, and a token.
    /// </summary>
    private static async Task<List<User>> EnrolAsync(Uri server, HttpClient api, Roles roles, string tag, int count, CancellationToken ct)
    {
        var enrolling = Stopwatch.StartNew();
        var users = new List<User>(count);
        for (var i = 0; i < count; i++)
        {
            var name = $"signin-{tag}-{i:D3}";
            var user = await SendAsync(api, HttpMethod.Post, "/api/v1/users", new { name, displayName = $"Sign-in {tag} {i}", email = $"{name}@bench.example" }, HttpStatusCode.Created, ct);
            var id = user.GetProperty("id").GetGuid();
            foreach (var role in new[] { roles.Plain, roles.Mfa })
            {
                await SendAsync(api, HttpMethod.Post, "/api/v1/requests", new
                {
                    action = "adminAssign",
                    kind = "eligible",
                    principalId = id,
                    roleId = role,
                    scope = SeedShape.ActivationEligibilityScope,
                    schedule = new { expiration = "noExpiration" },
                    justification = "Sign-in benchmark",
                }, HttpStatusCode.Created, ct);
            }

            var setup = await SendAsync(api, HttpMethod.Post, $"/api/v1/users/{id}/setup-secret", null, HttpStatusCode.Created, ct);
            using var browser = new PortalBrowser(server);
            var form = await browser.GetAsync("/setup", ct);
            var signedIn = await browser.PostAsync("/setup", form, [("Secret", setup.GetProperty("secret").GetString()!), ("NewPassword", Password), ("ConfirmPassword", Password)], ct);
            signedIn.ShouldRedirectTo("/account/security");

            var started = await browser.PostAsync("/account/security?handler=StartTotp", await browser.GetAsync("/account/security", ct), [], ct);
            var secret = Base32.Decode(started.TextOf("totp-secret") ?? throw started.Unexpected("no authenticator secret"))!;
            var step = Totp.StepAt(TimeProvider.System.GetUtcNow());
            var confirmed = await browser.PostAsync("/account/security?handler=ConfirmTotp", started, [("Code", Totp.Code(secret, step))], ct);
            if (confirmed.Section("recovery-codes") is null)
            {
                throw confirmed.Unexpected("the authenticator app was not confirmed");
            }

            var created = await browser.PostAsync("/account/tokens?handler=Create", await browser.GetAsync("/account/tokens", ct), [("Name", "bench"), ("LifetimeDays", "1")], ct);
            var token = created.TextOf("token-secret") ?? throw created.Unexpected("no token");

            // A token's first use is audited at once; that belongs to setting up, not to the activations timed later.
            using var me = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/me", UriKind.Relative));
            me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var answer = await api.SendAsync(me, ct);
            answer.EnsureSuccessStatusCode();
            users.Add(new User(name, secret, token) { LastStep = step });
        }

        ResultLog.Info($"enrolled {count} users (API, /setup, authenticator app, token) in {enrolling.Elapsed.TotalSeconds:0.0} s");
        return users;
    }

    private sealed record SignInOutcome(Timings Total, Timings Password, Timings Factor, int Failures, string FirstFailure);

    /// <summary>
    /// Each user signs in once, one after another, in a browser of its own (fresh cookies, its connection opened
    /// before the clock starts): the sign-in page, the password, the factor page, the code, up to the redirect home.
    /// </summary>
    private static async Task<SignInOutcome> SignInAllAsync(Uri server, IReadOnlyList<User> users, CancellationToken ct)
    {
        await WaitForStepAfterAsync(users.Max(u => u.LastStep), ct);
        var total = new Timings();
        var password = new Timings();
        var factor = new Timings();
        var failures = 0;
        var firstFailure = "";
        foreach (var user in users)
        {
            await WaitForStepAfterAsync(user.LastStep, ct);
            using var browser = new PortalBrowser(server);
            using (await browser.Http.GetAsync(new Uri("/healthz", UriKind.Relative), ct))
            {
            }

            var start = Stopwatch.GetTimestamp();
            var signInPage = await browser.GetAsync("/signin", ct);
            var beforePassword = Stopwatch.GetTimestamp();
            var afterPassword = await browser.PostAsync("/signin", signInPage, [("ReturnUrl", ""), ("UserName", user.Name), ("Password", Password)], ct);
            var passwordDone = Stopwatch.GetTimestamp();
            var factorPage = await browser.GetAsync("/signin/factor", ct);
            var step = Totp.StepAt(TimeProvider.System.GetUtcNow());
            var code = Totp.Code(user.TotpSecret, step);
            var beforeCode = Stopwatch.GetTimestamp();
            var done = await browser.PostAsync("/signin/factor", factorPage, [("Code", code)], ct);
            var end = Stopwatch.GetTimestamp();
            user.LastStep = step;

            total.Add(end - start);
            password.Add(passwordDone - beforePassword);
            factor.Add(end - beforeCode);
            var signedIn = afterPassword.RedirectPath == "/signin/factor" && done.RedirectPath == "/" && browser.Cookie("elevate_session") is not null;
            if (!signedIn && ++failures == 1)
            {
                firstFailure = $" (first: password {afterPassword.Status} -> {afterPassword.RedirectPath}, code {done.Status} -> {done.RedirectPath}: {done.Errors()})";
            }
        }

        return new SignInOutcome(total, password, factor, failures, firstFailure);
    }

    private sealed record ActivationOutcome(Timings StepUp, Timings Plain, int Failures, string FirstFailure);

    /// <summary>
    /// Each user activates both roles at /prod/payments for PT2H with their token: the MFA role with the code of the
    /// current step, the other without. The token is used once just before (not timed), so neither activation pays
    /// for recording its use.
    /// </summary>
    private static async Task<ActivationOutcome> ActivateAllAsync(Uri server, Roles roles, IReadOnlyList<User> users, CancellationToken ct)
    {
        await WaitForStepAfterAsync(users.Max(u => u.LastStep), ct);
        using var http = new HttpClient { BaseAddress = server };
        var stepUp = new Timings();
        var plain = new Timings();
        var failures = 0;
        var firstFailure = "";
        for (var i = 0; i < users.Count; i++)
        {
            var user = users[i];
            await WaitForStepAfterAsync(user.LastStep, ct);
            using (var me = Authorized(HttpMethod.Get, "/api/v1/me", user.Token, null))
            using (var answer = await http.SendAsync(me, ct))
            {
                answer.EnsureSuccessStatusCode();
            }

            foreach (var withMfa in i % 2 == 0 ? new[] { true, false } : [false, true])
            {
                var step = Totp.StepAt(TimeProvider.System.GetUtcNow());
                using var request = Authorized(HttpMethod.Post, "/api/v1/requests", user.Token, new
                {
                    action = "selfActivate",
                    roleId = withMfa ? roles.Mfa : roles.Plain,
                    scope = SeedShape.ActivationScope,
                    schedule = new { expiration = "afterDuration", duration = "PT2H" },
                    justification = "Sign-in benchmark activation",
                    mfa = withMfa ? new { totp = Totp.Code(user.TotpSecret, step) } : null,
                });
                var start = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                (withMfa ? stepUp : plain).Add(Stopwatch.GetTimestamp() - start);
                if (withMfa)
                {
                    user.LastStep = step;
                }

                if (response.StatusCode != HttpStatusCode.Created && ++failures == 1)
                {
                    firstFailure = $" (first: {(withMfa ? "step-up" : "plain")} {(int)response.StatusCode} {text})";
                }
            }
        }

        return new ActivationOutcome(stepUp, plain, failures, firstFailure);
    }

    /// <summary>Waits (untimed) until the authenticator shows a code of a step after <paramref name="step"/>.</summary>
    private static async Task WaitForStepAfterAsync(long step, CancellationToken ct)
    {
        var nextStepStarts = DateTimeOffset.FromUnixTimeSeconds((step + 1) * (long)Totp.Period.TotalSeconds);
        var wait = nextStepStarts - TimeProvider.System.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            // A little past the boundary, so the code computed here is the new step's.
            await Task.Delay(wait + TimeSpan.FromMilliseconds(20), ct);
        }
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string token, object? body)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        return request;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    internal static async Task<JsonElement> SendAsync(HttpClient api, HttpMethod method, string path, object? body, HttpStatusCode expected, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        using var response = await api.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != expected && !(expected == HttpStatusCode.OK && response.StatusCode == HttpStatusCode.Created))
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Durations in Stopwatch ticks; percentiles by nearest rank (each one a value that was measured).</summary>
    private sealed class Timings
    {
        private readonly List<long> _ticks = [];

        public void Add(long ticks)
        {
            lock (_ticks)
            {
                _ticks.Add(ticks);
            }
        }

        public string P(double percentile)
        {
            var sorted = _ticks.Order().ToList();
            return Format(sorted[Math.Clamp((int)Math.Ceiling(percentile * sorted.Count) - 1, 0, sorted.Count - 1)]);
        }

        public string Mean() => Format((long)_ticks.Average());

        public string Percentiles() => $"p50 {P(0.50)}, p95 {P(0.95)}, p99 {P(0.99)}";

        private static string Format(long ticks) => LatencySummary.Format(ticks * 1_000_000.0 / Stopwatch.Frequency);
    }
}
