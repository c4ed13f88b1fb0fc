using Elevate.Core.Access;
using Elevate.Core.Assignments;
using Elevate.Core.Audit;
using Elevate.Core.Common.Json;
using Elevate.Core.Mfa;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Requests;
using Elevate.Core.Roles;
using Elevate.Core.Scheduling;
using Elevate.Core.Setup;
using Elevate.Core.SignIn;
using Elevate.Core.Tokens;
using Elevate.Server.Access;
using Elevate.Server.Alerts;
using Elevate.Server.Api;
using Elevate.Server.Approvals;
using Elevate.Server.Assignments;
using Elevate.Server.Audit;
using Elevate.Server.Auth;
using Elevate.Server.Notifications;
using Elevate.Server.Portal;
using Elevate.Server.Principals;
using Elevate.Server.Requests;
using Elevate.Server.Reviews;
using Elevate.Server.Roles;
using Elevate.Server.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace Elevate.Server.Hosting;

/// <summary>How the host is put together: services, middleware and endpoints.</summary>
public static class ElevateHost
{
    /// <summary>Where Elevate listens when no URL is configured (ASPNETCORE_URLS, --urls or "Urls").</summary>
    public const string DefaultUrl = "http://localhost:8080";

    public static WebApplicationBuilder AddElevate(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var services = builder.Services;
        services.AddOptions<ElevateOptions>()
            .Bind(builder.Configuration.GetSection(ElevateOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ElevateOptions>, ElevateOptionsValidator>();

        // Everything below reads ElevateOptions when first resolved, never while the host is being built, so that
        // configuration added late (tests, environment) is always the configuration used.
        services.AddPooledDbContextFactory<ElevateDbContext>((sp, options) =>
        {
            var settings = sp.GetRequiredService<IOptions<ElevateOptions>>().Value;
            ElevateDatabase.Configure(options, settings.Database.Provider, settings.ResolveConnectionString());
        });
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<ElevateDbContext>>().CreateDbContext());

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AccessIndex>();
        services.AddSingleton<AccessIndexFeed>();
        services.AddSingleton<GrantScheduler>();
        services.AddSingleton<TokenUseLog>();
        services.AddSingleton<IChangeObserver, CommitObserver>();
        services.AddSingleton<ISetupSecretOutput, ConsoleSetupSecretOutput>();
        services.AddSingleton<Authorizer>();
        services.AddSingleton<AccessCheck>();
        services.AddScoped<ChangeSets>();
        services.AddScoped<RequestService>();
        services.AddScoped<DirectoryService>();
        services.AddScoped<RoleService>();
        services.AddScoped<TokenService>();
        services.AddScoped<AuditService>();
        services.AddScoped<AssignmentQueries>();
        services.AddScoped<DueWork>();
        services.AddScoped<Bootstrapper>();
        services.AddScoped<MfaService>();
        services.AddScoped<Elevate.Core.Approvals.ApprovalService>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ElevateOptions>>().Value.Notifications.ToPlannerOptions());
        services.AddScoped<Elevate.Core.Notifications.NotificationPlanner>();
        services.AddScoped<IChangeSetHook>(sp => sp.GetRequiredService<Elevate.Core.Notifications.NotificationPlanner>());
        services.AddScoped<Elevate.Core.Notifications.NotificationService>();
        services.AddScoped<Elevate.Core.Notifications.NoticeBackfill>();
        services.AddScoped<Elevate.Core.Alerts.AlertEvaluator>();
        services.AddScoped<Elevate.Core.Alerts.AlertService>();
        services.AddScoped<Elevate.Core.Reviews.ReviewRunner>();
        services.AddScoped<Elevate.Core.Reviews.ReviewService>();
        services.AddSingleton<Alerts.AlertMonitor>();
        services.AddSingleton<Notifications.MessageRenderer>();
        services.AddSingleton<Notifications.ActionLinks>();
        services.AddSingleton<Notifications.EmailSender>();
        services.AddSingleton<Notifications.HttpChannelSender>();
        services.AddSingleton<Notifications.OutboxDispatcher>();
        services.AddHttpClient(Notifications.HttpChannelSender.ClientName, c => c.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .RemoveAllLoggers(); // chat webhook addresses carry their secret in the path: never log request URLs
        services.AddScoped<SignInService>();
        services.AddScoped<ExternalSignIn>();
        services.AddSingleton(new PasswordHasher(Argon2Parameters.Default));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<ElevateOptions>>().Value.SignIn.ToPolicy());
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        services.AddScoped<IWebAuthnRelyingPartySource, RelyingPartySource>();
        services.AddHttpContextAccessor();

        // Data Protection keys live in the database: cookies and encrypted TOTP secrets made by one instance are
        // readable by every other, and survive restarts and redeployments.
        // With a certificate configured the keys are also encrypted in the database, so a copy of the database alone
        // does not reveal TOTP secrets. Read here, while services are registered (Data Protection takes the
        // certificate no later); a file that cannot be loaded is reported by the options validator at start.
        var dataProtection = services.AddDataProtection().SetApplicationName("Elevate").PersistKeysToDbContext<ElevateDbContext>();
        var keyCertificate = new ElevateOptions.DataProtectionOptions
        {
            CertificatePath = builder.Configuration[$"{ElevateOptions.Section}:DataProtection:CertificatePath"],
            CertificatePassword = builder.Configuration[$"{ElevateOptions.Section}:DataProtection:CertificatePassword"],
        }.TryLoadCertificate();
        if (keyCertificate is not null)
        {
            dataProtection.ProtectKeysWithCertificate(keyCertificate).UnprotectKeysWithAnyCertificate(keyCertificate);
        }

        services.AddHostedService<StartupTasks>();
        services.AddHostedService<SchedulerService>();
        services.AddHostedService<ChangeWatcher>();
        services.AddHostedService<TokenUseWriter>();
        services.AddHostedService<Notifications.OutboxDispatcherService>();
        services.AddHostedService(sp => sp.GetRequiredService<Alerts.AlertMonitor>());

        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null)
            .AddPortalAuthentication();
        services.AddAuthorization();
        services.AddPortal();

