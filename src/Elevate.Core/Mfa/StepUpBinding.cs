using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Elevate.Core.Common.Json;
using Elevate.Core.Requests;

namespace Elevate.Core.Mfa;

/// <summary>
/// What a step-up proof is bound to: the requester and every field of the request that decides what is granted
/// (action, role, scope, principal, schedule, justification, ticket, target). A passkey answer given for one request
/// is refused for any other, so approving "2 hours of Reader" can never be replayed as "8 hours of Owner".
/// </summary>
public static class StepUpBinding
{
    public static byte[] Of(SubmitRequest input, Guid requesterId)
    {
        var content = input with { Mfa = null, ValidateOnly = false };
        var json = JsonSerializer.Serialize(new { requesterId, request = content }, ElevateJson.Options);
        return SHA256.HashData(Encoding.UTF8.GetBytes(json));
    }

    /// <summary>The challenge a passkey signs: a fresh nonce, then a hash of the nonce and the binding.</summary>
    public static byte[] Challenge(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> binding)
    {
        var mixed = new byte[nonce.Length + binding.Length];
        nonce.CopyTo(mixed);
        binding.CopyTo(mixed.AsSpan(nonce.Length));
        return [.. nonce, .. SHA256.HashData(mixed)];
    }
}
