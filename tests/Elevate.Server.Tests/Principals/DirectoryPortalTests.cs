using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Elevate.Core.Roles;
using Elevate.Server.Tests.Infrastructure;
using Elevate.Server.Tests.SignIn;

namespace Elevate.Server.Tests.Principals;

/// <summary>
/// The directory pages: an administrator finds users a page at a time, creates a user and gets their setup link once,
/// disables one, manages a group's members and a service account's tokens; the sign-in methods page shows a provider
/// without its secret; nobody else may open any of it.
/// </summary>
public abstract partial class DirectoryPortalTests(DatabaseKind kind) : PortalTest(kind)
{
    private const string ClientSecret = "oidc-client-secret-9f3b7c1d";

    protected override void Configure(Dictionary<string, string?> settings)
    {
        const string Provider = "Elevate:Authentication:OpenIdConnect:Providers:0:";
        settings[Provider + "Name"] = "corp";
        settings[Provider + "DisplayName"] = "Corp Login";
        settings[Provider + "Authority"] = "https://login.corp.example.test/tenant-1";
        settings[Provider + "ClientId"] = "elevate-portal-client";
        settings[Provider + "ClientSecret"] = ClientSecret;
        settings[Provider + "Scopes:0"] = "groups";
        settings[Provider + "GroupsClaim"] = "groups";
    }

    [Fact]
    public async Task Searching_by_the_start_of_the_name_pages_through_exactly_the_matches()
    {
        var carol = await AdministratorAsync();
        var names = new[] { "pager-e", "pager-a", "pager-d", "Pager-c", "pager-b" };
        foreach (var name in names)
        {
            await CreateUserAsync(name);
        }

        (await Admin.PostAsync("/api/v1/groups", new { name = "pager-group" })).ShouldBe(201);

        var seen = new List<string>();
        var path = "/admin/users?q=PAGER&kind=user&limit=2";
        var pages = 0;
        while (path is not null)
        {
            var page = (await carol.Browser.GetPageAsync(path)).ShouldBe(200);
            var rows = Rows(page);
            Assert.True(rows.Count <= 2, $"A page of limit 2 showed {rows.Count} rows.");
            seen.AddRange(rows);
            path = Link(page, "next-page");
            if (path is not null)
            {
                Assert.Contains("q=PAGER", path);
                Assert.Contains("kind=user", path);
            }

            Assert.True(++pages <= names.Length, "Paging did not end.");
        }

        Assert.Equal(["pager-a", "pager-b", "Pager-c", "pager-d", "pager-e"], seen);
        Assert.Equal(3, pages);

        var groups = (await carol.Browser.GetPageAsync("/admin/users?q=pager&kind=group")).ShouldBe(200);
        Assert.Equal(["pager-group"], Rows(groups));
        var none = (await carol.Browser.GetPageAsync("/admin/users?q=nobody-here")).ShouldBe(200);
        Assert.Empty(Rows(none));
        Assert.NotNull(none.TextOf("no-principals"));
    }

