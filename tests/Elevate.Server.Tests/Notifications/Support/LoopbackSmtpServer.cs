using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using SmtpServiceProvider = SmtpServer.ComponentModel.ServiceProvider;

namespace Elevate.Server.Tests.Notifications.Support;

/// <summary>One message the <see cref="LoopbackSmtpServer"/> accepted, as the envelope and the parsed MIME message.</summary>
/// <param name="Message">The message as MimeKit parsed it from the DATA the client sent.</param>
/// <param name="Recipients">The envelope recipients (RCPT TO), which need not match the To header.</param>
/// <param name="From">The envelope sender (MAIL FROM); empty for the null reverse-path.</param>
public sealed record ReceivedMail(
    MimeMessage Message,
    IReadOnlyList<string> Recipients,
    string From,
    string Subject,
    string? TextBody,
    string? HtmlBody,
    string? MessageId)
{
    /// <summary>Whether the session that delivered the message had negotiated TLS (STARTTLS) by then.</summary>
    public bool Secure { get; init; }

    /// <summary>The user the session authenticated as, or null for an unauthenticated session.</summary>
    public string? AuthenticatedUser { get; init; }
}

/// <summary>
/// An SMTP server on 127.0.0.1 that records every message it accepts. Its port is chosen when it is constructed and
/// kept across <see cref="StopAsync"/> and <see cref="StartAsync"/>, so a test can take the relay away (clients then
/// get "connection refused") and bring it back at the same address. With <c>credentials</c> it offers AUTH PLAIN and
/// LOGIN and refuses MAIL FROM until a session authenticates; with <c>startTls</c> it offers STARTTLS with a
/// self-signed certificate made in memory (and then offers AUTH only after STARTTLS, as real relays do).
/// </summary>
public sealed class LoopbackSmtpServer : IAsyncDisposable
{
    private readonly (string User, string Password)? _credentials;
    private readonly CaptureLog<ReceivedMail> _received = new(DescribeMail);
    private readonly Lock _gate = new();
    private readonly List<string> _authenticatedUsers = [];
    private SmtpServer.SmtpServer? _server;
    private CancellationTokenSource? _stop;
    private Task? _running;
    private volatile bool _lastSessionSecure;

    public LoopbackSmtpServer((string User, string Password)? credentials = null, bool startTls = false)
    {
        _credentials = credentials;
        Port = FreeLoopbackPort();
        Certificate = startTls ? CreateSelfSignedCertificate() : null;
    }

    /// <summary>The loopback port the server listens on whenever it is started.</summary>
    public int Port { get; }

    /// <summary>Always 127.0.0.1.</summary>
    public string Host { get; } = IPAddress.Loopback.ToString();

