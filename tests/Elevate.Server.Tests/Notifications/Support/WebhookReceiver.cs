using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Elevate.Server.Tests.Notifications.Support;

/// <summary>One POST the <see cref="WebhookReceiver"/> received.</summary>
/// <param name="Path">The request path, e.g. <c>/hooks/a</c> (without the query string).</param>
/// <param name="Headers">The request headers by case-insensitive name; repeated headers are joined with ", ".</param>
/// <param name="Body">The raw body, decoded as UTF-8.</param>
/// <param name="ReceivedAt">When it arrived, on the wall clock.</param>
public sealed record ReceivedRequest(
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    DateTimeOffset ReceivedAt)
{
    /// <summary>The query string, including its leading "?", or empty.</summary>
    public string Query { get; init; } = string.Empty;

    /// <summary>The status code the receiver answered with.</summary>
    public int StatusCode { get; init; }

    /// <summary>The header <paramref name="name"/>, or null when it was not sent.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A small HTTP server (Kestrel) on 127.0.0.1 that records every POST it receives, on any path, and answers with the
/// status <see cref="StatusFor"/> chooses (200 unless a test says otherwise, e.g. 500 to make deliveries fail and
/// then 200 to let a retry succeed). Other methods get 405 and are not recorded.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly CaptureLog<ReceivedRequest> _received = new(DescribeRequests);
    private readonly WebApplication _app;
    private readonly Uri _baseAddress;

    private WebhookReceiver(WebApplication app, Uri baseAddress)
    {
        _app = app;
        _baseAddress = baseAddress;
    }

    /// <summary>The root of the server, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseAddress => _baseAddress;

    /// <summary>
    /// Chooses the status code for each request (read on every request, so a test may change it at any time). The
    /// request passed in is the one being answered, before it is added to <see cref="Received"/>.
    /// </summary>
    public Func<ReceivedRequest, int> StatusFor { get; set; } = _ => StatusCodes.Status200OK;

    /// <summary>The POSTs received so far, oldest first (a snapshot).</summary>
    public IReadOnlyList<ReceivedRequest> Received => _received.Snapshot();

    /// <summary>Starts a receiver on a free loopback port.</summary>
    public static async Task<WebhookReceiver> StartAsync()
    {
        // An explicit content root without settings files, so nothing in the test's output folder (or the
        // environment) reconfigures this server.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "WebhookReceiver",
        });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));

        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.Run(context => receiver!.HandleAsync(context));
        await app.StartAsync();

        var address = app.Urls.Single();
        receiver = new WebhookReceiver(app, new Uri(address.EndsWith('/') ? address : address + "/"));
        return receiver;
    }

    /// <summary>The absolute URL of <paramref name="path"/> on this receiver, e.g. <c>Url("/hooks/a")</c>.</summary>
    public string Url(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new Uri(_baseAddress, path.TrimStart('/')).ToString();
    }

    /// <summary>Waits (in real time) until a received POST satisfies <paramref name="match"/>.</summary>
    /// <exception cref="TimeoutException">No such request arrived in time; the message lists what did.</exception>
    public Task<ReceivedRequest> WaitForAsync(Func<ReceivedRequest, bool> match, TimeSpan timeout) =>
        _received.WaitForAsync(match, timeout, "a matching webhook request");

    /// <summary>Waits (in real time) until at least <paramref name="count"/> POSTs arrived; returns all of them.</summary>
    /// <exception cref="TimeoutException">Fewer arrived in time; the message lists what did.</exception>
    public Task<IReadOnlyList<ReceivedRequest>> WaitForCountAsync(int count, TimeSpan timeout) =>
        _received.WaitForCountAsync(count, timeout, $"{count} webhook request(s)");

    /// <summary>Forgets the requests received so far.</summary>
    public void Clear() => _received.Clear();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(
            header => header.Key, header => header.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new ReceivedRequest(context.Request.Path.Value ?? "/", headers, body, TimeProvider.System.GetUtcNow())
        {
            Query = context.Request.QueryString.Value ?? string.Empty,
        };

        var status = StatusFor(request);
        _received.Add(request with { StatusCode = status });
        context.Response.StatusCode = status;
    }

    private static string DescribeRequests(IReadOnlyList<ReceivedRequest> requests) =>
        requests.Count == 0
            ? "(none)"
            : string.Join("; ", requests.Select(r => $"POST {r.Path} → {r.StatusCode} ({r.Body.Length} chars)"));
}
