namespace Elevate.Server.Tests.Infrastructure;

/// <summary>
/// A test class whose every test gets its own Elevate on its own empty database. Each suite derives twice — once
/// per database — so every rule is proven on SQLite and on PostgreSQL.
/// </summary>
public abstract class AppTest(DatabaseKind kind) : IAsyncLifetime
{
    protected DatabaseKind Kind { get; } = kind;

    protected ElevateApp App { get; private set; } = null!;

    protected ApiClient Admin { get; private set; } = null!;

    /// <summary>Whether the scheduler runs; tests that prove answers do not depend on it turn it off.</summary>
    protected virtual bool RunScheduler => true;

    public async Task InitializeAsync() => (App, Admin) = await ElevateApp.StartAsync(Kind, RunScheduler, Configure);

    /// <summary>Configuration a suite adds before its host starts (e.g. a mail server to send to).</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    public virtual async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await App.Database.DisposeAsync();
    }

    protected Task<TestUser> UserAsync(string name) => App.CreateUserAsync(Admin, name);
}