    [Fact]
    public async Task Creating_a_user_shows_their_setup_link_once_and_the_link_sets_their_password()
    {
        var carol = await AdministratorAsync();
        var form = (await carol.Browser.GetPageAsync("/admin/users")).ShouldBe(200);
        var created = (await carol.Browser.PostFormAsync("/admin/users?handler=Create",
            new { NewKind = "user", Name = "erin", DisplayName = "Erin Example", Email = "erin@example.com", Manager = "carol" }, form)).ShouldBe(200);
        Assert.Empty(created.Errors);
        Assert.Contains("shown once", created.SectionText("created"));
        var link = InputValue(created, "setup-link");
        Assert.NotNull(link);
        Assert.Contains("/setup#", link);

        var erin = (await Admin.GetAsync("/api/v1/users?name=erin")).ShouldBe(200)["items"].EnumerateArray().Single();
        Assert.Equal("erin@example.com", erin.GetProperty("email").GetString());
        Assert.Equal(carol.Id, erin.GetProperty("managerId").GetGuid());
        var erinId = erin.GetProperty("id").GetGuid();

        var secret = link[(link.IndexOf('#', StringComparison.Ordinal) + 1)..];
        var detail = (await carol.Browser.GetPageAsync($"/admin/users/{erinId}")).ShouldBe(200);
        Assert.DoesNotContain(secret, detail.Html);
        Assert.Contains($"/admin/assignments?principal=erin", detail.Html);
        Assert.DoesNotContain(secret, (await carol.Browser.GetPageAsync("/admin/users")).Html);

        (await SetPasswordAsync(Browser(), secret, Password)).ShouldRedirectTo("/account/security");

        // Bad input: the field says why, and nothing is created.
        var bad = (await carol.Browser.PostFormAsync("/admin/users?handler=Create", new { NewKind = "user", Name = "not ok!", Email = "nope" }, form)).ShouldBe(200);
        Assert.NotNull(bad.TextOf("err-Name"));
        Assert.Null(InputValue(bad, "setup-link"));
        Assert.Empty((await Admin.GetAsync("/api/v1/users?name=not")).ShouldBe(200)["items"].EnumerateArray());
        var taken = (await carol.Browser.PostFormAsync("/admin/users?handler=Create", new { NewKind = "user", Name = "ERIN" }, form)).ShouldBe(200);
        Assert.NotNull(taken.TextOf("err-Name"));
        var noManager = (await carol.Browser.PostFormAsync("/admin/users?handler=Create", new { NewKind = "user", Name = "frank", Manager = "ghost" }, form)).ShouldBe(200);
        Assert.NotNull(noManager.TextOf("err-Manager"));
        Assert.Empty((await Admin.GetAsync("/api/v1/users?name=frank")).ShouldBe(200)["items"].EnumerateArray());
    }

    [Fact]
    public async Task Disabling_after_confirmation_disables_the_user_and_a_new_setup_link_is_shown_once()
    {
        var carol = await AdministratorAsync();
        var dave = await CreateUserAsync("dave");
        var detail = (await carol.Browser.GetPageAsync($"/admin/users/{dave}")).ShouldBe(200);
        Assert.Matches("<form[^>]*data-confirm=\"Disable dave\\?", detail.Html);
        Assert.Equal("enabled", detail.TextOf("principal-state"));

        (await carol.Browser.PostFormAsync($"/admin/users/{dave}?handler=Disable", null, detail)).ShouldRedirectTo($"/admin/users/{dave}");
        Assert.False((await Admin.GetAsync($"/api/v1/principals/{dave}")).ShouldBe(200)["enabled"].GetBoolean());
        var disabled = (await carol.Browser.GetPageAsync($"/admin/users/{dave}")).ShouldBe(200);
        Assert.StartsWith("disabled", disabled.TextOf("principal-state"));

        (await carol.Browser.PostFormAsync($"/admin/users/{dave}?handler=Enable", null, disabled)).ShouldRedirectTo($"/admin/users/{dave}");
        Assert.True((await Admin.GetAsync($"/api/v1/principals/{dave}")).ShouldBe(200)["enabled"].GetBoolean());

        // An edit with a bad e-mail address is refused next to the field and changes nothing.
        var edited = (await carol.Browser.PostFormAsync($"/admin/users/{dave}?handler=Save", new { DisplayName = "Dave D", Email = "not-an-address" }, disabled)).ShouldBe(200);
        Assert.NotNull(edited.TextOf("err-Email"));
        Assert.Equal("dave", (await Admin.GetAsync($"/api/v1/principals/{dave}")).ShouldBe(200)["displayName"].GetString());
        (await carol.Browser.PostFormAsync($"/admin/users/{dave}?handler=Save", new { DisplayName = "Dave D", Email = "dave.d@example.com" }, disabled))
            .ShouldRedirectTo($"/admin/users/{dave}");
        var saved = (await Admin.GetAsync($"/api/v1/principals/{dave}")).ShouldBe(200);
        Assert.Equal("Dave D", saved["displayName"].GetString());
        Assert.Equal("dave.d@example.com", saved["email"].GetString());

        var issued = (await carol.Browser.PostFormAsync($"/admin/users/{dave}?handler=SetupSecret", null, disabled)).ShouldBe(200);
        var link = InputValue(issued, "setup-link");
        Assert.NotNull(link);
        Assert.Contains("shown once", issued.SectionText("setup-link-section"));
        Assert.DoesNotContain(link, (await carol.Browser.GetPageAsync($"/admin/users/{dave}")).Html);
        (await SetPasswordAsync(Browser(), link[(link.IndexOf('#', StringComparison.Ordinal) + 1)..], Password)).ShouldRedirectTo("/account/security");
    }

