using Elevate.Core.Access;
using Elevate.Core.Approvals;
using Elevate.Core.Assignments;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Persistence;
using Elevate.Core.Principals;
using Elevate.Core.Requests;
using Elevate.Core.Roles;
using Microsoft.EntityFrameworkCore;

namespace Elevate.Core.Notifications;

/// <summary>
/// Turns what a change set did into messages, inside that change set: the transactional outbox. It reads the change
/// set's audit records and the requests and assignments it touched, so every path that changes something (API,
/// portal, cascades, the scheduler) notifies the same way, and a message exists exactly when its change committed.
/// Who receives what follows the role's notification matrix, then each person's own preference.
/// </summary>
public sealed class NotificationPlanner(NotificationOptions options, AccessIndex index) : IChangeSetHook
{
    public const int RecentActivationsShown = 5;

    /// <summary>Elevate's administrators: the roles that manage assignments (Elevate and Privileged Role Administrator).</summary>
    private static readonly Guid[] AdministratorRoles = BuiltInRoles.Granting(Permission.ManageAssignments);

    /// <summary>Who may read alerts (those two and Auditor).</summary>
    private static readonly Guid[] AlertReaderRoles = BuiltInRoles.Granting(Permission.ReadAudit);

    public async Task BeforeCommitAsync(ChangeSet cs, CancellationToken ct)
    {
        Reschedule(cs);
        if (!options.EmailEnabled && options.Routes.Count == 0)
        {
            return;
        }

        // Requests first: an approval that grants is told to the requester as "approved", which the grant's own
        // "activated" message then need not repeat.
        var plan = new Plan(cs, options, index);
        await plan.PreloadAsync(ct);
        foreach (var entry in cs.Db.ChangeTracker.Entries<AssignmentRequest>().Where(e => e.State is EntityState.Added or EntityState.Modified).ToList())
        {
            await plan.FromRequestAsync(entry.Entity, entry.State == EntityState.Added, entry.Property(r => r.Status).OriginalValue,
                entry.Property(r => r.ApprovalStage).OriginalValue, entry.Property(r => r.StageStartedAt).OriginalValue, ct);
        }

        foreach (var record in cs.Records.ToList())
        {
            await plan.FromRecordAsync(record, ct);
        }

        await plan.ReviewStagesReachedAsync(ct);

        await plan.WriteAsync(ct);
    }

    /// <summary>Tells administrators that a message could not be delivered (never about a failure report itself).</summary>
    public async Task DeliveryFailedAsync(ChangeSet cs, OutboxMessage failed, CancellationToken ct)
    {
        if (failed.Event == NotificationEvent.DeliveryFailed)
        {
            return;
        }

        var plan = new Plan(cs, options, index);
        await plan.DeliveryFailedAsync(failed, ct);
        await plan.WriteAsync(ct);
    }

    /// <summary>Keeps the time-driven notices of every touched assignment and request in step with its new state.</summary>
    private void Reschedule(ChangeSet cs)
    {
        // With nowhere to send a message, there is nothing to schedule: no notice wakes the scheduler or fills the trail.
        var enabled = options.EmailEnabled || options.Routes.Count > 0;
        foreach (var entry in cs.Db.ChangeTracker.Entries<Assignment>())
        {
            var moved = entry.State == EntityState.Added
                || (entry.State == EntityState.Modified && (entry.Property(a => a.EndsAt).IsModified || entry.Property(a => a.StartsAt).IsModified || entry.Property(a => a.Status).IsModified));
            if (moved && !entry.Property(a => a.NoticeAt).IsModified)
            {
                entry.Entity.NoticeAt = enabled ? NoticeSchedule.NextEndingNotice(entry.Entity, cs.Now, options) : null;
            }
        }

        foreach (var entry in cs.Db.ChangeTracker.Entries<AssignmentRequest>())
        {
            var moved = entry.State == EntityState.Added
                || (entry.State == EntityState.Modified && (entry.Property(r => r.Status).IsModified || entry.Property(r => r.ApprovalStage).IsModified));
            if (moved && !entry.Property(r => r.NoticeAt).IsModified)
            {
                entry.Entity.NoticeAt = enabled ? NoticeSchedule.Escalation(entry.Entity, cs.Now) : null;
            }
        }
    }

    /// <summary>A person who may receive a message: their address, and their preference.</summary>
    private sealed record Person(Guid Id, string Name, string? Email, bool Enabled, PrincipalKind Kind);

    /// <summary>One event, before it is fanned out to audiences and channels.</summary>
    private sealed record Notice(NotificationEvent Event, bool Critical, MessageFacts Facts);

    private sealed class Plan(ChangeSet cs, NotificationOptions options, AccessIndex index)
    {
        private readonly List<OutboxMessage> _messages = [];
        private readonly HashSet<(NotificationEvent, Guid?, Guid?, string)> _sent = [];
        private readonly Dictionary<(Guid, string), NotificationSettings> _settings = [];
        private readonly Dictionary<Guid, Person?> _people = [];
        private readonly Dictionary<Guid, NotificationPreference?> _preferences = [];
        private readonly HashSet<Guid> _approvedHere = [];
        private readonly Dictionary<Guid, string?> _roles = [];
        private readonly Dictionary<Guid, List<Person>> _members = [];
        private readonly Dictionary<(Guid[] Roles, bool RootOnly), IReadOnlyList<Person>> _holders = [];

        private ElevateDbContext Db => cs.Db;

