namespace Elevate.Core.SignIn;

/// <summary>One failure counter of <see cref="SignInThrottle"/>, kept in the database so every instance sees it.</summary>
public sealed class SignInThrottleEntry
{
    /// <summary>See <see cref="SignInThrottle.PairKey"/>, <see cref="SignInThrottle.AccountKey"/>, <see cref="SignInThrottle.AddressKey"/>.</summary>
    public string Key { get; set; } = "";

    public int Failures { get; set; }

    public DateTimeOffset? LastFailureAt { get; set; }
}
