using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.RegularExpressions;
using MimeKit;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Elevate.Bench.Benchmarks;

/// <summary>One message the sink accepted: when (Stopwatch timestamp, taken as the DATA was complete), to whom, what.</summary>
public sealed record ArrivedMail(long At, string MessageId, string To, string Event, Guid? ApproveRequestId);

/// <summary>
/// An SMTP server in this process (the SmtpServer package) on a free loopback port, accepting every message and
/// recording its arrival. The arrival time is taken when the server hands the complete message to the store, before
/// it answers 250, so it is the moment the message was accepted, less the 250's trip back.
/// </summary>
public sealed partial class NotifySmtpSink : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private readonly Store _store = new();

    private NotifySmtpSink(int port)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(_store);
        services.Add(new NoDelayListenerFactory());
        var server = new SmtpServer.SmtpServer(options, services);
        _running = server.StartAsync(_stop.Token);
    }

    public int Port { get; }

    public int Count => _store.Arrived.Count;

    public IReadOnlyCollection<ArrivedMail> Arrived => _store.Arrived;

    /// <summary>The first approve-link message for each request, by request id.</summary>
    public ConcurrentDictionary<Guid, ArrivedMail> ApprovalRequests => _store.ByRequest;

    public static async Task<NotifySmtpSink> StartAsync()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
        }

        var sink = new NotifySmtpSink(port);
        // Wait until it listens.
        for (var i = 0; ; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return sink;
            }
            catch (SocketException) when (i < 100)
            {
                await Task.Delay(50);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    [GeneratedRegex(@"/approvals/(?<id>[0-9a-fA-F-]{36})\?verdict=approve")]
    private static partial Regex ApproveLink();

    private sealed class Store : MessageStore
    {
        public ConcurrentQueue<ArrivedMail> Arrived { get; } = new();

        public ConcurrentDictionary<Guid, ArrivedMail> ByRequest { get; } = new();

        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            var at = Stopwatch.GetTimestamp();
            using var stream = new MemoryStream(buffer.ToArray());
            var message = MimeMessage.Load(stream, cancellationToken);
            var match = message.TextBody is { } text ? ApproveLink().Match(text) : Match.Empty;
            var requestId = match.Success ? Guid.Parse(match.Groups["id"].Value) : (Guid?)null;
            var mail = new ArrivedMail(at, message.MessageId ?? "", message.To.Mailboxes.FirstOrDefault()?.Address ?? "",
                message.Headers["X-Elevate-Event"] ?? "", requestId);
            if (requestId is { } id)
            {
                ByRequest.TryAdd(id, mail);
            }

            Arrived.Enqueue(mail);
            return Task.FromResult(SmtpResponse.Ok);
        }
    }

    /// <summary>
    /// Accepts connections with Nagle's algorithm off. The package's own listener leaves it on, and its replies to
    /// pipelined commands are written piecewise, so every message waits about 40 ms for the client's delayed
    /// acknowledgement: a property of this test server that a production relay (Postfix, Exchange) does not have.
    /// </summary>
    private sealed class NoDelayListenerFactory : IEndpointListenerFactory
    {
        public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
        {
            var listener = new TcpListener(endpointDefinition.Endpoint);
            listener.Start();
            return new Listener(listener);
        }
    }

    private sealed class Listener(TcpListener listener) : IEndpointListener
    {
        public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            var socket = await listener.AcceptSocketAsync(cancellationToken);
            socket.NoDelay = true;
            context.Properties.Add(EndpointListener.LocalEndPointKey, listener.LocalEndpoint);
            context.Properties.Add(EndpointListener.RemoteEndPointKey, socket.RemoteEndPoint!);
            return new PlainPipe(new NetworkStream(socket, ownsSocket: true));
        }

        public void Dispose() => listener.Stop();
    }

    /// <summary>A plain (never upgraded: the sink offers no STARTTLS) duplex pipe over a socket stream.</summary>
    private sealed class PlainPipe(Stream stream) : ISecurableDuplexPipe
    {
        public PipeReader Input { get; } = PipeReader.Create(stream);

        public PipeWriter Output { get; } = PipeWriter.Create(stream);

        public bool IsSecure => false;

        public SslProtocols SslProtocol => SslProtocols.None;

        public Task UpgradeAsync(System.Security.Cryptography.X509Certificates.X509Certificate certificate, SslProtocols protocols, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The benchmark's SMTP sink does not offer STARTTLS.");

        public void Dispose() => stream.Dispose();
    }
}
