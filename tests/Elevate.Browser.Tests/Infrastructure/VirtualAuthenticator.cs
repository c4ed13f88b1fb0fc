using System.Text.Json;
using Microsoft.Playwright;

namespace Elevate.Browser.Tests.Infrastructure;

/// <summary>
/// A platform authenticator (a passkey store that verifies the user) added to one page through the Chrome DevTools
/// Protocol's WebAuthn domain. navigator.credentials.create/get on that page talk to it without any prompt.
/// </summary>
public sealed class VirtualAuthenticator : IAsyncDisposable
{
    private readonly ICDPSession _session;
    private bool _removed;

    private VirtualAuthenticator(ICDPSession session, string id)
    {
        _session = session;
        Id = id;
    }

    /// <summary>The authenticator's id in the DevTools protocol.</summary>
    public string Id { get; }

    /// <summary>
    /// Adds an authenticator to <paramref name="page"/>: CTAP2 over the "internal" transport, with resident keys and
    /// user verification, the user verified and presence given automatically. It lasts while the page does (across
    /// navigations) or until <see cref="RemoveAsync"/>.
    /// </summary>
    /// <param name="hasResidentKey">False for a security key that cannot store discoverable credentials (it then signs
    /// as a second factor only, and its answers carry no user handle).</param>
    public static async Task<VirtualAuthenticator> AttachAsync(IPage page, bool isUserVerified = true, bool hasResidentKey = true)
    {
        var session = await page.Context.NewCDPSessionAsync(page);
        await session.SendAsync("WebAuthn.enable", new Dictionary<string, object> { ["enableUI"] = false });
        var added = await session.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = hasResidentKey,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = isUserVerified,
                ["automaticPresenceSimulation"] = true,
            },
        });
        var id = added?.GetProperty("authenticatorId").GetString()
            ?? throw new InvalidOperationException("WebAuthn.addVirtualAuthenticator returned no authenticator id.");
        return new VirtualAuthenticator(session, id);
    }

    /// <summary>The credentials this authenticator holds (one per registration the page made).</summary>
    public async Task<IReadOnlyList<VirtualCredential>> GetCredentialsAsync()
    {
        var result = await SendAsync("WebAuthn.getCredentials");
        return [.. result.GetProperty("credentials").EnumerateArray().Select(VirtualCredential.From)];
    }

    /// <summary>Whether the next ceremonies report the user as verified (a failed fingerprint when false).</summary>
    public Task SetUserVerifiedAsync(bool verified) => SendAsync("WebAuthn.setUserVerified", new() { ["isUserVerified"] = verified });

    /// <summary>Forgets every credential, as a lost or reset device would.</summary>
    public Task ClearCredentialsAsync() => SendAsync("WebAuthn.clearCredentials");

    /// <summary>Takes the authenticator away from the page, as unplugging a security key would.</summary>
    public async Task RemoveAsync()
    {
        if (_removed)
        {
            return;
        }

        _removed = true;
        await SendAsync("WebAuthn.removeVirtualAuthenticator");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RemoveAsync();
            await _session.DetachAsync();
        }
        catch (PlaywrightException)
        {
            // The page (and with it the session) is already closed: nothing is left to remove.
        }
    }

    private async Task<JsonElement> SendAsync(string method, Dictionary<string, object>? arguments = null)
    {
        arguments ??= [];
        arguments["authenticatorId"] = Id;
        return await _session.SendAsync(method, arguments) ?? default;
    }
}
