namespace Elevate.Browser.Tests.Infrastructure;

/// <summary>A user an administrator created through the API, with the setup link they were handed.</summary>
/// <param name="Link">http://localhost:&lt;port&gt;/setup#elvsetup_…: the one-time secret rides in the fragment.</param>
public sealed record InvitedUser(Guid Id, string Name, string Link);
