using System.Net;
using System.Text.RegularExpressions;

namespace Elevate.Bench.Hosting;

/// <summary>A browser for the portal: its own cookies (antiforgery, pending sign-in, session), no redirects followed.</summary>
public sealed class PortalBrowser : IDisposable
{
    private readonly Uri _server;
    private readonly CookieContainer _cookies = new();

    public PortalBrowser(Uri server)
    {
        _server = server;
        Http = new HttpClient(new SocketsHttpHandler { CookieContainer = _cookies, AllowAutoRedirect = false }) { BaseAddress = server };
    }

    public HttpClient Http { get; }

    public string? Cookie(string name) => _cookies.GetCookies(_server)[name]?.Value;

    public async Task<PortalPage> GetAsync(string path, CancellationToken ct)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative), ct);
        return new PortalPage((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct), response.Headers.Location);
    }

    /// <summary>Posts a form of <paramref name="page"/> with its antiforgery token, as the browser would.</summary>
    public async Task<PortalPage> PostAsync(string path, PortalPage page, IEnumerable<(string Name, string Value)> fields, CancellationToken ct)
    {
        var token = page.AntiforgeryToken() ?? throw page.Unexpected($"no form to post to {path}");
        using var content = new FormUrlEncodedContent(fields.Append((Name: "__RequestVerificationToken", Value: token)).Select(f => KeyValuePair.Create(f.Name, f.Value)));
        using var response = await Http.PostAsync(new Uri(path, UriKind.Relative), content, ct);
        return new PortalPage((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct), response.Headers.Location);
    }

    public void Dispose() => Http.Dispose();
}

public sealed partial record PortalPage(int Status, string Html, Uri? Location)
{
    public string? RedirectPath => Location?.OriginalString.Split('?', '#')[0];

    public string? AntiforgeryToken() => AntiforgeryInput().Match(Html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups["value"].Value) : null;

    public string? TextOf(string id) =>
        new Regex($"""<(?<tag>[a-z0-9]+)\b[^>]*\bid="{Regex.Escape(id)}"[^>]*>(?<text>.*?)</\k<tag>>""", RegexOptions.Singleline).Match(Html) is { Success: true } m
            ? WebUtility.HtmlDecode(m.Groups["text"].Value).Trim()
            : null;

    public string? Section(string id) =>
        new Regex($"""<section\b[^>]*\bid="{Regex.Escape(id)}"[^>]*>(?<body>.*?)</section>""", RegexOptions.Singleline).Match(Html) is { Success: true } m
            ? m.Groups["body"].Value
            : null;

    public string Errors() => string.Join(" | ", ErrorText().Matches(Html).Select(m => WebUtility.HtmlDecode(m.Groups["text"].Value).Trim()));

    public void ShouldRedirectTo(string path)
    {
        if (Status is not (302 or 303) || !string.Equals(RedirectPath, path, StringComparison.OrdinalIgnoreCase))
        {
            throw Unexpected($"expected a redirect to {path}");
        }
    }

    public InvalidOperationException Unexpected(string what) =>
        new($"The portal answered {Status} (Location: {Location}) with {what}; errors: [{Errors()}]");

    [GeneratedRegex("""<input\b(?=[^>]*\bname="__RequestVerificationToken")[^>]*\bvalue="(?<value>[^"]*)"[^>]*>""")]
    private static partial Regex AntiforgeryInput();

    [GeneratedRegex("""<(?:li|p\b[^>]*class="error"[^>]*)>(?<text>[^<]*)</""", RegexOptions.Singleline)]
    private static partial Regex ErrorText();
}