    /// <summary>The self-signed certificate offered with STARTTLS, or null when STARTTLS is off.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>Whether the server is listening.</summary>
    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _server is not null;
            }
        }
    }

    /// <summary>The messages accepted so far, oldest first (a snapshot).</summary>
    public IReadOnlyList<ReceivedMail> Received => _received.Snapshot();

    /// <summary>The user names of every successful AUTH so far, one per authenticated session, oldest first.</summary>
    public IReadOnlyList<string> AuthenticatedUsers
    {
        get
        {
            lock (_gate)
            {
                return [.. _authenticatedUsers];
            }
        }
    }

    /// <summary>Whether the most recent session had negotiated TLS by the last command it sent.</summary>
    public bool LastSessionSecure => _lastSessionSecure;

    /// <summary>Starts listening on <see cref="Port"/>; returns once the port accepts connections.</summary>
    public async Task StartAsync()
    {
        var endpointStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, _) => endpointStarted.TrySetResult();

        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint =>
            {
                endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, Port));
                endpoint.SessionTimeout(TimeSpan.FromSeconds(30));
                if (_credentials is not null)
                {
                    endpoint.AuthenticationRequired(true);
                    endpoint.AllowUnsecureAuthentication(Certificate is null);
                }

                if (Certificate is not null)
                {
                    endpoint.Certificate(Certificate);
                }
            })
            .Build();

        var services = new SmtpServiceProvider();
        services.Add(listeners);
        services.Add(new Store(this));
        if (_credentials is not null)
        {
            services.Add(new Authenticator(this));
        }

        var server = new SmtpServer.SmtpServer(options, services);
        server.SessionCreated += (_, created) =>
        {
            _lastSessionSecure = false;
            created.Context.CommandExecuted += (_, executed) => _lastSessionSecure = executed.Context.Pipe?.IsSecure ?? false;
        };

        var stop = new CancellationTokenSource();
        lock (_gate)
        {
            if (_server is not null)
            {
                stop.Dispose();
                throw new InvalidOperationException($"The SMTP server on port {Port} is already running.");
            }

            _server = server;
            _stop = stop;
            _running = server.StartAsync(stop.Token);
        }

        var first = await Task.WhenAny(endpointStarted.Task, _running, Task.Delay(TimeSpan.FromSeconds(10)));
        if (first != endpointStarted.Task)
        {
            await StopAsync();
            await first; // Rethrows why the server could not start (e.g. the port was taken meanwhile).
            throw new InvalidOperationException($"The SMTP server did not start listening on port {Port} within 10 s.");
        }
    }

    /// <summary>Stops listening and ends open sessions; returns once the port refuses connections.</summary>
    public async Task StopAsync()
    {
        SmtpServer.SmtpServer? server;
        CancellationTokenSource? stop;
        Task? running;
        lock (_gate)
        {
            (server, stop, running) = (_server, _stop, _running);
            (_server, _stop, _running) = (null, null, null);
        }

        if (server is null || stop is null || running is null)
        {
            return;
        }

        server.Shutdown();
        await stop.CancelAsync();
        try
        {
            await running.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (OperationCanceledException)
        {
            // Cancelling is how the server is told to stop.
        }
        finally
        {
            stop.Dispose();
        }
    }

    /// <summary>Waits (in real time) until an accepted message satisfies <paramref name="match"/>.</summary>
    /// <exception cref="TimeoutException">No such message arrived in time; the message lists what did.</exception>
    public Task<ReceivedMail> WaitForAsync(Func<ReceivedMail, bool> match, TimeSpan timeout) =>
        _received.WaitForAsync(match, timeout, "a matching mail");

    /// <summary>Waits (in real time) until at least <paramref name="count"/> messages were accepted; returns all of them.</summary>
    /// <exception cref="TimeoutException">Fewer arrived in time; the message lists what did.</exception>
    public Task<IReadOnlyList<ReceivedMail>> WaitForCountAsync(int count, TimeSpan timeout) =>
        _received.WaitForCountAsync(count, timeout, $"{count} mail(s)");

    /// <summary>Forgets the messages and authentications received so far.</summary>
    public void Clear()
    {
        _received.Clear();
        lock (_gate)
        {
            _authenticatedUsers.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Certificate?.Dispose();
    }

    private static int FreeLoopbackPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        try
        {
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        finally
        {
            probe.Stop();
        }
    }

    private static X509Certificate2 CreateSelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(
            new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(
            new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));

        // The certificate is made on the wall clock on purpose: TLS checks it against the real time.
        var now = TimeProvider.System.GetUtcNow();
        using var ephemeral = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        // Round-trip through PKCS#12 so that the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }

    private static string DescribeMail(IReadOnlyList<ReceivedMail> mails) =>
        mails.Count == 0
            ? "(none)"
            : string.Join("; ", mails.Select(m => $"\"{m.Subject}\" to {string.Join(", ", m.Recipients)}"));

    private static string Address(IMailbox? mailbox) =>
        mailbox is null || string.IsNullOrEmpty(mailbox.User) ? string.Empty : mailbox.AsAddress();

    private void Accept(ReceivedMail mail) => _received.Add(mail);

    private void Authenticated(string user)
    {
        lock (_gate)
        {
            _authenticatedUsers.Add(user);
        }
    }

    private sealed class Store(LoopbackSmtpServer owner) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray(), writable: false);
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            var secure = context.Pipe?.IsSecure ?? false;
            owner._lastSessionSecure = secure;
            owner.Accept(new ReceivedMail(
                message,
                [.. transaction.To.Select(Address)],
                Address(transaction.From),
                message.Subject ?? string.Empty,
                message.TextBody,
                message.HtmlBody,
                message.MessageId)
            {
                Secure = secure,
                AuthenticatedUser = context.Authentication.IsAuthenticated ? context.Authentication.User : null,
            });
            return SmtpResponse.Ok;
        }
    }

    private sealed class Authenticator(LoopbackSmtpServer owner) : IUserAuthenticator
    {
        public Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken)
        {
            var (expectedUser, expectedPassword) = owner._credentials!.Value;
            var valid = string.Equals(user, expectedUser, StringComparison.Ordinal)
                && string.Equals(password, expectedPassword, StringComparison.Ordinal);
            if (valid)
            {
                owner.Authenticated(user);
            }

            return Task.FromResult(valid);
        }
    }
}
