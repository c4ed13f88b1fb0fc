using System.Globalization;
using Elevate.Core.Common;
using Elevate.Core.Notifications;
using Elevate.Core.Settings;

namespace Elevate.Server.Portal.Admin.Roles;

/// <summary>
/// One rule of a role's settings as people read it: the form's key, the field the core names in its errors, a label,
/// a one-line explanation, and how its value reads (the same words in the form's "Default:", the summary of changes
/// and the error list, so the three never disagree).
/// </summary>
public sealed record SettingEntry(string Key, string Field, string Group, string Label, string Explanation, Func<RoleSettings, Func<Guid, string>, string> Show)
{
    /// <summary>A document whose every stage is a new stage as the core makes it, for the defaults of the stage rows.</summary>
    private static readonly RoleSettings DefaultStages = new()
    {
        Activation = new ActivationSettings { Approval = new ApprovalSettings { Stages = [.. Enumerable.Range(0, RoleSettingsRules.MaxStages).Select(_ => new ApprovalStage())] } },
    };

    /// <summary>The value Elevate uses when nobody changed it (for a stage's fields: a new stage's).</summary>
    public string Default => Show(Key.StartsWith("Stages[", StringComparison.Ordinal) ? DefaultStages : RoleSettings.Default, id => id.ToString());
}

/// <summary>One audience of the notification matrix: where it sits in the settings and what it is.</summary>
public sealed record AudienceEntry(string Field, string Label, string Explanation, Func<NotificationSettings, AudienceNotifications> Get,
    Func<NotificationSettings, AudienceNotifications, NotificationSettings> With);

/// <summary>Every rule of <see cref="RoleSettings"/>, in the order the form shows them.</summary>
public static class SettingsCatalogue
{
    public const string Activation = "Activation";
    public const string Approval = "Approval";
    public const string Eligible = "Eligible assignments";
    public const string Active = "Active assignments";
    public const string Extensions = "Extensions";
    public const string Notifications = "Notifications";

    /// <summary>The form's stage rows: as many as the core allows.</summary>
    public const int StageRows = RoleSettingsRules.MaxStages;

    public static readonly IReadOnlyList<AudienceEntry> Audiences =
    [
        new("notifications.eligibleAssigned.admins", "Eligible assignment: administrators", "Elevate's administrators hear of eligibilities made, renewed, expiring and removed.",
            n => n.EligibleAssigned.Admins, (n, a) => n with { EligibleAssigned = n.EligibleAssigned with { Admins = a } }),
        new("notifications.eligibleAssigned.assignee", "Eligible assignment: the person assigned", "The user made eligible (each member, for a group).",
            n => n.EligibleAssigned.Assignee, (n, a) => n with { EligibleAssigned = n.EligibleAssigned with { Assignee = a } }),
        new("notifications.activeAssigned.admins", "Active assignment: administrators", "Elevate's administrators hear of active assignments an administrator makes directly.",
            n => n.ActiveAssigned.Admins, (n, a) => n with { ActiveAssigned = n.ActiveAssigned with { Admins = a } }),
        new("notifications.activeAssigned.assignee", "Active assignment: the person assigned", "The user given the active assignment (each member, for a group).",
            n => n.ActiveAssigned.Assignee, (n, a) => n with { ActiveAssigned = n.ActiveAssigned with { Assignee = a } }),
        new("notifications.activated.admins", "Activation: administrators", "Elevate's administrators hear of activations, their approvals, denials, extensions and ends.",
            n => n.Activated.Admins, (n, a) => n with { Activated = n.Activated with { Admins = a } }),
        new("notifications.activated.requester", "Activation: the requester", "The person who activates (or asked to).",
            n => n.Activated.Requester, (n, a) => n with { Activated = n.Activated with { Requester = a } }),
        new("notifications.activated.approvers", "Activation: approvers", "The approvers of the waiting stage (with approve and deny links), and later who decided.",
            n => n.Activated.Approvers, (n, a) => n with { Activated = n.Activated with { Approvers = a } }),
    ];

    public static readonly IReadOnlyList<SettingEntry> Entries = Build();

    private static readonly Dictionary<string, SettingEntry> ByKey = Entries.ToDictionary(e => e.Key, StringComparer.Ordinal);

    private static readonly Dictionary<string, SettingEntry> ByField = Entries.ToDictionary(e => e.Field, StringComparer.Ordinal);