    [Fact]
    public async Task A_group_gets_a_member_by_name_and_loses_them_after_confirmation()
    {
        var carol = await AdministratorAsync();
        var alice = await CreateUserAsync("alice");
        var form = (await carol.Browser.GetPageAsync("/admin/users")).ShouldBe(200);
        var created = (await carol.Browser.PostFormAsync("/admin/users?handler=Create", new { NewKind = "group", Name = "dbas", DisplayName = "Database admins" }, form)).ShouldBe(200);
        Assert.Null(InputValue(created, "setup-link"));
        var group = (await Admin.GetAsync("/api/v1/groups?name=dbas")).ShouldBe(200)["items"].EnumerateArray().Single().GetProperty("id").GetGuid();

        var page = (await carol.Browser.GetPageAsync($"/admin/users/{group}")).ShouldBe(200);
        Assert.NotNull(page.TextOf("no-members"));
        (await carol.Browser.PostFormAsync($"/admin/users/{group}?handler=AddMember", new { MemberName = "ALICE" }, page)).ShouldRedirectTo($"/admin/users/{group}");
        Assert.Equal([alice], await MembersAsync(group));

        var unknown = (await carol.Browser.PostFormAsync($"/admin/users/{group}?handler=AddMember", new { MemberName = "nobody" }, page)).ShouldBe(200);
        Assert.NotNull(unknown.TextOf("err-MemberName"));
        var again = (await carol.Browser.PostFormAsync($"/admin/users/{group}?handler=AddMember", new { MemberName = "alice" }, page)).ShouldBe(200);
        Assert.NotNull(again.TextOf("err-MemberName"));
        Assert.Equal([alice], await MembersAsync(group));

        var withAlice = (await carol.Browser.GetPageAsync($"/admin/users/{group}")).ShouldBe(200);
        Assert.Contains("data-member=\"alice\"", withAlice.Html);
        Assert.Matches("<form[^>]*data-confirm=\"Remove alice from dbas\\?", withAlice.Html);
        var aliceGroups = (await carol.Browser.GetPageAsync($"/admin/users/{alice}")).ShouldBe(200);
        Assert.Contains("data-group=\"dbas\"", aliceGroups.Html);

        (await carol.Browser.PostFormAsync($"/admin/users/{group}?handler=RemoveMember", new { MemberId = alice }, withAlice)).ShouldRedirectTo($"/admin/users/{group}");
        Assert.Empty(await MembersAsync(group));
    }

    [Fact]
    public async Task A_service_account_token_is_shown_once_works_and_can_be_revoked()
    {
        var carol = await AdministratorAsync();
        var form = (await carol.Browser.GetPageAsync("/admin/users")).ShouldBe(200);
        (await carol.Browser.PostFormAsync("/admin/users?handler=Create", new { NewKind = "service-account", Name = "deployer" }, form)).ShouldBe(200);
        var account = (await Admin.GetAsync("/api/v1/service-accounts?name=deployer")).ShouldBe(200)["items"].EnumerateArray().Single().GetProperty("id").GetGuid();

        var page = (await carol.Browser.GetPageAsync($"/admin/users/{account}")).ShouldBe(200);
        Assert.NotNull(page.TextOf("no-tokens"));
        var created = (await carol.Browser.PostFormAsync($"/admin/users/{account}?handler=CreateToken", new { TokenName = "ci", LifetimeDays = 30 }, page)).ShouldBe(200);
        var secret = created.TextOf("token-secret");
        Assert.False(string.IsNullOrEmpty(secret));
        (await App.Client(secret).GetAsync($"/api/v1/principals/{account}")).ShouldBe(200);

        var later = (await carol.Browser.GetPageAsync($"/admin/users/{account}")).ShouldBe(200);
        Assert.DoesNotContain(secret, later.Html);
        var tokens = (await Admin.GetAsync($"/api/v1/principals/{account}/tokens")).ShouldBe(200)["items"].EnumerateArray().ToList();
        var token = Assert.Single(tokens);
        Assert.Equal("ci", token.GetProperty("name").GetString());

        (await carol.Browser.PostFormAsync($"/admin/users/{account}?handler=Revoke", new { TokenId = token.GetProperty("id").GetGuid() }, later))
            .ShouldRedirectTo($"/admin/users/{account}");
        (await App.Client(secret).GetAsync($"/api/v1/principals/{account}")).ShouldBe(401);

        var noName = (await carol.Browser.PostFormAsync($"/admin/users/{account}?handler=CreateToken", new { TokenName = "", LifetimeDays = 30 }, later)).ShouldBe(200);
        Assert.Null(noName.TextOf("token-secret"));
        Assert.NotEmpty(noName.Errors);
    }

