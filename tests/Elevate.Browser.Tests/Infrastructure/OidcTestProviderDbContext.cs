using Microsoft.EntityFrameworkCore;

namespace Elevate.Browser.Tests.Infrastructure;

/// <summary>The <see cref="OidcTestProvider"/>'s store: OpenIddict's applications, authorizations, scopes and tokens.</summary>
public sealed class OidcTestProviderDbContext(DbContextOptions<OidcTestProviderDbContext> options) : DbContext(options);
