using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Elevate.Core.Common.Json;
using Elevate.Core.Notifications;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Elevate.Server.Notifications;

/// <summary>Delivers one rendered message to one channel; throws when the channel did not accept it.</summary>
public interface IChannelSender
{
    NotificationChannel Channel { get; }

    Task SendAsync(OutboxMessage message, MessageFacts facts, RenderedMessage rendered, CancellationToken ct);
}

/// <summary>
/// E-mail over SMTP with MailKit: STARTTLS or implicit TLS, optional authentication, an HTML and a plain-text part.
/// Connections are kept open and reused across messages (one per parallel sender); a failed one is dropped. The
/// outbox id is the Message-ID, so a message retried after an uncertain send carries the same identity.
/// </summary>
public sealed class EmailSender(IOptions<Hosting.ElevateOptions> options, TimeProvider time, ILogger<EmailSender> logger) : IChannelSender, IAsyncDisposable
{
    /// <summary>
    /// An open connection unused for longer is closed rather than reused: relays drop idle sessions, and a dropped one
    /// is only noticed when the next message fails on it.
    /// </summary>
    public static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(20);

    private readonly ConcurrentBag<(SmtpClient Client, long IdleSince)> _idle = [];

    public NotificationChannel Channel => NotificationChannel.Email;

    public async Task SendAsync(OutboxMessage message, MessageFacts facts, RenderedMessage rendered, CancellationToken ct)
    {
        var smtp = options.Value.Notifications.Smtp;
        var mime = new MimeMessage
        {
            Subject = rendered.Subject,
            MessageId = $"{message.Id:N}@elevate",
            Date = message.CreatedAt,
        };
        mime.From.Add(new MailboxAddress(smtp.FromName, smtp.From!));
        mime.To.Add(MailboxAddress.Parse(message.Destination));
        mime.Headers.Add("Auto-Submitted", "auto-generated");
        mime.Headers.Add("X-Elevate-Event", NotificationEvents.Name(message.Event));
        mime.Body = new BodyBuilder { TextBody = rendered.Text, HtmlBody = rendered.Html }.ToMessageBody();

        var (client, reused) = await ConnectedAsync(smtp, ct);
        try
        {
            await client.SendAsync(mime, ct);
        }
        catch (Exception e) when (reused && e is SmtpProtocolException or IOException or ServiceNotConnectedException)
        {
            // The relay closed the kept connection meanwhile (the send failed at its first command): send on a new one
            // now instead of waiting for a retry.
            await DropAsync(client);
            client = await ConnectAsync(smtp, ct);
            await SendOrDropAsync(client, mime, ct);
        }
        catch
        {
            await DropAsync(client);
            throw;
        }

        _idle.Add((client, time.GetTimestamp()));
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var idle))
        {
            await DropAsync(idle.Client);
        }
    }

    private async Task SendOrDropAsync(SmtpClient client, MimeMessage mime, CancellationToken ct)
    {
        try
        {
            await client.SendAsync(mime, ct);
        }
        catch
        {
            await DropAsync(client);
            throw;
        }
    }

    private async Task<(SmtpClient Client, bool Reused)> ConnectedAsync(NotificationsOptions.SmtpOptions smtp, CancellationToken ct)
    {
        while (_idle.TryTake(out var idle))
        {
            if (idle.Client.IsConnected && time.GetElapsedTime(idle.IdleSince) < IdleLimit)
            {
                return (idle.Client, true);
            }

            await DropAsync(idle.Client);
        }

        return (await ConnectAsync(smtp, ct), false);
    }

    private async Task<SmtpClient> ConnectAsync(NotificationsOptions.SmtpOptions smtp, CancellationToken ct)
    {
        var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        if (smtp.TrustedCertificateThumbprint is { Length: > 0 } pinned)
        {
            // A relay with its own (e.g. self-signed) certificate: trusted when it is exactly the pinned one.
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) => errors == System.Net.Security.SslPolicyErrors.None
                || (certificate is not null && string.Equals(Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData())), pinned.Replace(":", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));
        }

        Socket? socket = null;
        try
        {
            var security = smtp.Security switch
            {
                NotificationsOptions.SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
                NotificationsOptions.SmtpSecurity.StartTlsWhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
                NotificationsOptions.SmtpSecurity.None => SecureSocketOptions.None,
                _ => SecureSocketOptions.StartTls,
            };

            // Commands are small and answered one by one: without NoDelay, Nagle's algorithm and the relay's delayed
            // acknowledgements add tens of milliseconds to every message.
            socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                // MailKit's own timeout starts once connected; an unreachable relay must not hold a send (and its lease) for minutes.
                connectTimeout.CancelAfter(smtp.Timeout);
                await socket.ConnectAsync(smtp.Host!, smtp.Port, connectTimeout.Token);
            }

            await client.ConnectAsync(socket, smtp.Host!, smtp.Port, security, ct);
            socket = null;
            if (!string.IsNullOrEmpty(smtp.UserName))
            {
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", ct);
            }

            return client;
        }
        catch
        {
            socket?.Dispose();
            await DropAsync(client);
            throw;
        }
    }

    private async Task DropAsync(SmtpClient client)
    {
        try
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(true, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is IOException or SmtpProtocolException or SmtpCommandException or OperationCanceledException or InvalidOperationException)
        {
            logger.LogDebug(e, "Closing an SMTP connection failed.");
        }

        client.Dispose();
    }
}

