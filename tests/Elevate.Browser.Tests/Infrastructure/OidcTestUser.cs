namespace Elevate.Browser.Tests.Infrastructure;

/// <summary>A person who can sign in at the <see cref="OidcTestProvider"/>, with the claims it issues for them.</summary>
public sealed record OidcTestUser(string Subject, string UserName, string Password, string Email, string Name, string[] Groups);