        /// <summary>
        /// Loads what the change set's records name in a few queries rather than one per record: a scheduler batch
        /// reports hundreds of ends at once, and this runs inside the write lock.
        /// </summary>
        public async Task PreloadAsync(CancellationToken ct)
        {
            var interesting = cs.Records.Where(r => r.Action.StartsWith("assignment.", StringComparison.Ordinal) || r.Action.StartsWith("request.", StringComparison.Ordinal)).ToList();
            if (interesting.Count < 2)
            {
                return;
            }

            var requestIds = interesting.Select(r => r.RequestId).OfType<Guid>().Where(id => Db.Requests.Local.All(q => q.Id != id)).Distinct().ToList();
            if (requestIds.Count > 0)
            {
                await Db.Requests.Where(r => requestIds.Contains(r.Id)).LoadAsync(ct);
            }

            var assignmentIds = interesting.Select(r => r.AssignmentId).OfType<Guid>().Where(id => Db.Assignments.Local.All(a => a.Id != id)).Distinct().ToList();
            if (assignmentIds.Count > 0)
            {
                await Db.Assignments.Where(a => assignmentIds.Contains(a.Id)).LoadAsync(ct);
            }

            await PeopleAsync([.. interesting.Select(r => r.PrincipalId).OfType<Guid>().Distinct()], ct, expandGroups: false);
        }

        public async Task FromRecordAsync(AuditRecord record, CancellationToken ct)
        {
            switch (record.Action)
            {
                case "assignment.created" or "assignment.activated" or "assignment.extended" or "assignment.ended" or "assignment.expired" or "assignment.expiring_soon":
                    await FromAssignmentAsync(record, ct);
                    break;
                case "request.denied" or "request.timed_out" or "request.escalated":
                    await FromRequestRecordAsync(record, ct);
                    break;
                case "alert.raised" or "alert.reopened":
                    await FromAlertAsync(record, ct);
                    break;
                case "review.started" or "review.reminder" or "review.closed":
                    await FromReviewAsync(record, ct);
                    break;
                case "review.applied" when record.Outcome == AuditOutcome.Failed:
                    await FromReviewAsync(record, ct);
                    break;
            }
        }

        /// <summary>Requests that began waiting, moved to another stage, or stopped waiting.</summary>
        public async Task FromRequestAsync(AssignmentRequest r, bool added, RequestStatus wasStatus, int wasStage, DateTimeOffset? wasStageStartedAt, CancellationToken ct)
        {
            var plan = r.ApprovalPlan is { } json ? ApprovalPlan.FromJson(json) : null;
            if (plan is null)
            {
                return;
            }

            var wasWaiting = !added && wasStatus == RequestStatus.PendingApproval;
            if (wasWaiting && (r.Status != RequestStatus.PendingApproval || r.ApprovalStage != wasStage))
            {
                // The stage that was waiting is settled: its approvers who have not decided need not any more. Someone
                // "decided" it only when a decision settled it, not when it timed out, was canceled or revoked.
                var byDecision = r.Status is RequestStatus.PendingApproval or RequestStatus.Denied or RequestStatus.Scheduled or RequestStatus.Provisioned;
                var decisions = await DecisionsAsync(r.Id, wasStage, ct);
                var decider = byDecision ? decisions.MaxBy(d => d.DecidedAt)?.ApproverName : null;
                var why = r.Status switch
                {
                    RequestStatus.PendingApproval => $"Stage {wasStage} was approved.",
                    RequestStatus.Denied => "It was denied.",
                    RequestStatus.TimedOut => "No decision arrived in time.",
                    RequestStatus.Canceled => "It was canceled.",
                    RequestStatus.Revoked => r.StatusReason ?? "It was revoked.",
                    _ => "It was approved.",
                };
                var settled = await FactsAsync(r, ct) with { DecidedBy = decider, Reason = why, Stage = wasStage, Stages = plan.Stages.Count };
                var stage = plan.Stages[wasStage - 1];
                var asked = await StageApproversAsync(r, stage, ApprovalRules.IsEscalated(stage, wasStageStartedAt ?? r.CreatedAt, cs.Now), ct);
                var undecided = asked.Where(p => decisions.All(d => d.ApproverId != p.Id)).ToList();
                await AddAsync(new Notice(NotificationEvent.AlreadyDecided, false, settled), r.RoleId, r.Scope, s => s.Activated.Approvers, undecided, "approver", ct, channels: false);

                if (r.Status is RequestStatus.Canceled or RequestStatus.Revoked && cs.Actor.PrincipalId != Requester(r))
                {
                    // Withdrawn by someone else (an administrator, or a cascade): the requester would otherwise wait in vain.
                    var withdrawn = await FactsAsync(r, ct) with { Reason = r.StatusReason ?? why };
                    await AddAsync(new Notice(NotificationEvent.Withdrawn, true, withdrawn), r.RoleId, r.Scope, s => s.Activated.Requester,
                        await PeopleAsync([Requester(r)], ct), "requester", ct);
                }

                if (r.Status is RequestStatus.Scheduled or RequestStatus.Provisioned)
                {
                    _approvedHere.Add(r.Id);
                    var approved = await FactsAsync(r, ct) with { DecidedBy = decider ?? cs.Actor.Name };
                    await AddAsync(new Notice(NotificationEvent.Approved, false, approved), r.RoleId, r.Scope, s => s.Activated.Requester,
                        await PeopleAsync([Requester(r)], ct), "requester", ct);
                }
            }

            if (r.Status == RequestStatus.PendingApproval && (added || r.ApprovalStage != wasStage))
            {
                var stage = plan.Stages[r.ApprovalStage - 1];
                var facts = await FactsAsync(r, ct) with { Stage = r.ApprovalStage, Stages = plan.Stages.Count, DecideBy = r.StageDueAt };
                var approvers = await StageApproversAsync(r, stage, ApprovalRules.IsEscalated(stage, r.StageStartedAt ?? r.CreatedAt, cs.Now), ct);
                var forApprovers = facts with
                {
                    RecentActivations = await RecentActivationsAsync(r, ct),
                    OpenAlerts = await Alerts.AlertEvaluator.OpenAboutAsync(Db, r.PrincipalId, ct),
                };
                await AddAsync(new Notice(NotificationEvent.ApprovalRequested, true, forApprovers), r.RoleId, r.Scope, s => s.Activated.Approvers, approvers, "approver", ct,
                    actionLinks: true);
                if (added)
                {
                    await AddAsync(new Notice(NotificationEvent.ApprovalRequested, true, facts), r.RoleId, r.Scope, s => s.Activated.Requester,
                        await PeopleAsync([Requester(r)], ct), "requester", ct, channels: false);
                    await AddAsync(new Notice(NotificationEvent.ApprovalRequested, true, facts), r.RoleId, r.Scope, s => s.Activated.Admins, await AdminsAsync(ct), "admin", ct,
                        channels: false);
                }
            }
        }

