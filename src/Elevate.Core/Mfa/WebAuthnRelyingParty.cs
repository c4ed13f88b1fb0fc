namespace Elevate.Core.Mfa;

/// <summary>Who the browser believes it is talking to: the relying-party id (host name) and the exact origin.</summary>
public sealed record WebAuthnRelyingParty(string Id, string Origin, string Name = "Elevate");

/// <summary>The host says which relying party the current call is for (configured public URL, else the request's own).</summary>
public interface IWebAuthnRelyingPartySource
{
    WebAuthnRelyingParty Current { get; }
}
