namespace Elevate.Core.SignIn;

/// <summary>The outcome of checking a password against its stored hash.</summary>
public enum PasswordCheck
{
    /// <summary>The password does not match, or the stored hash cannot be read.</summary>
    Invalid,

    /// <summary>The password matches.</summary>
    Valid,

    /// <summary>The password matches, but the stored hash is cheaper than the current parameters: store a new one.</summary>
    ValidButNeedsRehash,
}
