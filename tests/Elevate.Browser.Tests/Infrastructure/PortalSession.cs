using System.Globalization;
using System.Text.RegularExpressions;
using Elevate.Core.Mfa;
using Elevate.Server.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Elevate.Browser.Tests.Infrastructure;

/// <summary>
/// One person in the portal, in their own browser context: the steps tests repeat, done through the page the way a
/// person does them (fields by their ids, buttons by their labels). Their authenticator app is the TOTP secret the
/// security page showed them, read against Elevate's fake clock.
/// </summary>
public sealed partial class PortalSession : IAsyncDisposable
{
    private readonly LiveElevate _elevate;
    private readonly IBrowserContext? _ownContext;

    public PortalSession(LiveElevate elevate, IPage page)
        : this(elevate, page, null)
    {
    }

    private PortalSession(LiveElevate elevate, IPage page, IBrowserContext? ownContext)
    {
        _elevate = elevate;
        Page = page;
        _ownContext = ownContext;

        // Deactivating a role and removing a factor ask window.confirm first; the person agrees. (Playwright dismisses
        // a dialog that no handler accepts, which would cancel the form.)
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
    }

    public IPage Page { get; }

    /// <summary>The authenticator app's secret once <see cref="EnrolTotpAsync"/> has set it up.</summary>
    public string? TotpSecret { get; private set; }

    /// <summary>
    /// A person with a browser of their own: a new context (cookies apart from everyone else's) with one page. The
    /// session closes the context when disposed.
    /// </summary>
    public static async Task<PortalSession> OpenAsync(BrowserFixture browser, LiveElevate elevate, BrowserNewContextOptions? options = null)
    {
        var (context, page) = await browser.NewPageAsync(options);
        return new PortalSession(elevate, page, context);
    }

    /// <summary>
    /// The first administrator in a browser of their own: a password set with the setup secret (which an API token
    /// must not have used) and an authenticator app enrolled. Ends signed in, on the security page.
    /// </summary>
    public static async Task<PortalSession> AdministratorAsync(BrowserFixture browser, LiveElevate elevate, BrowserNewContextOptions? options = null)
    {
        var admin = await OpenAsync(browser, elevate, options);
        await admin.SetUpWithSecretAsync(elevate.SetupSecret.Value ?? throw new InvalidOperationException("No setup secret was issued."));
        await admin.EnrolTotpAsync();
        return admin;
    }

    /// <summary>
    /// An invited user in a browser of their own (a second person next to the administrator): the setup link opened,
    /// a password chosen and an authenticator app enrolled. Ends signed in, on the security page.
    /// </summary>
    public static async Task<PortalSession> InvitedAsync(BrowserFixture browser, LiveElevate elevate, InvitedUser user, BrowserNewContextOptions? options = null)
    {
        var session = await OpenAsync(browser, elevate, options);
        await session.SetUpWithTotpAsync(user.Link);
        return session;
    }

    /// <summary>
    /// The same person signed in once more in another browser (a phone next to the laptop, say): password and the
    /// next code of the same authenticator app. The new session shares the app, not the cookies.
    /// </summary>
    public async Task<PortalSession> SignInElsewhereAsync(BrowserFixture browser, string userName, BrowserNewContextOptions? options = null)
    {
        var other = await OpenAsync(browser, _elevate, options);
        other.TotpSecret = TotpSecret ?? throw new InvalidOperationException("No authenticator app is set up.");
        await other.SignInWithCodeAsync(userName);
        return other;
    }

    /// <summary>An API client acting as this person, with a personal access token made on the tokens page.</summary>
    public async Task<ApiClient> ApiAsync(string tokenName = "browser-tests") =>
        _elevate.Api(await CreateTokenAsync(tokenName));

    public async Task GotoAsync(string path) => await Page.GotoAsync(_elevate.Url(path));

