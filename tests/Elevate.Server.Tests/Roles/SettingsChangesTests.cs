using Elevate.Core.Notifications;
using Elevate.Core.Settings;
using Elevate.Server.Portal.Admin.Roles;

namespace Elevate.Server.Tests.Roles;

/// <summary>The summary of changes shown before a save: exactly the rules that differ, in words, old and new.</summary>
public sealed class SettingsChangesTests
{
    private static readonly Guid Dave = Guid.Parse("0190a000-0000-7000-8000-00000000000d");
    private static readonly Guid Erin = Guid.Parse("0190a000-0000-7000-8000-00000000000e");

    private static string NameOf(Guid id) => id == Dave ? "dave" : id == Erin ? "erin" : id.ToString();

    [Fact]
    public void The_same_document_changes_nothing()
    {
        Assert.Empty(SettingsChanges.Describe(RoleSettings.Default, new RoleSettings()));
    }

    [Fact]
    public void Two_changed_rules_are_exactly_two_changes_with_old_and_new_values_in_words()
    {
        var after = RoleSettings.Default with
        {
            Activation = RoleSettings.Default.Activation with { MaxDuration = TimeSpan.FromHours(4) },
            ExtensionWindow = TimeSpan.FromDays(3),
        };

        var changes = SettingsChanges.Describe(RoleSettings.Default, after);

        Assert.Equal(["MaxDuration", "ExtensionWindow"], changes.Select(c => c.Key));
        Assert.Equal(new SettingChange("MaxDuration", "Activation: Longest activation", "8 hours (PT8H)", "4 hours (PT4H)"), changes[0]);
        Assert.Equal("14 days (P14D)", changes[1].Before);
        Assert.Equal("3 days (P3D)", changes[1].After);
    }

    [Fact]
    public void Approvers_compare_as_a_set_and_read_as_names()
    {
        var before = Approval(new ApprovalSettings { Required = true, Approvers = [Dave, Erin] });
        Assert.Empty(SettingsChanges.Describe(before, Approval(new ApprovalSettings { Required = true, Approvers = [Erin, Dave] }), NameOf));

        var change = Assert.Single(SettingsChanges.Describe(before, Approval(new ApprovalSettings { Required = true, Approvers = [Erin] }), NameOf));
        Assert.Equal(("Approvers", "dave, erin", "erin"), (change.Key, change.Before, change.After));
    }

    [Fact]
    public void An_added_stage_is_one_change_and_a_changed_stage_lists_its_fields()
    {
        var none = Approval(new ApprovalSettings { Required = true, Approvers = [Dave] });
        var one = Approval(new ApprovalSettings { Required = true, Approvers = [Dave], Stages = [new ApprovalStage { Approvers = [Erin], Quorum = 1 }] });

        var added = Assert.Single(SettingsChanges.Describe(none, one, NameOf));
        Assert.Equal("Stages[0]", added.Key);
        Assert.Equal("not used", added.Before);
        Assert.StartsWith("approvers: erin; quorum 1; times out after 1 day", added.After);

        var changed = Approval(new ApprovalSettings { Required = true, Approvers = [Dave], Stages = [new ApprovalStage { Approvers = [Erin], Timeout = TimeSpan.FromHours(2), RequireReason = true }] });
        Assert.Equal(["Stages[0].Timeout", "Stages[0].RequireReason"], SettingsChanges.Describe(one, changed, NameOf).Select(c => c.Key));
        Assert.Equal("Stages[0]", Assert.Single(SettingsChanges.Describe(changed, none, NameOf)).Key);
    }

    [Fact]
    public void A_notification_audience_change_names_the_audience()
    {
        var after = RoleSettings.Default with
        {
            Notifications = RoleSettings.Default.Notifications with
            {
                Activated = new ActivationNotifications { Approvers = new AudienceNotifications { Level = NotificationLevel.Critical, AdditionalRecipients = ["soc@example.org"] } },
            },
        };

        var changes = SettingsChanges.Describe(RoleSettings.Default, after);

        Assert.Equal(["Notifications[6].Level", "Notifications[6].AdditionalRecipients"], changes.Select(c => c.Key));
        Assert.Equal(("Every message", "Only critical messages"), (changes[0].Before, changes[0].After));
        Assert.Contains("Activation: approvers", changes[0].Label);
        Assert.Equal(("nobody else", "soc@example.org"), (changes[1].Before, changes[1].After));
    }

    [Fact]
    public void Every_core_field_maps_to_a_form_key_and_back()
    {
        Assert.Equal("MaxDuration", SettingsForm.KeyOf("activation.maxDuration", []));
        Assert.Equal("Approvers", SettingsForm.KeyOf("activation.approval.approvers[3]", []));
        Assert.Equal("Stages[2].Timeout", SettingsForm.KeyOf("activation.approval.stages[1].timeout", [0, 2]));
        Assert.Equal("Stages[0].Approvers", SettingsForm.KeyOf("activation.approval.stages[0].approvers[1]", [0]));
        Assert.Equal("Stages", SettingsForm.KeyOf("activation.approval.stages[4].quorum", [0]));
        Assert.Equal("Notifications[5].AdditionalRecipients", SettingsForm.KeyOf("notifications.activated.requester.additionalRecipients[0]", []));
        Assert.Equal("ExtensionWindow", SettingsForm.KeyOf("extensionWindow", []));
        Assert.Equal("", SettingsForm.KeyOf("If-Match", []));
        Assert.All(SettingsCatalogue.Entries.Where(e => !e.Key.StartsWith("Stages[", StringComparison.Ordinal)), e => Assert.Equal(e.Key, SettingsForm.KeyOf(e.Field, [])));
    }

    private static RoleSettings Approval(ApprovalSettings approval) =>
        RoleSettings.Default with { Activation = RoleSettings.Default.Activation with { Approval = approval } };
}