        services.ConfigureHttpJsonOptions(o => ElevateJson.Configure(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // Problems the framework writes itself (unknown route, wrong method, body too large) get a code too.
            var details = context.ProblemDetails;
            if (!details.Extensions.ContainsKey("code"))
            {
                var status = details.Status ?? context.HttpContext.Response.StatusCode;
                var code = Problems.CodeOfStatus(status);
                details.Extensions["code"] = code;
                details.Type = $"urn:elevate:problem:{code}";
                (details.Detail, var field) = status switch
                {
                    StatusCodes.Status413PayloadTooLarge => ("The request body is larger than this server accepts.", "body"),
                    StatusCodes.Status415UnsupportedMediaType => ("Send the body as application/json.", "Content-Type"),
                    StatusCodes.Status404NotFound => ("There is nothing at this address.", null),
                    StatusCodes.Status405MethodNotAllowed => ("This address does not take this method.", null),
                    _ => (details.Detail, null),
                };
                if (field is not null)
                {
                    details.Extensions["field"] = field;
                }
            }
        });
        services.AddExceptionHandler<BadRequestHandler>();
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Elevate API";
            document.Info.Description = "Just-in-time privileged access: eligibility, activation, role settings, the check API and a tamper-evident audit trail.";
            document.Info.Version = "v1";
            return Task.CompletedTask;
        }));

        // Hosted services start in registration order. Migrations run first, before anything reads the database at
        // start: Data Protection loads its key ring from it.
        var startup = services.First(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(StartupTasks));
        services.Remove(startup);
        services.Insert(0, startup);

        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ElevateOptions>>((kestrel, elevate) =>
        {
            kestrel.Limits.MaxRequestBodySize = elevate.Value.Api.MaxRequestBodyBytes;
            kestrel.AddServerHeader = false;
        });
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ElevateOptions>>((forwarded, elevate) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in elevate.Value.Api.TrustedProxies)
            {
                forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }
        });
        return builder;
    }

    public static WebApplication UseElevate(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            if (PortalStatusPage.Wants(http))
            {
                await PortalStatusPage.WriteAsync(http);
                return;
            }

            var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
            if (!await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = { Status = http.Response.StatusCode } }))
            {
                // A client that accepts no JSON (as the framework's own fallback does) gets the status in plain text.
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync($"Status code {http.Response.StatusCode}.", http.RequestAborted);
            }
        });
        app.UseSecurityHeaders();
        app.Use(async (context, next) =>
        {
            context.Response.Headers[CallerContext.CorrelationHeader] = context.CorrelationId();
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers.CacheControl = "no-store";
            await next(context);
        });
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapPortal();
        app.MapSso();

        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/docs", o => o.WithTitle("Elevate API").WithOpenApiRoutePattern("/openapi/{documentName}.json")).AllowAnonymous();
        app.MapHealth();

        app.MapGroup("/api/v1").AllowAnonymous().MapSetup();
        var api = app.MapGroup("/api/v1").RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = BearerTokenHandler.SchemeName });
        api.MapAccess();
        api.MapPrincipals();
        api.MapRoles();
        api.MapAssignments();
        api.MapRequests();
        api.MapApprovals();
        api.MapTokens();
        api.MapAudit();
        api.MapNotifications();
        api.MapAlerts();
        api.MapReviews();
        api.MapSystem();
        return app;
    }
}

/// <summary>Reports each configuration problem by name at start, then stops the host.</summary>
public sealed class ElevateOptionsValidator : IValidateOptions<ElevateOptions>
{
    public ValidateOptionsResult Validate(string? name, ElevateOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