    /// <summary>At /setup with a secret typed in (the first administrator's), then <see cref="ChoosePasswordAsync"/>.</summary>
    public async Task SetUpWithSecretAsync(string secret, string password = PortalScenario.Password)
    {
        await GotoAsync("/setup");
        await Page.FillAsync("#secret", secret);
        await ChoosePasswordAsync(password);
    }

    /// <summary>Opens the link an administrator handed out (portal.js takes the secret from its fragment), then
    /// <see cref="ChoosePasswordAsync"/>.</summary>
    public async Task SetUpFromLinkAsync(string link, string password = PortalScenario.Password)
    {
        await Page.GotoAsync(link);
        await Assertions.Expect(Page.Locator("#secret")).Not.ToHaveValueAsync("");
        await ChoosePasswordAsync(password);
    }

    /// <summary>Fills both password fields of /setup and submits: a user without a factor lands on the security page,
    /// told to enrol one.</summary>
    public async Task ChoosePasswordAsync(string password = PortalScenario.Password)
    {
        await Page.FillAsync("#new-password", password);
        await Page.FillAsync("#confirm-password", password);
        await Page.ClickAsync("#set-password");
        await Assertions.Expect(Page).ToHaveURLAsync(_elevate.Url("/account/security?enrol=required"));
    }

    /// <summary>Sets up an authenticator app from the security page; returns the recovery codes shown once.</summary>
    public async Task<IReadOnlyList<string>> EnrolTotpAsync()
    {
        await StartTotpAsync();
        return await ConfirmTotpAsync();
    }

    /// <summary>Presses "Set up an authenticator app" and reads the secret the page shows next to the QR code.</summary>
    public async Task StartTotpAsync()
    {
        await Page.ClickAsync("#start-totp");
        TotpSecret = await Page.Locator("#totp-secret").TextContentAsync();
    }

    /// <summary>Types the app's code to confirm it; returns the recovery codes shown once.</summary>
    public async Task<IReadOnlyList<string>> ConfirmTotpAsync()
    {
        await Page.FillAsync("#totp-code", NextCode());
        await Page.ClickAsync("#confirm-totp");
        var codes = Page.Locator("#recovery-codes code");
        await Assertions.Expect(codes).ToHaveCountAsync(10);
        return await codes.AllTextContentsAsync();
    }

    /// <summary>Opens the setup link, chooses a password and enrols an authenticator app: signed in, with a factor.</summary>
    public async Task SetUpWithTotpAsync(string link)
    {
        await SetUpFromLinkAsync(link);
        await EnrolTotpAsync();
    }

    /// <summary>
    /// The code the app shows in the next 30-second step. Elevate accepts each code (and every one before it) once,
    /// so the clock moves on before every code, as a person waits for the app's next one.
    /// </summary>
    public string NextCode()
    {
        _elevate.Time.Advance(Totp.Period);
        return CodeNow();
    }

    /// <summary>The code the app shows at this moment (Elevate's clock), without waiting for a new one.</summary>
    public string CodeNow() => Totp.Code(Secret(), Totp.StepAt(_elevate.Time.GetUtcNow()));

    /// <summary>Six digits the app shows in none of the steps Elevate accepts at this moment.</summary>
    public string WrongCode()
    {
        var step = Totp.StepAt(_elevate.Time.GetUtcNow());
        var accepted = Enumerable.Range(-1, 3).Select(offset => Totp.Code(Secret(), step + offset)).ToHashSet(StringComparer.Ordinal);
        var code = int.Parse(CodeNow(), CultureInfo.InvariantCulture);
        while (accepted.Contains(Format(code)))
        {
            code = (code + 1) % 1_000_000;
        }

        return Format(code);

        static string Format(int code) => code.ToString("D6", CultureInfo.InvariantCulture);
    }

    /// <summary>Types user name and password at /signin and submits.</summary>
    public async Task EnterPasswordAsync(string userName, string password = PortalScenario.Password)
    {
        await GotoAsync("/signin");
        await Page.FillAsync("#username", userName);
        await Page.FillAsync("#password", password);
        await Page.ClickAsync("#signin");
    }