        /// <summary>A raised or reopened alert goes to administrators (always: alerts belong to no role's matrix) and the channels.</summary>
        private async Task FromAlertAsync(AuditRecord record, CancellationToken ct)
        {
            using var details = System.Text.Json.JsonDocument.Parse(record.Details ?? "{}");
            if (!details.RootElement.TryGetProperty("alertId", out var idProperty) || !idProperty.TryGetGuid(out var alertId)
                || Db.SecurityAlerts.Local.FirstOrDefault(a => a.Id == alertId) is not { } alert)
            {
                return;
            }

            var definition = Alerts.AlertCatalogue.Of(alert.Type);
            var critical = alert.Severity == Alerts.AlertSeverity.High;
            var facts = new MessageFacts
            {
                OccurredAt = cs.Now,
                Actor = cs.Actor.Name,
                AlertId = alert.Id,
                Alert = definition.Title,
                Severity = alert.Severity.ToString().ToLowerInvariant(),
                ItemCount = alert.ItemCount,
                Reason = definition.WhyItMatters,
                HowToFix = definition.HowToFix,
            };
            var notice = new Notice(NotificationEvent.AlertRaised, critical, facts with { Event = NotificationEvent.AlertRaised, Critical = critical });
            Channels(notice, except: null);
            if (options.EmailEnabled)
            {
                // Those who may read alerts: holders at '/' of the roles that grant reading them.
                foreach (var reader in (await HoldersAsync(AlertReaderRoles, rootOnly: true, ct)).Take(options.MaxRecipientsPerAudience))
                {
                    Email(notice, reader, "admin", actionFor: null);
                }
            }
        }

        /// <summary>
        /// An access review instance started (to each reviewer, with how many items wait for them), ends soon (to
        /// reviewers who still have items to decide) or closed (to its owner, with the results).
        /// </summary>
        private async Task FromReviewAsync(AuditRecord record, CancellationToken ct)
        {
            using var details = System.Text.Json.JsonDocument.Parse(record.Details ?? "{}");
            if (!details.RootElement.TryGetProperty("instanceId", out var idProperty) || !idProperty.TryGetGuid(out var instanceId))
            {
                return;
            }

            var instance = Db.ReviewInstances.Local.FirstOrDefault(i => i.Id == instanceId)
                ?? await Db.ReviewInstances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == instanceId, ct);
            var review = instance is null ? null : Db.AccessReviews.Local.FirstOrDefault(r => r.Id == instance.ReviewId)
                ?? await Db.AccessReviews.AsNoTracking().FirstOrDefaultAsync(r => r.Id == instance.ReviewId, ct);
            if (instance is null || review is null)
            {
                return;
            }

            var e = record.Action switch
            {
                "review.started" => NotificationEvent.ReviewStarted,
                "review.reminder" => NotificationEvent.ReviewReminder,
                "review.applied" => NotificationEvent.ReviewApplyFailed,
                _ => NotificationEvent.ReviewClosed,
            };
            var critical = NotificationEvents.IsCritical(e);
            var facts = ReviewFacts(e, review, instance);
            if (e == NotificationEvent.ReviewApplyFailed)
            {
                // The owner (whose authority an automatic apply used) and administrators learn that access is still there.
                var failures = Db.ReviewItems.Local.Where(i => i.InstanceId == instance.Id && i.Outcome == Reviews.ReviewOutcome.Failed).ToList();
                var failedFacts = facts with
                {
                    DecideBy = null,
                    Pending = failures.Count,
                    Reason = failures.Select(f => $"{f.PrincipalName} / {f.RoleName} at {f.Scope}: {f.OutcomeDetail}").FirstOrDefault(),
                };
                var failedNotice = new Notice(e, critical, failedFacts);
                Channels(failedNotice, except: null);
                if (options.EmailEnabled)
                {
                    var owner = await PeopleAsync([review.OwnerId], ct, expandGroups: false);
                    foreach (var person in owner.Concat(await AdminsAsync(ct)).Where(p => p.Enabled).DistinctBy(p => p.Id))
                    {
                        Email(failedNotice, person, "owner", actionFor: null);
                    }
                }

                return;
            }

            if (e == NotificationEvent.ReviewClosed)
            {
                // Closing set the results in the database (inside this transaction): counted there.
                var s = await Reviews.ReviewRunner.SummaryAsync(Db, instance, ct);
                facts = facts with
                {
                    DecideBy = null,
                    Results = new ReviewResults(s.Items, s.Approved, s.Denied, s.NotReviewed, s.ByDefault, s.ToRemove, s.AlreadyGone, instance.ApplyAt is not null),
                };
                var notice = new Notice(e, critical, facts);
                Channels(notice, except: null);
                if (options.EmailEnabled)
                {
                    foreach (var owner in await PeopleAsync([review.OwnerId], ct, expandGroups: false))
                    {
                        if (owner.Enabled)
                        {
                            Email(notice, owner, "owner", actionFor: null);
                        }
                    }
                }

                return;
            }

