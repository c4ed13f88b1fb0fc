using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace Elevate.Server.Tests.Infrastructure;

/// <summary>A portal response: its status, its HTML, and where it redirects to.</summary>
public sealed partial record PortalPage(int Status, string Html, HttpResponseMessage Message)
{
    /// <summary>Where a redirect points (as the server wrote it), or null.</summary>
    public string? Location => Message.Headers.Location?.OriginalString;

    /// <summary>The path a redirect leads to (query aside; an absolute address to this server made local), or null.</summary>
    public string? RedirectPath => RedirectPathOf(Message);

    /// <summary>The path a response redirects to (query aside; an absolute address to this server made local), or null.</summary>
    public static string? RedirectPathOf(HttpResponseMessage message) => message.Headers.Location is not { } target
        ? null
        : (target.IsAbsoluteUri ? target.AbsolutePath : target.OriginalString.Split('?', '#')[0]);

    public string? Header(string name) =>
        Message.Headers.TryGetValues(name, out var values) || Message.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : null;

    /// <summary>The Set-Cookie header this response sent for the cookie <paramref name="name"/>, or null.</summary>
    public string? SetCookie(string name) =>
        Message.Headers.TryGetValues("Set-Cookie", out var values) ? values.FirstOrDefault(v => v.StartsWith(name + "=", StringComparison.Ordinal)) : null;

    /// <summary>The antiforgery token in the page's forms, or null when the page has no form.</summary>
    public string? AntiforgeryToken => AntiforgeryInput().Match(Html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups["value"].Value) : null;

    /// <summary>The messages the page shows as errors: validation summaries and error paragraphs.</summary>
    public IReadOnlyList<string> Errors =>
    [
        .. ValidationSummary().Matches(Html).SelectMany(s => ListItem().Matches(s.Groups["items"].Value)).Select(m => Text(m.Groups["text"].Value)),
        .. ErrorParagraph().Matches(Html).Select(m => Text(m.Groups["text"].Value)),
    ];

    /// <summary>The text of the element with this id.</summary>
    public string? TextOf(string id) =>
        new Regex($"""<(?<tag>[a-z0-9]+)\b[^>]*\bid="{Regex.Escape(id)}"[^>]*>(?<text>.*?)</\k<tag>>""", RegexOptions.Singleline).Match(Html) is { Success: true } m
            ? Text(m.Groups["text"].Value)
            : null;

    /// <summary>The HTML inside the section with this id, or null when the page has no such section.</summary>
    public string? Section(string id) =>
        new Regex($"""<section\b[^>]*\bid="{Regex.Escape(id)}"[^>]*>(?<body>.*?)</section>""", RegexOptions.Singleline).Match(Html) is { Success: true } m
            ? m.Groups["body"].Value
            : null;

    /// <summary>The text of the section with this id (tags left out, entities decoded), or null.</summary>
    public string? SectionText(string id) => Section(id) is { } body ? Text(body) : null;

    /// <summary>The text of every <c>code</c> element inside the section with this id.</summary>
    public IReadOnlyList<string> CodesIn(string sectionId) =>
        Section(sectionId) is { } body ? [.. Code().Matches(body).Select(m => Text(m.Groups["text"].Value))] : [];

    /// <summary>The start of the response as text, for failure messages (a problem document or a status page says why).</summary>
    public string Glimpse => Html.Length <= 400 ? Html : Html[..400];

    public PortalPage ShouldBe(int status)
    {
        Assert.True(Status == status, $"Expected HTTP {status}, got {Status} (Location: {Location}); errors: [{string.Join(" | ", Errors)}]; body: {Glimpse}");
        return this;
    }

    /// <summary>Asserts a redirect whose target path (query aside) is <paramref name="path"/>.</summary>
    public PortalPage ShouldRedirectTo(string path)
    {
        Assert.True(Status is 302 or 303, $"Expected a redirect to {path}, got HTTP {Status}; errors: [{string.Join(" | ", Errors)}]; body: {Glimpse}");
        Assert.True(string.Equals(RedirectPath, path, StringComparison.OrdinalIgnoreCase), $"Expected a redirect to {path}, got one to {Location}");
        return this;
    }

    /// <summary>Asserts the page was shown again with an error containing <paramref name="text"/>.</summary>
    public PortalPage ShouldShowError(string text, int status = 200)
    {
        ShouldBe(status);
        Assert.True(Errors.Any(e => e.Contains(text, StringComparison.Ordinal)), $"Expected an error containing '{text}'; errors: [{string.Join(" | ", Errors)}]");
        return this;
    }