    public static SettingEntry Get(string key) => ByKey[key];

    /// <summary>The entries that mean something for a document: those of the stages it has, not of unused stage rows.</summary>
    public static IEnumerable<SettingEntry> EntriesFor(RoleSettings settings)
    {
        var used = Enumerable.Range(0, settings.Activation.Approval.Stages.Count).Select(i => $"Stages[{i}].").ToList();
        return Entries.Where(e => !e.Key.StartsWith("Stages[", StringComparison.Ordinal) || used.Any(p => e.Key.StartsWith(p, StringComparison.Ordinal)));
    }

    public static SettingEntry? ForField(string field) => ByField.GetValueOrDefault(field);

    /// <summary>The label of a form key, for the list of problems (the key itself when it is not a rule's).</summary>
    public static string LabelOf(string key) => ByKey.TryGetValue(key, out var entry) ? $"{entry.Group}: {entry.Label}" : key switch
    {
        "Stages" => "Approval stages",
        _ => key,
    };

    /// <summary>The form key of a stage row's field (row from 0), e.g. <c>Stages[1].Timeout</c>.</summary>
    public static string StageKey(int index, string field) => $"Stages[{index}].{field}";

    /// <summary>The form key of an audience row's field (index into <see cref="Audiences"/>), e.g. <c>Notifications[0].Level</c>.</summary>
    public static string AudienceKey(int index, string field) => $"Notifications[{index}].{field}";

    /// <summary>"8 hours (PT8H)": words first, then the ISO 8601 value the form takes.</summary>
    public static string Duration(TimeSpan value) => value == TimeSpan.Zero ? "none (PT0S)" : $"{Words(value)} ({IsoDuration.Format(value)})";

    /// <summary>"1 day 12 hours", "30 minutes".</summary>
    public static string Words(TimeSpan value)
    {
        var parts = new List<string>(4);
        void Add(int n, string unit)
        {
            if (n > 0)
            {
                parts.Add(n.ToString(CultureInfo.InvariantCulture) + " " + unit + (n == 1 ? "" : "s"));
            }
        }

        Add(value.Days, "day");
        Add(value.Hours, "hour");
        Add(value.Minutes, "minute");
        Add(value.Seconds, "second");
        return parts.Count == 0 ? "less than a second" : string.Join(' ', parts);
    }

    public static string OnOff(bool value) => value ? "On" : "Off";

    public static string Text(string? value) => value is null ? "none" : $"\u201c{value}\u201d";

    public static string Names(IEnumerable<Guid> ids, Func<Guid, string> nameOf)
    {
        var names = ids.Select(nameOf).Order(StringComparer.OrdinalIgnoreCase).ToList();
        return names.Count == 0 ? "nobody" : string.Join(", ", names);
    }

    public static string Level(NotificationLevel level) => level switch
    {
        NotificationLevel.None => "Nothing",
        NotificationLevel.Critical => "Only critical messages",
        NotificationLevel.All => "Every message",
    };

    /// <summary>The value a level has in the form: its camel-case name.</summary>
    public static string LevelValue(NotificationLevel level) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(level.ToString());

    public static string Emails(IReadOnlyList<string> addresses) => addresses.Count == 0 ? "nobody else" : string.Join(", ", addresses);

    /// <summary>A whole stage in one line, for a stage that is added or removed.</summary>
    public static string Stage(ApprovalStage? stage, Func<Guid, string> nameOf) => stage is null
        ? "not used"
        : $"approvers: {Names(stage.Approvers, nameOf)}{(stage.RequesterManager ? " and the requester's manager" : "")}; quorum {stage.Quorum}; times out after {Words(stage.Timeout)}"
          + (stage.EscalateAfter is { } after ? $"; escalates to {Names(stage.EscalationApprovers, nameOf)} after {Words(after)}" : "; no escalation")
          + (stage.RequireReason ? "; a reason is required" : "");