            // Who has items waiting now: the reviewers of each undecided item's current stage (a group: its members).
            var rows = e == NotificationEvent.ReviewStarted
                ? (from r in Db.ReviewItemReviewers.Local
                   join i in Db.ReviewItems.Local on r.ItemId equals i.Id
                   where r.InstanceId == instance.Id && r.Stage == 1
                   select (r.ItemId, r.ReviewerId, i.PrincipalId)).ToList()
                : (await (from r in Db.ReviewItemReviewers.AsNoTracking()
                          join i in Db.ReviewItems.AsNoTracking() on r.ItemId equals i.Id
                          where r.InstanceId == instance.Id && r.Stage == i.Stage && i.Decision == null
                          select new { r.ItemId, r.ReviewerId, i.PrincipalId }).ToListAsync(ct)).Select(r => (r.ItemId, r.ReviewerId, r.PrincipalId)).ToList();
            if (e == NotificationEvent.ReviewReminder && rows.Count == 0)
            {
                return;
            }

            Channels(new Notice(e, critical, facts), except: null);
            await ReviewersAsync(e, facts, rows, await DecidedAsync(instance.Id, ct), ct);
        }

        /// <summary>What every message about a review instance says: which review, which instance, how many items, until when.</summary>
        private MessageFacts ReviewFacts(NotificationEvent e, Reviews.AccessReview review, Reviews.ReviewInstance instance) => new()
        {
            Event = e,
            Critical = NotificationEvents.IsCritical(e),
            OccurredAt = cs.Now,
            Actor = cs.Actor.Name,
            ReviewInstanceId = instance.Id,
            Review = review.Name,
            InstanceNumber = instance.Number,
            ItemCount = instance.ItemCount,
            DecideBy = instance.EndsAt,
        };

        /// <summary>Who decided which item of an instance (committed, and in this change set): they do not decide another stage of it.</summary>
        private async Task<HashSet<(Guid ItemId, Guid ReviewerId)>> DecidedAsync(Guid instanceId, CancellationToken ct)
        {
            var stored = await Db.ReviewDecisions.AsNoTracking().Where(d => d.InstanceId == instanceId).Select(d => new { d.ItemId, d.ReviewerId }).ToListAsync(ct);
            return [.. stored.Select(d => (d.ItemId, d.ReviewerId)), .. Db.ReviewDecisions.Local.Where(d => d.InstanceId == instanceId).Select(d => (d.ItemId, d.ReviewerId))];
        }

        /// <summary>
        /// Items a decision moved on to a later stage: that stage's reviewers hear of them when these are the first
        /// items waiting for them in the instance (after that, the portal and the reminders keep them informed).
        /// </summary>
        public async Task ReviewStagesReachedAsync(CancellationToken ct)
        {
            var moved = cs.Db.ChangeTracker.Entries<Reviews.ReviewItem>()
                .Where(x => x.State == EntityState.Modified && x.Entity.Decision == null && x.Entity.Stage > x.Property(i => i.Stage).OriginalValue)
                .Select(x => x.Entity).ToList();
            if (moved.Count == 0 || !options.EmailEnabled)
            {
                return;
            }

            foreach (var byInstance in moved.GroupBy(i => i.InstanceId))
            {
                var instance = await Db.ReviewInstances.AsNoTracking().FirstAsync(i => i.Id == byInstance.Key, ct);
                var review = await Db.AccessReviews.AsNoTracking().FirstAsync(r => r.Id == instance.ReviewId, ct);
                var ids = byInstance.Select(i => i.Id).ToList();
                var reached = await Db.ReviewItemReviewers.AsNoTracking().Where(r => ids.Contains(r.ItemId)).ToListAsync(ct);
                reached = [.. reached.Where(r => byInstance.Any(i => i.Id == r.ItemId && i.Stage == r.Stage))];
                var reviewerIds = reached.Select(r => r.ReviewerId).Distinct().ToList();

                // Committed state: what already waited for these reviewers before this change.
                var waiting = await (from r in Db.ReviewItemReviewers.AsNoTracking()
                                     join i in Db.ReviewItems.AsNoTracking() on r.ItemId equals i.Id
                                     where r.InstanceId == instance.Id && reviewerIds.Contains(r.ReviewerId) && r.Stage == i.Stage && i.Decision == null
                                     select r.ReviewerId).Distinct().ToListAsync(ct);
                var rows = reached.Where(r => !waiting.Contains(r.ReviewerId))
                    .Select(r => (r.ItemId, r.ReviewerId, byInstance.First(i => i.Id == r.ItemId).PrincipalId)).ToList();
                await ReviewersAsync(NotificationEvent.ReviewStarted, ReviewFacts(NotificationEvent.ReviewStarted, review, instance), rows, await DecidedAsync(instance.Id, ct), ct);
            }
        }