    private static string Text(string html) => WebUtility.HtmlDecode(Tag().Replace(html, "")).Trim();

    [GeneratedRegex("""<input\b(?=[^>]*\bname="__RequestVerificationToken")[^>]*\bvalue="(?<value>[^"]*)"[^>]*>""")]
    private static partial Regex AntiforgeryInput();

    [GeneratedRegex("""<div\b[^>]*class="[^"]*validation-summary-errors[^"]*"[^>]*>\s*<ul>(?<items>.*?)</ul>""", RegexOptions.Singleline)]
    private static partial Regex ValidationSummary();

    [GeneratedRegex("""<li>(?<text>.*?)</li>""", RegexOptions.Singleline)]
    private static partial Regex ListItem();

    [GeneratedRegex("""<p\b[^>]*class="error"[^>]*>(?<text>.*?)</p>""", RegexOptions.Singleline)]
    private static partial Regex ErrorParagraph();

    [GeneratedRegex("""<code\b[^>]*>(?<text>.*?)</code>""", RegexOptions.Singleline)]
    private static partial Regex Code();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();
}

/// <summary>
/// A browser for the server-rendered portal: keeps cookies (session, pending sign-in, antiforgery), never follows
/// redirects, and posts forms the way a browser does, with the antiforgery token taken from the page's form.
/// <paramref name="clientAddress"/> makes the requests come from that address (through X-Forwarded-For, which the
/// server trusts from loopback, where the test server's requests come from); <paramref name="https"/> makes them
/// arrive over HTTPS.
/// </summary>
public sealed class PortalClient : IDisposable
{
    public const string SessionCookie = "elevate_session";
    public const string PendingCookie = "elevate_signin";

    private readonly Uri _baseAddress;

    public PortalClient(ElevateApp app, string? clientAddress = null, bool https = false)
    {
        _baseAddress = new Uri(https ? "https://localhost" : "http://localhost");
        Http = app.CreateDefaultClient(_baseAddress, new CookieContainerHandler(Cookies));
        if (clientAddress is not null)
        {
            Http.DefaultRequestHeaders.Add("X-Forwarded-For", clientAddress);
        }
    }

    public CookieContainer Cookies { get; } = new();

    public HttpClient Http { get; }

    /// <summary>A cookie's current value, or null when the browser holds none of that name.</summary>
    public string? Cookie(string name) => Cookies.GetCookies(_baseAddress)[name]?.Value;

    public void SetCookie(string name, string value) => Cookies.Add(_baseAddress, new Cookie(name, value, "/"));

    /// <summary>Sends an Authorization header with every request, as an API client (not a browser) would.</summary>
    public void UseBearer(string token) => Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

    public async Task<PortalPage> GetPageAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request);
    }

    /// <summary>
    /// Posts a form as a browser would: with the antiforgery token of <paramref name="page"/>, or of the page at
    /// <paramref name="path"/> (fetched first). <paramref name="fields"/> is an object whose properties are the form
    /// fields, e.g. <c>new { UserName = "alice", Password = "..." }</c>.
    /// </summary>
    public async Task<PortalPage> PostFormAsync(string path, object? fields = null, PortalPage? page = null)
    {
        page ??= await GetPageAsync(path.Split('?')[0]);
        var token = page.AntiforgeryToken;
        return await PostAsync(path, token is null ? Fields(fields) : [.. Fields(fields), new("__RequestVerificationToken", token)]);
    }

    /// <summary>Posts a form without the antiforgery token, as a page on another site would.</summary>
    public Task<PortalPage> PostWithoutTokenAsync(string path, object? fields = null) => PostAsync(path, Fields(fields));

    /// <summary>Posts a form with exactly these fields (any antiforgery token among them).</summary>
    public async Task<PortalPage> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        return await SendAsync(request);
    }

    public void Dispose() => Http.Dispose();

    private async Task<PortalPage> SendAsync(HttpRequestMessage request)
    {
        var response = await Http.SendAsync(request);
        return new PortalPage((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static List<KeyValuePair<string, string>> Fields(object? fields) =>
        fields is null
            ? []
            : [.. fields.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Select(p => new KeyValuePair<string, string>(p.Name, Convert.ToString(p.GetValue(fields), System.Globalization.CultureInfo.InvariantCulture) ?? ""))];
}
