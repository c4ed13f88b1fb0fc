using Elevate.Core.Mfa;
using Elevate.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Elevate.Server.Auth;

/// <summary>
/// The WebAuthn relying party: the configured public URL when there is one (production, behind a proxy), else the
/// address this request came to (a developer's machine). Passkeys are bound to the host name, so keep it stable.
/// </summary>
public sealed class RelyingPartySource(IHttpContextAccessor http, IOptions<ElevateOptions> options) : IWebAuthnRelyingPartySource
{
    public WebAuthnRelyingParty Current
    {
        get
        {
            if (options.Value.PublicUrl is { Length: > 0 } configured)
            {
                var uri = new Uri(configured);
                return new WebAuthnRelyingParty(uri.Host, uri.GetLeftPart(UriPartial.Authority));
            }

            var request = http.HttpContext?.Request ?? throw new InvalidOperationException("WebAuthn needs a request or Elevate:PublicUrl.");
            return new WebAuthnRelyingParty(request.Host.Host, $"{request.Scheme}://{request.Host}");
        }
    }
}