        /// <summary>Mails each person with items waiting (a reviewer group: its members), never about their own access.</summary>
        private async Task ReviewersAsync(
            NotificationEvent e, MessageFacts facts, IReadOnlyList<(Guid ItemId, Guid ReviewerId, Guid PrincipalId)> rows, HashSet<(Guid ItemId, Guid ReviewerId)> decided, CancellationToken ct)
        {
            if (!options.EmailEnabled)
            {
                return;
            }

            // Whose access each item is: a user, or a group's members. The principals in one query (a self-review
            // names thousands), then each group's members.
            var principals = rows.Select(r => r.PrincipalId).Distinct().ToList();
            await PeopleAsync(principals, ct, expandGroups: false);
            var holders = new Dictionary<Guid, HashSet<Guid>>();
            foreach (var principal in principals)
            {
                holders[principal] = [principal, .. (await PeopleAsync([principal], ct)).Select(p => p.Id)];
            }

            var pending = new Dictionary<Guid, (Person Person, HashSet<Guid> Items)>();
            foreach (var group in rows.GroupBy(r => r.ReviewerId))
            {
                foreach (var person in await PeopleAsync([group.Key], ct))
                {
                    // Never about one's own access (or one's group's), except one's own self-review.
                    var theirs = group.Where(g => (!holders[g.PrincipalId].Contains(person.Id) || (g.ReviewerId == person.Id && g.PrincipalId == person.Id))
                        && !decided.Contains((g.ItemId, person.Id))).Select(g => g.ItemId).ToList();
                    if (theirs.Count == 0)
                    {
                        continue;
                    }

                    if (!pending.TryGetValue(person.Id, out var entry))
                    {
                        pending[person.Id] = entry = (person, []);
                    }

                    entry.Items.UnionWith(theirs);
                }
            }

            foreach (var (person, items) in pending.Values.OrderBy(p => p.Person.Name, StringComparer.Ordinal))
            {
                Email(new Notice(e, NotificationEvents.IsCritical(e), facts with { Pending = items.Count }), person, "reviewer", actionFor: null);
            }
        }

        public async Task DeliveryFailedAsync(OutboxMessage failed, CancellationToken ct)
        {
            var facts = new MessageFacts
            {
                Event = NotificationEvent.DeliveryFailed,
                Critical = true,
                OccurredAt = cs.Now,
                Actor = cs.Actor.Name,
                RequestId = failed.RequestId,
                AssignmentId = failed.AssignmentId,
                Failed = new FailedDelivery(failed.Id, NotificationEvents.Name(failed.Event), failed.Channel.ToString(), failed.Destination, failed.Attempts, failed.LastError),
            };
            var admins = (await AdminsAsync(ct)).Where(a => failed.Channel != NotificationChannel.Email || !string.Equals(a.Email, failed.Destination, StringComparison.OrdinalIgnoreCase)).ToList();
            var notice = new Notice(NotificationEvent.DeliveryFailed, true, facts);
            foreach (var admin in admins)
            {
                Email(notice, admin, "admin", actionFor: null);
            }

            // Chat channels are read by many: they hear which message failed and where, not a person's address.
            var forChannels = failed.Channel == NotificationChannel.Email ? facts with { Failed = facts.Failed! with { Destination = "an e-mail recipient" } } : facts;
            Channels(notice with { Facts = forChannels }, except: failed.Channel == NotificationChannel.Email ? null : failed.Destination);
        }

        public async Task WriteAsync(CancellationToken ct)
        {
            var ids = _messages.Where(m => m.Status == OutboxStatus.Held || m.RecipientId is not null).Select(m => m.RecipientId!.Value).Distinct().ToList();
            await PreferencesAsync(ids, ct);
            foreach (var message in _messages)
            {
                if (message.RecipientId is { } id && _preferences.GetValueOrDefault(id) is { } preference && !message.Critical)
                {
                    if (preference.Mode == NotificationMode.CriticalOnly)
                    {
                        continue;
                    }

                    if (preference.Mode == NotificationMode.DailyDigest)
                    {
                        message.Status = OutboxStatus.Held;
                        message.NextAttemptAt = NoticeSchedule.NextDigest(preference.DigestTime, cs.Now);
                    }
                }

                Db.OutboxMessages.Add(message);
            }
        }

        private async Task FromAssignmentAsync(AuditRecord record, CancellationToken ct)
        {
            if (record.AssignmentId is not { } id || await FindAsync(Db.Assignments, id, ct) is not { } a)
            {
                return;
            }

            var request = record.RequestId is { } requestId ? await FindAsync(Db.Requests, requestId, ct) : null;
            var approved = request is not null && _approvedHere.Contains(request.Id);
            NotificationEvent e;
            string? reason = null;
            switch (record.Action)
            {
                case "assignment.created" when a.RenewedFromId is not null:
                    e = NotificationEvent.Renewed;
                    break;
                case "assignment.created":
                    e = a.Kind == AssignmentKind.Eligible ? NotificationEvent.EligibleAssigned : NotificationEvent.ActiveAssigned;
                    break;
                case "assignment.activated":
                    e = NotificationEvent.Activated;
                    break;
                case "assignment.extended":
                    e = NotificationEvent.Extended;
                    break;
                case "assignment.expired":
                    e = NotificationEvent.Expired;
                    break;
                case "assignment.expiring_soon":
                    e = NotificationEvent.ExpiringSoon;
                    break;
                case "assignment.ended" when a.EndReason is EndReason.Deactivated or EndReason.RequestCanceled:
                    return;
                default:
                    e = NotificationEvent.Removed;
                    reason = a.EndReason switch
                    {
                        EndReason.RemovedByAdministrator => $"{cs.Actor.Name} removed it.",
                        EndReason.EligibilityRemoved => "The eligibility it came from was removed.",
                        EndReason.PrincipalDisabled => "The account or group was disabled.",
                        EndReason.GroupMembershipRemoved => "You left the group it was assigned to.",
                        _ => null,
                    };
                    break;
            }

            var critical = NotificationEvents.IsCritical(e, a.EndsAt - cs.Now);
            var facts = await FactsAsync(a, request, ct) with { Event = e, Critical = critical, Reason = reason };
            Func<NotificationSettings, AudienceNotifications> admins, holder;
            if (a.Origin == AssignmentOrigin.Activation)
            {
                (admins, holder) = (s => s.Activated.Admins, s => s.Activated.Requester);
            }
            else if (a.Kind == AssignmentKind.Eligible)
            {
                (admins, holder) = (s => s.EligibleAssigned.Admins, s => s.EligibleAssigned.Assignee);
            }
            else
            {
                (admins, holder) = (s => s.ActiveAssigned.Admins, s => s.ActiveAssigned.Assignee);
            }

            var notice = new Notice(e, critical, facts);
            var byTheClock = e is NotificationEvent.ExpiringSoon or NotificationEvent.Expired;
            if (byTheClock)
            {
                Channels(notice, except: null);
            }

            if (!approved)
            {
                // After an approval the holder has just been told "approved", with the same window.
                await AddAsync(notice, a.RoleId, a.Scope, holder, await PeopleAsync([a.PrincipalId], ct), a.Origin == AssignmentOrigin.Activation ? "requester" : "assignee", ct,
                    channels: false);
            }

            if (!byTheClock)
            {
                // Ends on schedule concern their holders; administrators hear of what someone decided, not of the clock.
                await AddAsync(notice, a.RoleId, a.Scope, admins, await AdminsAsync(ct), "admin", ct);
            }
        }

