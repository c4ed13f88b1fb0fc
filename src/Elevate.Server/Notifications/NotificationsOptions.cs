using Elevate.Core.Notifications;

namespace Elevate.Server.Notifications;

/// <summary>The "Elevate:Notifications" section: where messages go and how hard Elevate tries (docs/configuration.md).</summary>
public sealed class NotificationsOptions
{
    /// <summary>The mail server; without a host no e-mail is written to the outbox.</summary>
    public SmtpOptions Smtp { get; set; } = new();

    public IList<WebhookEndpoint> Webhooks { get; } = [];

    public IList<ChatEndpoint> Slack { get; } = [];

    public IList<ChatEndpoint> Teams { get; } = [];

    /// <summary>A folder whose template files replace the built-in ones of the same name.</summary>
    public string? TemplatesPath { get; set; }

    /// <summary>Before an eligible or administrator-made active assignment ends.</summary>
    public IList<TimeSpan> AssignmentEndingNotices { get; } = [];

    public TimeSpan ActivationEndingNotice { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long an approve / deny link in an e-mail stays usable (never past the stage's deadline).</summary>
    public TimeSpan ActionLinkLifetime { get; set; } = TimeSpan.FromDays(2);

    public DispatcherOptions Dispatcher { get; set; } = new();

    public sealed class SmtpOptions
    {
        public string? Host { get; set; }

        public int Port { get; set; } = 587;

        /// <summary>StartTls (default: required), SslOnConnect (port 465), StartTlsWhenAvailable, or None (loopback relays only).</summary>
        public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

        public string? UserName { get; set; }

        public string? Password { get; set; }

        /// <summary>The sender address (required with a host), e.g. elevate@example.org.</summary>
        public string? From { get; set; }

        public string FromName { get; set; } = "Elevate";

        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>
        /// The SHA-256 fingerprint (hex) of a relay certificate to trust even though it does not chain to a trusted root,
        /// e.g. an internal relay's self-signed one. Every other certificate is validated as usual.
        /// </summary>
        public string? TrustedCertificateThumbprint { get; set; }

        public bool Enabled => !string.IsNullOrWhiteSpace(Host);
    }

    public class ChatEndpoint
    {
        /// <summary>A name unique among all channels; it appears in the outbox, never the address.</summary>
        public string Name { get; set; } = "";

        /// <summary>The incoming-webhook address, which is itself a secret: it is never logged.</summary>
        public string Url { get; set; } = "";

        /// <summary>Event names (e.g. approval-requested); empty: every event.</summary>
        public IList<string> Events { get; } = [];

        public bool CriticalOnly { get; set; }
    }

    public sealed class WebhookEndpoint : ChatEndpoint
    {
        /// <summary>The HMAC-SHA256 key receivers verify the Elevate-Signature header with (at least 32 characters).</summary>
        public string Secret { get; set; } = "";
    }

    public sealed class DispatcherOptions
    {
        public bool Enabled { get; set; } = true;

        public int BatchSize { get; set; } = 100;

        /// <summary>How many messages one instance sends at once.</summary>
        public int Parallelism { get; set; } = 8;

        /// <summary>After this many failed attempts a message is dead-lettered and administrators are told.</summary>
        public int MaxAttempts { get; set; } = 10;

        /// <summary>The wait after the first failure; each further failure doubles it, up to <see cref="MaxRetryDelay"/>.</summary>
        public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(15);

        public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

        /// <summary>How long a claimed message is reserved for the instance sending it.</summary>
        public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);

        /// <summary>A safety net: look for due messages at least this often.</summary>
        public TimeSpan MaxSleep { get; set; } = TimeSpan.FromSeconds(30);
    }

    public enum SmtpSecurity
    {
        StartTls,
        StartTlsWhenAvailable,
        SslOnConnect,
        None,
    }

    public IEnumerable<ChannelRoute> Routes() =>
        Webhooks.Select(w => Route(w, NotificationChannel.Webhook))
            .Concat(Slack.Select(s => Route(s, NotificationChannel.Slack)))
            .Concat(Teams.Select(t => Route(t, NotificationChannel.Teams)));

    public NotificationOptions ToPlannerOptions() => new()
    {
        EmailEnabled = Smtp.Enabled,
        AssignmentEndingNotices = AssignmentEndingNotices.Count > 0 ? [.. AssignmentEndingNotices] : new NotificationOptions().AssignmentEndingNotices,
        ActivationEndingNotice = ActivationEndingNotice,
        Routes = [.. Routes()],
    };

    public IEnumerable<string> Problems()
    {
        const string at = "Elevate:Notifications";
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (endpoint, kind) in Webhooks.Select(w => ((ChatEndpoint)w, "Webhooks")).Concat(Slack.Select(s => (s, "Slack"))).Concat(Teams.Select(t => (t, "Teams"))))
        {
            if (string.IsNullOrWhiteSpace(endpoint.Name) || !names.Add(endpoint.Name))
            {
                yield return $"{at}:{kind}: every endpoint needs a Name unique among all channels ('{endpoint.Name}').";
            }

            if (!Uri.TryCreate(endpoint.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                yield return $"{at}:{kind}:{endpoint.Name}: Url must be an absolute http(s) address.";
            }

            foreach (var e in endpoint.Events.Where(e => !NotificationEvents.TryParse(e, out _)))
            {
                yield return $"{at}:{kind}:{endpoint.Name}: '{e}' is not an event; use one of {string.Join(", ", Enum.GetValues<NotificationEvent>().Select(NotificationEvents.Name))}.";
            }

            if (endpoint is WebhookEndpoint { Secret.Length: < 32 })
            {
                yield return $"{at}:Webhooks:{endpoint.Name}: Secret must be at least 32 characters.";
            }
        }

        if (Smtp.Enabled && (Smtp.Port is < 1 or > 65535))
        {
            yield return $"{at}:Smtp:Port must be between 1 and 65535.";
        }

        if (Smtp.Enabled && !Elevate.Core.Principals.PrincipalInput.IsEmailAddress(Smtp.From))
        {
            yield return $"{at}:Smtp:From must be the sender's e-mail address (e.g. elevate@example.org) when Smtp:Host is set.";
        }

        if (TemplatesPath is { Length: > 0 } path && !Directory.Exists(path))
        {
            yield return $"{at}:TemplatesPath '{path}' is not a folder.";
        }

        if (Dispatcher.MaxAttempts < 1 || Dispatcher.BatchSize < 1 || Dispatcher.Parallelism < 1)
        {
            yield return $"{at}:Dispatcher: MaxAttempts, BatchSize and Parallelism must be at least 1.";
        }
    }

    private static ChannelRoute Route(ChatEndpoint endpoint, NotificationChannel channel) => new(
        endpoint.Name,
        channel,
        [.. endpoint.Events.Select(e => NotificationEvents.TryParse(e, out var parsed) ? parsed : (NotificationEvent?)null).OfType<NotificationEvent>()],
        endpoint.CriticalOnly);
}