    /// <summary>The entries of one stage's fields (used for the summary of changes and the error list).</summary>
    public static IReadOnlyList<SettingEntry> StageEntries(int i)
    {
        var n = i + 1;
        var at = $"activation.approval.stages[{i}]";
        ApprovalStage? S(RoleSettings s) => i < s.Activation.Approval.Stages.Count ? s.Activation.Approval.Stages[i] : null;
        return
        [
            new(StageKey(i, "Approvers"), $"{at}.approvers", Approval, $"Stage {n} approvers", "Users or groups who may decide at this stage.",
                (s, names) => S(s) is { } stage ? Names(stage.Approvers, names) : "not used"),
            new(StageKey(i, "RequesterManager"), $"{at}.requesterManager", Approval, $"Stage {n}: the requester's manager decides too", "The manager recorded for the requester may decide as well.",
                (s, _) => S(s) is { } stage ? OnOff(stage.RequesterManager) : "not used"),
            new(StageKey(i, "Quorum"), $"{at}.quorum", Approval, $"Stage {n} quorum", "How many approvals complete the stage; any denial ends the request.",
                (s, _) => S(s) is { } stage ? stage.Quorum.ToString(CultureInfo.InvariantCulture) : "not used"),
            new(StageKey(i, "Timeout"), $"{at}.timeout", Approval, $"Stage {n} timeout", "Without enough approvals by then, the request times out.",
                (s, _) => S(s) is { } stage ? Duration(stage.Timeout) : "not used"),
            new(StageKey(i, "EscalateAfter"), $"{at}.escalateAfter", Approval, $"Stage {n} escalates after", "After this long without the stage complete, the escalation approvers may decide as well. Empty: never.",
                (s, _) => S(s) is { } stage ? stage.EscalateAfter is { } after ? Duration(after) : "never" : "not used"),
            new(StageKey(i, "EscalationApprovers"), $"{at}.escalationApprovers", Approval, $"Stage {n} escalation approvers", "Who may decide once the stage escalates.",
                (s, names) => S(s) is { } stage ? Names(stage.EscalationApprovers, names) : "not used"),
            new(StageKey(i, "RequireReason"), $"{at}.requireReason", Approval, $"Stage {n}: approvers give a reason", "Approvers explain each approval (denials always need a reason).",
                (s, _) => S(s) is { } stage ? OnOff(stage.RequireReason) : "not used"),
        ];
    }

    /// <summary>An audience's entries (index into <see cref="Audiences"/>).</summary>
    public static IReadOnlyList<SettingEntry> AudienceEntries(int i)
    {
        var audience = Audiences[i];
        return
        [
            new(AudienceKey(i, "Level"), $"{audience.Field}.level", Notifications, $"{audience.Label}: what they receive", audience.Explanation,
                (s, _) => Level(audience.Get(s.Notifications).Level)),
            new(AudienceKey(i, "DefaultRecipients"), $"{audience.Field}.defaultRecipients", Notifications, $"{audience.Label}: send to them", "Off: only the additional recipients receive these messages.",
                (s, _) => OnOff(audience.Get(s.Notifications).DefaultRecipients)),
            new(AudienceKey(i, "AdditionalRecipients"), $"{audience.Field}.additionalRecipients", Notifications, $"{audience.Label}: also send to",
                $"E-mail addresses that receive the same messages (never approve or deny links), separated by commas; at most {AudienceNotifications.MaxAdditionalRecipients}.",
                (s, _) => Emails(audience.Get(s.Notifications).AdditionalRecipients)),
        ];
    }