        private async Task FromRequestRecordAsync(AuditRecord record, CancellationToken ct)
        {
            if (record.RequestId is not { } id || await FindAsync(Db.Requests, id, ct) is not { } r)
            {
                return;
            }

            if (record.Action == "request.escalated")
            {
                var plan = ApprovalPlan.FromJson(r.ApprovalPlan!);
                var stage = plan.Stages[r.ApprovalStage - 1];
                var before = (await StageApproversAsync(r, stage, escalated: false, ct)).Select(p => p.Id).ToHashSet();
                var decisions = await DecisionsAsync(r.Id, r.ApprovalStage, ct);
                var added = (await StageApproversAsync(r, stage, escalated: true, ct)).Where(p => !before.Contains(p.Id) && decisions.All(d => d.ApproverId != p.Id)).ToList();
                var facts = await FactsAsync(r, ct) with
                {
                    Stage = r.ApprovalStage,
                    Stages = plan.Stages.Count,
                    DecideBy = r.StageDueAt,
                    RecentActivations = await RecentActivationsAsync(r, ct),
                    OpenAlerts = await Alerts.AlertEvaluator.OpenAboutAsync(Db, r.PrincipalId, ct),
                };
                await AddAsync(new Notice(NotificationEvent.ApprovalEscalated, true, facts), r.RoleId, r.Scope, s => s.Activated.Approvers, added, "approver", ct, actionLinks: true);
                return;
            }

            var e = record.Action == "request.denied" ? NotificationEvent.Denied : NotificationEvent.TimedOut;
            var decision = e == NotificationEvent.Denied
                ? Db.ApprovalDecisions.Local.Where(d => d.RequestId == r.Id && d.Verdict == ApprovalVerdict.Deny).MaxBy(d => d.DecidedAt)
                    ?? await Db.ApprovalDecisions.AsNoTracking().Where(d => d.RequestId == r.Id && d.Verdict == ApprovalVerdict.Deny).OrderByDescending(d => d.DecidedAt).FirstOrDefaultAsync(ct)
                : null;
            var facts2 = await FactsAsync(r, ct) with
            {
                Event = e,
                Critical = true,
                DecidedBy = decision?.ApproverName,
                Reason = decision?.Reason ?? r.StatusReason,
            };
            await AddAsync(new Notice(e, true, facts2), r.RoleId, r.Scope, s => s.Activated.Requester, await PeopleAsync([Requester(r)], ct), "requester", ct);
        }

        /// <summary>Sends <paramref name="notice"/> to one audience (as the role's matrix allows), and once per event to the channels.</summary>
        private async Task AddAsync(
            Notice notice, Guid roleId, string scope, Func<NotificationSettings, AudienceNotifications> cell, IReadOnlyList<Person> defaults, string audience, CancellationToken ct,
            bool actionLinks = false, bool channels = true)
        {
            var settings = cell(await SettingsAsync(roleId, scope, ct));
            if (channels)
            {
                Channels(notice, except: null);
            }

            if (!settings.Admits(notice.Critical) || !options.EmailEnabled)
            {
                return;
            }

            if (settings.DefaultRecipients)
            {
                foreach (var person in defaults.Where(p => !(audience == "admin" && p.Id == cs.Actor.PrincipalId)).Take(options.MaxRecipientsPerAudience))
                {
                    Email(notice with { Facts = notice.Facts with { Audience = audience } }, person, audience, actionLinks ? person.Id : null);
                }
            }

            foreach (var address in settings.AdditionalRecipients)
            {
                var facts = notice.Facts with { Audience = "additional", RecentActivations = [], OpenAlerts = [] };
                Queue(NotificationChannel.Email, address, null, notice with { Facts = facts }, null);
            }
        }

        private void Email(Notice notice, Person person, string audience, Guid? actionFor)
        {
            if (person.Email is { Length: > 0 } email && person.Enabled)
            {
                Queue(NotificationChannel.Email, email, person.Id, notice with { Facts = notice.Facts with { Audience = audience } }, actionFor);
            }
        }

        private void Channels(Notice notice, string? except)
        {
            foreach (var route in options.Routes.Where(r => r.Wants(notice.Event, notice.Critical) && r.Name != except))
            {
                Queue(route.Channel, route.Name, null, notice with { Facts = notice.Facts with { Audience = "channel", RecentActivations = [], OpenAlerts = [] } }, null);
            }
        }