    [Fact]
    public async Task The_sign_in_page_lists_the_provider_without_its_client_secret()
    {
        var carol = await AdministratorAsync();
        var page = (await carol.Browser.GetPageAsync("/admin/sign-in")).ShouldBe(200);
        var providers = page.SectionText("providers")!;
        Assert.Contains("Corp Login", providers);
        Assert.Contains("https://login.corp.example.test/tenant-1", providers);
        Assert.Contains("elevate-portal-client", providers);
        Assert.Contains("openid profile email groups", providers);
        Assert.Contains("href=\"/signin/sso/corp\"", page.Html);
        Assert.DoesNotContain(ClientSecret, page.Html);
        Assert.Equal("on", page.TextOf("local-accounts"));
        Assert.NotNull(page.TextOf("configured-in-file"));
    }

    [Fact]
    public async Task Someone_without_a_directory_role_is_refused_every_page_and_change()
    {
        await AdministratorAsync();
        var bob = await UserWithTotpAsync("bob");
        var group = (await Admin.PostAsync("/api/v1/groups", new { name = "ops" })).ShouldBe(201).Id;
        foreach (var path in new[] { "/admin/users", "/admin/users?kind=group", $"/admin/users/{bob.Id}", $"/admin/users/{group}", "/admin/notifications", "/admin/sign-in" })
        {
            (await bob.Browser.GetPageAsync(path)).ShouldBe(403);
        }

        var home = (await bob.Browser.GetPageAsync("/")).ShouldBe(200);
        (await bob.Browser.PostFormAsync("/admin/users?handler=Create", new { NewKind = "user", Name = "mallory" }, home)).ShouldBe(403);
        (await bob.Browser.PostFormAsync($"/admin/users/{group}?handler=AddMember", new { MemberName = "bob" }, home)).ShouldBe(403);
        (await bob.Browser.PostFormAsync($"/admin/users/{bob.Id}?handler=SetupSecret", null, home)).ShouldBe(403);
        (await bob.Browser.PostFormAsync("/admin/notifications?handler=Test", new { Channel = "email" }, home)).ShouldBe(403);
        Assert.Empty((await Admin.GetAsync("/api/v1/users?name=mallory")).ShouldBe(200)["items"].EnumerateArray());
        Assert.Empty(await MembersAsync(group));
    }

    /// <summary>carol, signed in to the portal with a permanent active Elevate Administrator assignment.</summary>
    private async Task<PortalUser> AdministratorAsync()
    {
        var carol = await UserWithTotpAsync("carol");
        (await Admin.AssignAsync("active", carol.Id, BuiltInRoles.IdOf(BuiltInRole.ElevateAdministrator), "/", Scenario.Permanent)).ShouldBe(201);
        return carol;
    }

    private async Task<List<Guid>> MembersAsync(Guid group) =>
        [.. (await Admin.GetAsync($"/api/v1/groups/{group}/members")).ShouldBe(200)["items"].EnumerateArray().Select(m => m.GetProperty("id").GetGuid())];

    private static List<string> Rows(PortalPage page) => [.. RowPattern().Matches(page.Html).Select(m => WebUtility.HtmlDecode(m.Groups["name"].Value))];

    private static string? Link(PortalPage page, string id) =>
        new Regex($"<a href=\"(?<href>[^\"]*)\" id=\"{id}\"").Match(page.Html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups["href"].Value) : null;

    private static string? InputValue(PortalPage page, string id) =>
        new Regex($"<input id=\"{id}\"[^>]*value=\"(?<value>[^\"]*)\"").Match(page.Html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups["value"].Value) : null;

    [GeneratedRegex("<tr data-principal=\"(?<name>[^\"]*)\"")]
    private static partial Regex RowPattern();
}

public sealed class DirectoryPortalTestsOnSqlite() : DirectoryPortalTests(DatabaseKind.Sqlite);

public sealed class DirectoryPortalTestsOnPostgres() : DirectoryPortalTests(DatabaseKind.Postgres);