    private static List<SettingEntry> Build()
    {
        var min = IsoDuration.Format(ActivationSettings.MinMaxDuration);
        var max = IsoDuration.Format(ActivationSettings.MaxMaxDuration);
        var shortest = IsoDuration.Format(RoleSettingsRules.ShortestAssignment);
        var longest = IsoDuration.Format(RoleSettingsRules.LongestAssignment);
        List<SettingEntry> entries =
        [
            new("MaxDuration", "activation.maxDuration", Activation, "Longest activation",
                $"How long one activation may last; the requester chooses up to this. Between {min} and {max}.", (s, _) => Duration(s.Activation.MaxDuration)),
            new("RequireJustification", "activation.requireJustification", Activation, "Require a justification",
                "The requester says why they need the role; the reason is kept in the audit trail.", (s, _) => OnOff(s.Activation.RequireJustification)),
            new("JustificationPattern", "activation.justificationPattern", Activation, "Justification pattern",
                "A regular expression the whole justification must match, e.g. to demand a reason code. Empty: any text.", (s, _) => Text(s.Activation.JustificationPattern)),
            new("JustificationHint", "activation.justificationHint", Activation, "Hint for the justification",
                "Shown to the requester next to the justification field. Empty: no hint.", (s, _) => Text(s.Activation.JustificationHint)),
            new("RequireTicket", "activation.requireTicket", Activation, "Require a ticket number",
                "The requester names a ticket (incident, change) the activation is for.", (s, _) => OnOff(s.Activation.RequireTicket)),
            new("TicketPattern", "activation.ticketPattern", Activation, "Ticket number pattern",
                "A regular expression the whole ticket number must match, e.g. INC-[0-9]+. Empty: any number.", (s, _) => Text(s.Activation.TicketPattern)),
            new("RequireMfa", "activation.requireMfa", Activation, "Require a fresh second factor",
                "The requester presents a second factor for this very activation, not one remembered from sign-in.", (s, _) => OnOff(s.Activation.RequireMfa)),
            new("RequirePhishingResistantMfa", "activation.requirePhishingResistantMfa", Activation, "Accept only a passkey or security key",
                "Codes can be phished, keys cannot. Needs \u201cRequire a fresh second factor\u201d on as well.", (s, _) => OnOff(s.Activation.RequirePhishingResistantMfa)),
            new("ApprovalRequired", "activation.approval.required", Approval, "Require approval",
                "Activations and their extensions wait for an approver's decision; a requester never approves their own request.", (s, _) => OnOff(s.Activation.Approval.Required)),
            new("Approvers", "activation.approval.approvers", Approval, "Approvers",
                $"Users or groups who decide, separated by commas (at most {RoleSettingsRules.MaxApprovers}). Used when no stage below is: one stage, any one approver, {Words(ApprovalStage.DefaultTimeout)} to decide.",
                (s, names) => Names(s.Activation.Approval.Approvers, names)),
            new("RequireMfaToApprove", "activation.approval.requireMfaToApprove", Approval, "Approvers present a fresh second factor",
                "Each decision needs a second factor, as each activation does when MFA is required.", (s, _) => OnOff(s.Activation.Approval.RequireMfaToApprove)),
            new("Stages", "activation.approval.stages", Approval, "Approval stages",
                $"Up to {RoleSettingsRules.MaxStages} stages in series; each must approve before the next is asked. None used: one stage of the approvers above.",
                (s, _) => s.Activation.Approval.Stages.Count == 0 ? "none (the approvers above)" : $"{s.Activation.Approval.Stages.Count}"),
        ];
        for (var i = 0; i < StageRows; i++)
        {
            entries.AddRange(StageEntries(i));
        }

        entries.AddRange(
        [
            new("EligibleAllowPermanent", "eligibleAssignments.allowPermanent", Eligible, "Allow permanent eligibility",
                "Off: every eligibility ends, at most the longest eligibility below after it starts.", (s, _) => OnOff(s.EligibleAssignments.AllowPermanent)),
            new("EligibleMaxDuration", "eligibleAssignments.maxDuration", Eligible, "Longest eligibility",
                $"The longest time-bound eligibility an administrator may give. Between {shortest} and {longest}.", (s, _) => Duration(s.EligibleAssignments.MaxDuration)),
            new("ActiveAllowPermanent", "activeAssignments.allowPermanent", Active, "Allow permanent active assignments",
                "Off: every active assignment an administrator makes ends, at most the longest one below after it starts.", (s, _) => OnOff(s.ActiveAssignments.AllowPermanent)),
            new("ActiveMaxDuration", "activeAssignments.maxDuration", Active, "Longest active assignment",
                $"The longest time-bound active assignment an administrator may make. Between {shortest} and {longest}.", (s, _) => Duration(s.ActiveAssignments.MaxDuration)),
            new("ActiveRequireJustification", "activeAssignments.requireJustification", Active, "Require a justification",
                "The administrator says why they assign the role actively.", (s, _) => OnOff(s.ActiveAssignments.RequireJustification)),
            new("ActiveRequireMfa", "activeAssignments.requireMfa", Active, "Require a fresh second factor",
                "The administrator presents a second factor for each active assignment.", (s, _) => OnOff(s.ActiveAssignments.RequireMfa)),
            new("ExtensionWindow", "extensionWindow", Extensions, "Extension window",
                $"How long before an assignment ends its holder may ask to extend it. Between PT0S (never) and {IsoDuration.Format(RoleSettingsRules.LongestExtensionWindow)}.",
                (s, _) => Duration(s.ExtensionWindow)),
        ]);
        for (var i = 0; i < Audiences.Count; i++)
        {
            entries.AddRange(AudienceEntries(i));
        }

        return entries;
    }
}