        private void Queue(NotificationChannel channel, string destination, Guid? recipient, Notice notice, Guid? actionFor)
        {
            // One message per event and destination, whichever audiences it reached it through; approvers' copies
            // (with links) are planned first, so they are the ones kept.
            if (!_sent.Add((notice.Event, notice.Facts.RequestId ?? notice.Facts.AlertId ?? notice.Facts.ReviewInstanceId, notice.Facts.AssignmentId, channel + ":" + destination.ToLowerInvariant())))
            {
                return;
            }

            _messages.Add(new OutboxMessage
            {
                Id = Ids.New(cs.Now),
                Channel = channel,
                Destination = destination,
                RecipientId = recipient,
                Event = notice.Event,
                Critical = notice.Critical,
                ActionFor = actionFor,
                RequestId = notice.Facts.RequestId,
                AssignmentId = notice.Facts.AssignmentId,
                Facts = (notice.Facts with { Event = notice.Event, Critical = notice.Critical }).ToJson(),
                Status = OutboxStatus.Pending,
                CreatedAt = cs.Now,
                NextAttemptAt = cs.Now,
            });
        }

        private async Task<NotificationSettings> SettingsAsync(Guid roleId, string scope, CancellationToken ct)
        {
            if (!_settings.TryGetValue((roleId, scope), out var settings))
            {
                // Settings written in this very change set (a role created with its first assignment) count too.
                var path = ScopePath.Parse(scope);
                var candidates = path.SelfAndAncestors().Select(s => s.Value).ToList();
                var stored = await Db.RoleSettings.AsNoTracking().Where(s => s.RoleId == roleId && candidates.Contains(s.Scope)).ToListAsync(ct);
                var local = Db.RoleSettings.Local.Where(s => s.RoleId == roleId && candidates.Contains(s.Scope));
                settings = local.Concat(stored).DistinctBy(s => s.Scope).OrderByDescending(s => ScopePath.Parse(s.Scope).Depth).FirstOrDefault()?.Settings.Notifications
                    ?? new NotificationSettings();
                _settings[(roleId, scope)] = settings;
            }

            return settings;
        }

        private async Task<MessageFacts> FactsAsync(AssignmentRequest r, CancellationToken ct)
        {
            var principal = await PersonAsync(r.PrincipalId, ct);
            return new MessageFacts
            {
                OccurredAt = cs.Now,
                Actor = cs.Actor.Name,
                RequestId = r.Id,
                AssignmentId = r.ResultAssignmentId ?? r.TargetAssignmentId,
                Action = r.Action.ToString(),
                PrincipalId = r.PrincipalId,
                Principal = principal?.Name,
                RoleId = r.RoleId,
                Role = await RoleNameAsync(r.RoleId, ct),
                Scope = r.Scope,
                Kind = r.AssignmentKind.ToString().ToLowerInvariant(),
                StartsAt = r.StartsAt,
                EndsAt = r.EndsAt,
                Duration = r.Duration ?? (r.StartsAt is { } s && r.EndsAt is { } e ? e - s : null),
                Justification = r.Justification,
                Ticket = Ticket(r),
                Reason = r.StatusReason,
            };
        }

        private async Task<MessageFacts> FactsAsync(Assignment a, AssignmentRequest? r, CancellationToken ct)
        {
            var principal = await PersonAsync(a.PrincipalId, ct);
            return new MessageFacts
            {
                OccurredAt = cs.Now,
                Actor = cs.Actor.Name,
                RequestId = r?.Id,
                AssignmentId = a.Id,
                Action = r?.Action.ToString(),
                PrincipalId = a.PrincipalId,
                Principal = principal?.Name,
                RoleId = a.RoleId,
                Role = await RoleNameAsync(a.RoleId, ct),
                Scope = a.Scope,
                Kind = a.Kind.ToString().ToLowerInvariant(),
                StartsAt = a.StartsAt,
                EndsAt = a.EndsAt,
                Duration = a.EndsAt - a.StartsAt,
                Justification = r?.Justification,
                Ticket = r is null ? null : Ticket(r),
            };
        }

        private async Task<string?> RoleNameAsync(Guid roleId, CancellationToken ct)
        {
            if (!_roles.TryGetValue(roleId, out var name))
            {
                name = Db.Roles.Local.FirstOrDefault(r => r.Id == roleId)?.Name
                    ?? await Db.Roles.AsNoTracking().Where(r => r.Id == roleId).Select(r => r.Name).FirstOrDefaultAsync(ct);
                _roles[roleId] = name;
            }

            return name;
        }

        private async Task<IReadOnlyList<PastActivation>> RecentActivationsAsync(AssignmentRequest r, CancellationToken ct)
        {
            var past = await Db.Assignments.AsNoTracking()
                .Where(a => a.PrincipalId == r.PrincipalId && a.RoleId == r.RoleId && a.Origin == AssignmentOrigin.Activation)
                .OrderByDescending(a => a.StartsAt).Take(RecentActivationsShown)
                .Select(a => new { a.StartsAt, a.EndsAt, a.EndedAt, a.Scope, a.CreatedByRequestId })
                .ToListAsync(ct);
            var requestIds = past.Select(p => p.CreatedByRequestId).ToList();
            var why = await Db.Requests.AsNoTracking().Where(q => requestIds.Contains(q.Id)).Select(q => new { q.Id, q.Justification }).ToDictionaryAsync(q => q.Id, q => q.Justification, ct);
            return past.Select(p => new PastActivation(p.StartsAt, p.EndedAt ?? p.EndsAt, why.GetValueOrDefault(p.CreatedByRequestId), p.Scope)).ToList();
        }