    /// <summary>Password, then the authenticator app's next code on the factor page: ends on the home page.</summary>
    public async Task SignInWithCodeAsync(string userName, string password = PortalScenario.Password)
    {
        await EnterPasswordAsync(userName, password);
        await Assertions.Expect(Page).ToHaveURLAsync(_elevate.Url("/signin/factor"));
        await Page.FillAsync("#code", NextCode());
        await Page.ClickAsync("#verify");
        await ExpectHomePageAsync();
    }

    /// <summary>Signed in: the home page greets the person.</summary>
    public async Task ExpectHomePageAsync()
    {
        await Assertions.Expect(Page).ToHaveURLAsync(_elevate.Url("/"));
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync(Greeting());
    }

    /// <summary>The header's "Sign out" button; ends on /signin.</summary>
    public async Task SignOutAsync()
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(_elevate.Url("/signin"));
    }

    /// <summary>Adds a passkey on the security page (the page's authenticator answers); it is then listed.</summary>
    public async Task RegisterPasskeyAsync(string name)
    {
        await GotoAsync("/account/security");
        await Page.FillAsync("#passkey-name", name);
        await Page.ClickAsync("#register-passkey");
        await Assertions.Expect(Page.Locator("#passkeys tbody tr").Filter(new() { HasText = name })).ToHaveCountAsync(1);
    }

    /// <summary>Creates a personal access token on the tokens page and returns its secret, shown once.</summary>
    public async Task<string> CreateTokenAsync(string name)
    {
        await GotoAsync("/account/tokens");
        await Page.FillAsync("#token-name", name);
        await Page.ClickAsync("#create-token");
        var secret = Page.Locator("#token-secret");
        await Assertions.Expect(secret).ToHaveTextAsync(TokenSecret());
        return (await secret.TextContentAsync())!;
    }

    /// <summary>The card of one eligibility on My roles, with its activation form.</summary>
    public ILocator Eligibility(string role) => Page.Locator($"article[data-role=\"{role}\"]");

    /// <summary>The row of an active role in My roles' "Active now" table.</summary>
    public ILocator ActiveRole(string role) => Page.Locator($"#active tr[data-role=\"{role}\"]");

    /// <summary>
    /// Opens My roles, fills the role's activation form (a code only if given) and presses its "Activate" button.
    /// Starting from a freshly loaded page means an error or notice seen afterwards is this attempt's.
    /// </summary>
    public async Task ActivateAsync(string role, string justification, string? code = null)
    {
        await GotoAsync("/roles");
        var card = Eligibility(role);
        await card.Locator("textarea[name=Justification]").FillAsync(justification);
        if (code is not null)
        {
            await card.Locator("input[name=Code]").FillAsync(code);
        }

        await card.GetByRole(AriaRole.Button, new() { Name = "Activate", Exact = true }).ClickAsync();
    }

    /// <summary>Expects My roles to report the activation done and list the role as active.</summary>
    public async Task ExpectActiveAsync(string role)
    {
        await Assertions.Expect(Page).ToHaveURLAsync(_elevate.Url("/roles"));
        await Assertions.Expect(Page.Locator("p.notice")).ToContainTextAsync("Active until");
        await Assertions.Expect(ActiveRole(role)).ToHaveCountAsync(1);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownContext is not null)
        {
            await _ownContext.DisposeAsync();
        }
    }

    private byte[] Secret() =>
        Base32.Decode(TotpSecret ?? throw new InvalidOperationException("No authenticator app is set up."))
        ?? throw new InvalidOperationException($"The security page showed a secret that is not base32: {TotpSecret}");

    [GeneratedRegex("^Hello, .+")]
    private static partial Regex Greeting();

    [GeneratedRegex("^elv_")]
    private static partial Regex TokenSecret();
}
