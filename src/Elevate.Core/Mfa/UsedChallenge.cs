namespace Elevate.Core.Mfa;

/// <summary>
/// A WebAuthn challenge that has been answered. Challenges travel to the client sealed (nothing is written when one
/// is issued); this row, written with the answer, is what makes each one single-use. Rows past their expiry are
/// deleted as new ones are added.
/// </summary>
public sealed class UsedChallenge
{
    public Guid Id { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