        /// <summary>The enabled users who may decide <paramref name="stage"/> of <paramref name="r"/> now (never the requester).</summary>
        private async Task<IReadOnlyList<Person>> StageApproversAsync(AssignmentRequest r, PlannedStage stage, bool escalated, CancellationToken ct)
        {
            var named = new List<Guid>(stage.Approvers);
            if (stage.Manager is { } manager)
            {
                named.Add(manager);
            }

            if (escalated)
            {
                named.AddRange(stage.EscalationApprovers);
            }

            var people = (await PeopleAsync(named, ct)).ToList();
            if (stage.ScopeAdministrators)
            {
                var scope = ScopePath.Parse(r.Scope);
                people.AddRange((await AdminsAsync(ct)).Where(a => index.Can(a.Id, Permission.ManageAssignments, scope, cs.Now)));
            }

            var requester = Requester(r);
            return people.Where(p => p.Id != requester && p.Enabled && p.Kind == PrincipalKind.User).DistinctBy(p => p.Id).ToList();
        }

        /// <summary>Holders (eligible or active, directly or through a group) of Elevate's administrative roles.</summary>
        private Task<IReadOnlyList<Person>> AdminsAsync(CancellationToken ct) => HoldersAsync(AdministratorRoles, rootOnly: false, ct);

        /// <summary>The enabled users holding any of <paramref name="roles"/> (eligible or active, directly or through a group).</summary>
        private async Task<IReadOnlyList<Person>> HoldersAsync(Guid[] roles, bool rootOnly, CancellationToken ct)
        {
            if (!_holders.TryGetValue((roles, rootOnly), out var people))
            {
                var holders = await Db.Assignments.AsNoTracking()
                    .Where(a => roles.Contains(a.RoleId) && (!rootOnly || a.Scope == "/") && a.Origin != AssignmentOrigin.Activation
                        && (a.Status == AssignmentStatus.Scheduled || a.Status == AssignmentStatus.Active))
                    .Select(a => a.PrincipalId).Distinct().ToListAsync(ct);
                people = [.. (await PeopleAsync(holders, ct)).Where(p => p.Enabled && p.Kind == PrincipalKind.User).DistinctBy(p => p.Id)];
                _holders[(roles, rootOnly)] = people;
            }

            return people;
        }

        /// <summary>The named principals as people: users as themselves, groups as their enabled user members.</summary>
        private async Task<IReadOnlyList<Person>> PeopleAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct, bool expandGroups = true)
        {
            var missing = ids.Where(id => !_people.ContainsKey(id)).Distinct().ToList();
            if (missing.Count > 0)
            {
                var found = await Db.Principals.AsNoTracking().Where(p => missing.Contains(p.Id))
                    .Select(p => new Person(p.Id, p.Name, p.Email, p.Enabled, p.Kind)).ToListAsync(ct);
                foreach (var id in missing)
                {
                    _people[id] = found.Find(p => p.Id == id);
                }
            }

            var people = ids.Select(id => _people[id]).OfType<Person>().ToList();
            if (!expandGroups)
            {
                return people;
            }

            foreach (var groupId in people.Where(p => p.Kind == PrincipalKind.Group && p.Enabled).Select(p => p.Id).ToList())
            {
                if (!_members.TryGetValue(groupId, out var members))
                {
                    members = await (from m in Db.GroupMemberships
                                     join u in Db.Principals on m.MemberId equals u.Id
                                     where m.GroupId == groupId && u.Kind == PrincipalKind.User
                                     select new Person(u.Id, u.Name, u.Email, u.Enabled, u.Kind)).Take(options.MaxRecipientsPerAudience).ToListAsync(ct);
                    _members[groupId] = members;
                }

                people.AddRange(members);
            }

            return people.Where(p => p.Kind == PrincipalKind.User).DistinctBy(p => p.Id).ToList();
        }

        private async Task<Person?> PersonAsync(Guid id, CancellationToken ct)
        {
            await PeopleAsync([id], ct, expandGroups: false);
            return _people[id];
        }

        private async Task PreferencesAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
        {
            var missing = ids.Where(id => !_preferences.ContainsKey(id)).ToList();
            if (missing.Count == 0)
            {
                return;
            }

            var found = await Db.NotificationPreferences.AsNoTracking().Where(p => missing.Contains(p.PrincipalId)).ToListAsync(ct);
            foreach (var id in missing)
            {
                _preferences[id] = found.Find(p => p.PrincipalId == id);
            }
        }

        /// <summary>The decisions on one stage: those stored, and those this change set adds.</summary>
        private async Task<IReadOnlyList<ApprovalDecision>> DecisionsAsync(Guid requestId, int stage, CancellationToken ct)
        {
            var stored = await Db.ApprovalDecisions.AsNoTracking().Where(d => d.RequestId == requestId && d.Stage == stage).ToListAsync(ct);
            return [.. stored, .. Db.ApprovalDecisions.Local.Where(d => d.RequestId == requestId && d.Stage == stage && stored.All(x => x.Id != d.Id))];
        }

        private static Guid Requester(AssignmentRequest r) => r.RequestedById ?? r.PrincipalId;

        private static string? Ticket(AssignmentRequest r) => r.TicketNumber is null ? null : r.TicketSystem is null ? r.TicketNumber : $"{r.TicketSystem} {r.TicketNumber}";

        private static async Task<T?> FindAsync<T>(DbSet<T> set, Guid id, CancellationToken ct)
            where T : class => await set.FindAsync([id], ct);
    }
}