/// <summary>
/// HTTP channels: signed JSON webhooks, and Slack and Teams incoming webhooks. Any answer but 2xx, or no answer, is a
/// failure to retry. Addresses are secrets (chat webhooks authorise by their URL) and never appear in errors or logs.
/// </summary>
public sealed class HttpChannelSender(IHttpClientFactory clients, IOptions<Hosting.ElevateOptions> options, TimeProvider time)
{
    public const string ClientName = "Elevate.Notifications";
    public const string SignatureHeader = "Elevate-Signature";
    public const string DeliveryHeader = "Elevate-Delivery";
    public const string EventHeader = "Elevate-Event";

    public async Task SendAsync(OutboxMessage message, MessageFacts facts, RenderedMessage rendered, CancellationToken ct)
    {
        var config = options.Value.Notifications;
        var (url, body, secret) = message.Channel switch
        {
            NotificationChannel.Webhook => config.Webhooks.FirstOrDefault(w => w.Name == message.Destination) is { } w
                ? (w.Url, WebhookBody(message, facts, rendered), w.Secret)
                : throw new ChannelNotConfiguredException(message.Destination),
            NotificationChannel.Slack => config.Slack.FirstOrDefault(s => s.Name == message.Destination) is { } s
                ? (s.Url, SlackBody(rendered), (string?)null)
                : throw new ChannelNotConfiguredException(message.Destination),
            NotificationChannel.Teams => config.Teams.FirstOrDefault(t => t.Name == message.Destination) is { } t
                ? (t.Url, TeamsBody(rendered), (string?)null)
                : throw new ChannelNotConfiguredException(message.Destination),
            _ => throw new InvalidOperationException($"{message.Channel} is not an HTTP channel."),
        };

        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(DeliveryHeader, message.Id.ToString());
        request.Headers.Add("Idempotency-Key", message.Id.ToString());
        request.Headers.Add(EventHeader, NotificationEvents.Name(message.Event));
        if (secret is not null)
        {
            request.Headers.Add(SignatureHeader, Sign(body, secret, time.GetUtcNow()));
        }

        using var response = await clients.CreateClient(ClientName).SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The endpoint answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
        }
    }

    /// <summary><c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c>; receivers reject old timestamps.</summary>
    public static string Sign(string body, string secret, DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>The webhook event: id (the idempotency key), type, time, and the facts; never links that act.</summary>
    public static string WebhookBody(OutboxMessage message, MessageFacts facts, RenderedMessage rendered) => JsonSerializer.Serialize(new
    {
        id = message.Id,
        type = NotificationEvents.Name(message.Event),
        occurredAt = facts.OccurredAt,
        critical = message.Critical,
        summary = rendered.Headline,
        url = rendered.Links.Open,
        data = facts with { RecentActivations = [], Items = [] },
    }, ElevateJson.Options);

    /// <summary>A Block Kit message: header, the lead, the facts as fields, and a button to the page.</summary>
    public static string SlackBody(RenderedMessage rendered)
    {
        static JsonObject Text(string type, string text) => new() { ["type"] = type, ["text"] = text };
        var blocks = new JsonArray
        {
            new JsonObject { ["type"] = "header", ["text"] = Text("plain_text", Clip(rendered.Headline, 150)) },
            new JsonObject { ["type"] = "section", ["text"] = Text("plain_text", Clip(rendered.Lead.Length > 0 ? rendered.Lead : rendered.Headline, 3000)) },
        };
        if (rendered.Facts.Count > 0)
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "section",
                ["fields"] = new JsonArray([.. rendered.Facts.Take(10).Select(f => (JsonNode)Text("mrkdwn", Clip($"*{Escape(f.Key)}*\n{Escape(f.Value)}", 2000)))]),
            });
        }

        if (rendered.Links.Open is { } open)
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "actions",
                ["elements"] = new JsonArray(new JsonObject
                {
                    ["type"] = "button",
                    ["text"] = Text("plain_text", rendered.Links.Approve is null ? "Open in Elevate" : "Review and decide"),
                    ["url"] = open,
                    ["action_id"] = "open",
                    ["style"] = "primary",
                }),
            });
        }

        return new JsonObject { ["text"] = Clip(rendered.Subject, 3000), ["blocks"] = blocks }.ToJsonString();
    }

    /// <summary>A Teams message carrying an Adaptive Card (1.4): headline, lead, facts, and a button to the page.</summary>
    public static string TeamsBody(RenderedMessage rendered)
    {
        var body = new JsonArray
        {
            new JsonObject { ["type"] = "TextBlock", ["text"] = Plain(rendered.Headline), ["size"] = "Medium", ["weight"] = "Bolder", ["wrap"] = true },
            new JsonObject { ["type"] = "TextBlock", ["text"] = Plain(rendered.Lead.Length > 0 ? rendered.Lead : rendered.Headline), ["wrap"] = true },
        };
        if (rendered.Facts.Count > 0)
        {
            body.Add(new JsonObject
            {
                ["type"] = "FactSet",
                ["facts"] = new JsonArray([.. rendered.Facts.Select(f => (JsonNode)new JsonObject { ["title"] = f.Key, ["value"] = Plain(f.Value) })]),
            });
        }

        var card = new JsonObject
        {
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["type"] = "AdaptiveCard",
            ["version"] = "1.4",
            ["body"] = body,
        };
        if (rendered.Links.Open is { } open)
        {
            card["actions"] = new JsonArray(new JsonObject
            {
                ["type"] = "Action.OpenUrl",
                ["title"] = rendered.Links.Approve is null ? "Open in Elevate" : "Review and decide",
                ["url"] = open,
            });
        }

        return new JsonObject
        {
            ["type"] = "message",
            ["attachments"] = new JsonArray(new JsonObject { ["contentType"] = "application/vnd.microsoft.card.adaptive", ["content"] = card }),
        }.ToJsonString();
    }

    /// <summary>
    /// Teams renders Markdown in card text: what a requester typed (a justification such as "[approve here](https://…)")
    /// must not become a link or formatting in a card from a trusted sender.
    /// </summary>
    public static string Plain(string value)
    {
        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c is '\\' or '[' or ']' or '*' or '_' or '`')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    private static string Clip(string value, int max) => value.Length <= max ? value : string.Concat(value.AsSpan(0, max - 1), "…");

    /// <summary>Slack's mrkdwn treats &amp;, &lt; and &gt; as control characters.</summary>
    private static string Escape(string value) => value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}

/// <summary>A message names a channel that is no longer configured.</summary>
public sealed class ChannelNotConfiguredException(string name) : Exception($"No channel named '{name}' is configured any more.");
