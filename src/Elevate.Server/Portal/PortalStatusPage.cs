using System.Net;

namespace Elevate.Server.Portal;

/// <summary>
/// A browser that gets an empty error from a portal address (a form sent without its antiforgery token, a page that
/// does not exist) sees a short page that says what to do. The API and its tools keep getting problem+json.
/// </summary>
public static class PortalStatusPage
{
    private static readonly string[] MachinePaths = ["/api", "/openapi", "/docs", "/healthz"];

    public static bool Wants(HttpContext http) =>
        !MachinePaths.Any(p => http.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase))
        && http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    public static Task WriteAsync(HttpContext http)
    {
        var status = http.Response.StatusCode;
        var (title, advice) = status switch
        {
            400 => ("This form could not be accepted", "It may have expired or been sent from another page. Go back, reload the page and try again."),
            403 => ("Not allowed", "You do not have access to this page."),
            404 => ("There is no page here", "Check the address, or start from the home page."),
            405 => ("Not allowed here", "This address does not take that kind of request."),
            429 => ("Too many attempts", "Wait a little, then try again."),
            _ => ("Something went wrong", "Try again; if it keeps happening, tell your Elevate administrator."),
        };
        http.Response.ContentType = "text/html; charset=utf-8";
        return http.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{WebUtility.HtmlEncode(title)} · Elevate</title><link rel="stylesheet" href="/css/site.css"></head>
            <body><header class="top"><a class="brand" href="/">Elevate</a></header>
            <main id="main"><section class="card narrow"><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(advice)}</p><p><a href="/">Home</a></p></section></main>
            </body>
            </html>
            """, http.RequestAborted);
    }
}
