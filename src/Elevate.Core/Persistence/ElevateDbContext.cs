using System.Text.Json;
using Elevate.Core.Assignments;
using Elevate.Core.Audit;
using Elevate.Core.Common.Json;
using Elevate.Core.Mfa;
using Elevate.Core.Principals;
using Elevate.Core.Requests;
using Elevate.Core.Roles;
using Elevate.Core.Settings;
using Elevate.Core.SignIn;
using Elevate.Core.Tokens;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Elevate.Core.Persistence;

/// <summary>
/// Elevate's database, the same model on SQLite and PostgreSQL (migrations per provider live in the
/// Elevate.Migrations.* projects). Writes go through <see cref="ChangeSet"/>, which adds the audit events.
/// </summary>
public sealed class ElevateDbContext(DbContextOptions<ElevateDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Principal> Principals => Set<Principal>();

    public DbSet<GroupMembership> GroupMemberships => Set<GroupMembership>();

    public DbSet<Role> Roles => Set<Role>();

    public DbSet<RoleSettingsRecord> RoleSettings => Set<RoleSettingsRecord>();

    public DbSet<Assignment> Assignments => Set<Assignment>();

    public DbSet<AssignmentRequest> Requests => Set<AssignmentRequest>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<AuditHead> AuditHead => Set<AuditHead>();

    public DbSet<ApiToken> Tokens => Set<ApiToken>();

    public DbSet<SetupSecret> SetupSecrets => Set<SetupSecret>();

    public DbSet<LocalCredential> LocalCredentials => Set<LocalCredential>();

    public DbSet<UserSession> Sessions => Set<UserSession>();

    public DbSet<SignInThrottleEntry> SignInThrottle => Set<SignInThrottleEntry>();

    public DbSet<ExternalLogin> ExternalLogins => Set<ExternalLogin>();

    public DbSet<TotpFactor> TotpFactors => Set<TotpFactor>();

    public DbSet<RecoveryCode> RecoveryCodes => Set<RecoveryCode>();

    public DbSet<WebAuthnCredential> WebAuthnCredentials => Set<WebAuthnCredential>();

    public DbSet<UsedChallenge> UsedChallenges => Set<UsedChallenge>();

    public DbSet<Approvals.ApprovalDecision> ApprovalDecisions => Set<Approvals.ApprovalDecision>();

    public DbSet<Alerts.SecurityAlert> SecurityAlerts => Set<Alerts.SecurityAlert>();

    public DbSet<Alerts.AlertSettingsRecord> AlertSettings => Set<Alerts.AlertSettingsRecord>();

    public DbSet<Reviews.AccessReview> AccessReviews => Set<Reviews.AccessReview>();

    public DbSet<Reviews.ReviewInstance> ReviewInstances => Set<Reviews.ReviewInstance>();

    public DbSet<Reviews.ReviewItem> ReviewItems => Set<Reviews.ReviewItem>();

    public DbSet<Reviews.ReviewItemReviewer> ReviewItemReviewers => Set<Reviews.ReviewItemReviewer>();

    public DbSet<Reviews.ReviewDecision> ReviewDecisions => Set<Reviews.ReviewDecision>();

    public DbSet<Notifications.OutboxMessage> OutboxMessages => Set<Notifications.OutboxMessage>();

    public DbSet<Notifications.DeliveryAttempt> DeliveryAttempts => Set<Notifications.DeliveryAttempt>();

    public DbSet<Notifications.NotificationPreference> NotificationPreferences => Set<Notifications.NotificationPreference>();

    /// <summary>ASP.NET Core Data Protection's keys, shared by every instance (they encrypt TOTP secrets and cookies).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public bool IsPostgres => Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name: readable in SQL, and reordering members never changes stored meaning.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(40);
        if (!IsPostgres)
        {
            // SQLite has no date type. Stored as UTC ticks (64-bit integers), times compare and sort correctly in SQL
            // and round-trip exactly (EF's own binary converter drops sub-millisecond digits, which breaks audit hashes).
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Principal>(e =>
        {
            e.HasKey(p => p.Id);
            e.Property(p => p.Name).HasMaxLength(100);
            e.Property(p => p.NormalizedName).HasMaxLength(100);
            e.HasIndex(p => p.NormalizedName).IsUnique();
            e.Property(p => p.DisplayName).HasMaxLength(200);
            e.Property(p => p.Email).HasMaxLength(254);
            e.Property(p => p.Description).HasMaxLength(1000);
            e.Property(p => p.Version).IsConcurrencyToken();
            e.HasIndex(p => p.ChangeSeq);
            e.HasIndex(p => new { p.Kind, p.Id });
            e.HasOne<Principal>().WithMany().HasForeignKey(p => p.ManagerId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<GroupMembership>(e =>
        {
            e.HasKey(m => new { m.GroupId, m.MemberId });
            e.Property(m => m.Source).HasMaxLength(60);
            e.HasIndex(m => m.MemberId);
            e.HasOne<Principal>().WithMany().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Principal>().WithMany().HasForeignKey(m => m.MemberId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Role>(e =>
        {
            e.HasKey(r => r.Id);
            e.Property(r => r.Name).HasMaxLength(100);
            e.Property(r => r.NormalizedName).HasMaxLength(100);
            e.HasIndex(r => r.NormalizedName).IsUnique();
            e.Property(r => r.Description).HasMaxLength(1000);
            e.Property(r => r.Version).IsConcurrencyToken();
            e.HasIndex(r => r.ChangeSeq);
        });

        modelBuilder.Entity<RoleSettingsRecord>(e =>
        {
            e.HasKey(s => s.Id);
            e.Property(s => s.Scope).HasMaxLength(512);
            e.HasIndex(s => new { s.RoleId, s.Scope }).IsUnique();
            e.HasOne<Role>().WithMany().HasForeignKey(s => s.RoleId).OnDelete(DeleteBehavior.Restrict);
            e.Property(s => s.Settings).HasConversion(SettingsConverter, SettingsComparer);
            e.Property(s => s.Version).IsConcurrencyToken();
            e.HasIndex(s => s.ChangeSeq);
        });

        modelBuilder.Entity<Assignment>(e =>
        {
            e.HasKey(a => a.Id);
            e.Property(a => a.Scope).HasMaxLength(512);
            e.Property(a => a.Version).IsConcurrencyToken();
            e.HasOne<Principal>().WithMany().HasForeignKey(a => a.PrincipalId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Role>().WithMany().HasForeignKey(a => a.RoleId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(a => new { a.PrincipalId, a.RoleId, a.Kind, a.Status });
            e.HasIndex(a => new { a.RoleId, a.Kind, a.Status });
            e.HasIndex(a => a.EligibilityId);
            e.HasIndex(a => a.ChangeSeq);
            e.HasIndex(a => new { a.Status, a.StartsAt });
            e.HasIndex(a => new { a.Status, a.EndsAt });
            e.HasIndex(a => a.NoticeAt);
            e.HasIndex(a => new { a.CreatedAt, a.Id });

            // Lists newest first filtered by a role or a principal (the portal's assignments page) walk these instead
            // of the whole table; the home page's 30-day activation chart reads only this index.
            e.HasIndex(a => new { a.RoleId, a.CreatedAt, a.Id });
            e.HasIndex(a => new { a.PrincipalId, a.CreatedAt, a.Id });
            e.HasIndex(a => new { a.Origin, a.StartsAt, a.Kind, a.RoleId, a.EndedAt });

            // The last line of defence for "one open activation per principal, role and scope": even if two
            // writers got past the rules at once, the database refuses the second.
            e.HasIndex(a => new { a.PrincipalId, a.RoleId, a.Scope })
                .IsUnique()
                .HasFilter("origin = 'Activation' AND status IN ('Scheduled', 'Active')")
                .HasDatabaseName("ix_assignments_one_open_activation");
        });

        modelBuilder.Entity<AssignmentRequest>(e =>
        {
            e.HasKey(r => r.Id);
            e.Property(r => r.Scope).HasMaxLength(512);
            e.Property(r => r.Justification).HasMaxLength(500);
            e.Property(r => r.TicketSystem).HasMaxLength(100);
            e.Property(r => r.TicketNumber).HasMaxLength(100);
            e.Property(r => r.StatusReason).HasMaxLength(500);
            e.Property(r => r.IdempotencyKey).HasMaxLength(200);
            e.Property(r => r.MfaMethod).HasMaxLength(20);
            e.Property(r => r.ApprovalPlan).HasMaxLength(20_000);
            e.HasIndex(r => new { r.Status, r.StageDueAt });
            e.HasIndex(r => r.NoticeAt);
            e.Property(r => r.Fingerprint).HasMaxLength(64);
            e.Property(r => r.Version).IsConcurrencyToken();
            e.HasOne<Principal>().WithMany().HasForeignKey(r => r.PrincipalId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Role>().WithMany().HasForeignKey(r => r.RoleId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(r => new { r.RequestedById, r.IdempotencyKey }).IsUnique().HasFilter("idempotency_key IS NOT NULL");
            e.HasIndex(r => new { r.RequestedById, r.CreatedAt });
            e.HasIndex(r => new { r.PrincipalId, r.CreatedAt });
            e.HasIndex(r => new { r.Status, r.CreatedAt });
            e.HasIndex(r => r.TargetAssignmentId);
            e.HasIndex(r => r.ResultAssignmentId);
        });

        modelBuilder.Entity<AuditEvent>(e =>
        {
            e.HasKey(a => a.Sequence);
            e.Property(a => a.Sequence).ValueGeneratedNever();
            e.HasIndex(a => a.Id).IsUnique();
            e.Property(a => a.ActorName).HasMaxLength(200);
            e.Property(a => a.Action).HasMaxLength(80);
            e.Property(a => a.PrincipalName).HasMaxLength(100);
            e.Property(a => a.RoleName).HasMaxLength(100);
            e.Property(a => a.Scope).HasMaxLength(512);
            e.Property(a => a.Justification).HasMaxLength(500);
            e.Property(a => a.TicketSystem).HasMaxLength(100);
            e.Property(a => a.TicketNumber).HasMaxLength(100);
            e.Property(a => a.ClientAddress).HasMaxLength(64);
            e.Property(a => a.CorrelationId).HasMaxLength(128);
            e.Property(a => a.PreviousHash).HasMaxLength(64);
            e.Property(a => a.Hash).HasMaxLength(64);

            // Details stay text (not jsonb): the hash covers the exact characters written.
            e.HasIndex(a => a.OccurredAt);
            e.HasIndex(a => new { a.ActorId, a.Sequence });
            e.HasIndex(a => new { a.PrincipalId, a.Sequence });
            e.HasIndex(a => new { a.RoleId, a.Sequence });
            e.HasIndex(a => new { a.Action, a.Sequence });
            e.HasIndex(a => a.RequestId);
        });

        modelBuilder.Entity<AuditHead>(e =>
        {
            e.HasKey(h => h.Id);
            e.Property(h => h.Id).ValueGeneratedNever();
            e.Property(h => h.LastHash).HasMaxLength(64);
            e.HasData(new Audit.AuditHead { Id = Audit.AuditHead.SingletonId, LastSequence = 0, LastHash = AuditHasher.GenesisHash });
        });

        modelBuilder.Entity<ApiToken>(e =>
        {
            e.HasKey(t => t.Id);
            e.Property(t => t.Name).HasMaxLength(100);
            e.Property(t => t.Prefix).HasMaxLength(16);
            e.Property(t => t.SecretHash).HasMaxLength(64);
            e.Property(t => t.LastUsedFrom).HasMaxLength(64);
            e.HasIndex(t => t.SecretHash).IsUnique();
            e.HasIndex(t => new { t.PrincipalId, t.CreatedAt });
            e.HasIndex(t => t.ChangeSeq);
            e.HasOne<Principal>().WithMany().HasForeignKey(t => t.PrincipalId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<SetupSecret>(e =>
        {
            e.HasKey(s => s.Id);
            e.Property(s => s.SecretHash).HasMaxLength(64);
            e.HasIndex(s => s.SecretHash).IsUnique();
            e.HasOne<Principal>().WithMany().HasForeignKey(s => s.PrincipalId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<LocalCredential>(e =>
        {
            e.HasKey(c => c.PrincipalId);
            e.Property(c => c.PasswordHash).HasMaxLength(200);
            e.HasOne<Principal>().WithMany().HasForeignKey(c => c.PrincipalId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<UserSession>(e =>
        {
            e.HasKey(s => s.Id);
            e.Property(s => s.Methods).HasMaxLength(100);
            e.Property(s => s.ClientAddress).HasMaxLength(64);
            e.Property(s => s.UserAgent).HasMaxLength(200);
            e.HasIndex(s => new { s.PrincipalId, s.CreatedAt });
            e.HasOne<Principal>().WithMany().HasForeignKey(s => s.PrincipalId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<SignInThrottleEntry>(e =>
        {
            e.HasKey(t => t.Key);
            e.Property(t => t.Key).HasMaxLength(200);
        });

        modelBuilder.Entity<ExternalLogin>(e =>
        {
            e.HasKey(l => new { l.Provider, l.Subject });
            e.Property(l => l.Provider).HasMaxLength(50);
            e.Property(l => l.Subject).HasMaxLength(255);
            e.HasIndex(l => l.PrincipalId);
            e.HasOne<Principal>().WithMany().HasForeignKey(l => l.PrincipalId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<TotpFactor>(e =>
        {
            e.HasKey(t => t.Id);
            e.Property(t => t.ProtectedSecret).HasMaxLength(1000);
            e.HasIndex(t => t.PrincipalId);
            e.HasOne<Principal>().WithMany().HasForeignKey(t => t.PrincipalId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<RecoveryCode>(e =>
        {
            e.HasKey(r => r.Id);
            e.Property(r => r.CodeHash).HasMaxLength(64);
            e.HasIndex(r => new { r.PrincipalId, r.CodeHash });
            e.HasOne<Principal>().WithMany().HasForeignKey(r => r.PrincipalId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<WebAuthnCredential>(e =>
        {
            e.HasKey(c => c.Id);
            e.Property(c => c.CredentialId).HasMaxLength(1023);
            e.HasIndex(c => c.CredentialId).IsUnique();
            e.HasIndex(c => c.PrincipalId);
            e.Property(c => c.Name).HasMaxLength(100);
            e.Property(c => c.Transports).HasMaxLength(200);
            e.HasOne<Principal>().WithMany().HasForeignKey(c => c.PrincipalId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Approvals.ApprovalDecision>(e =>
        {
            e.HasKey(d => d.Id);
            e.Property(d => d.ApproverName).HasMaxLength(100);
            e.Property(d => d.Reason).HasMaxLength(500);
            e.Property(d => d.MfaMethod).HasMaxLength(20);

            // One decision per approver per stage: a second one from the same person is refused by the database too.
            e.HasIndex(d => new { d.RequestId, d.Stage, d.ApproverId }).IsUnique();
            e.HasOne<AssignmentRequest>().WithMany().HasForeignKey(d => d.RequestId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Principal>().WithMany().HasForeignKey(d => d.ApproverId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Alerts.SecurityAlert>(e =>
        {
            e.HasKey(a => a.Id);
            e.Property(a => a.DismissReason).HasMaxLength(500);
            e.Property(a => a.Version).IsConcurrencyToken();
            e.HasIndex(a => new { a.Status, a.Type });
        });

        modelBuilder.Entity<Reviews.AccessReview>(e =>
        {
            e.HasKey(r => r.Id);
            e.Property(r => r.Name).HasMaxLength(100);
            e.Property(r => r.NormalizedName).HasMaxLength(100);
            e.HasIndex(r => r.NormalizedName).IsUnique();
            e.Property(r => r.Description).HasMaxLength(1000);
            e.Property(r => r.Version).IsConcurrencyToken();
            e.HasIndex(r => new { r.Status, r.NextStartAt });
            e.HasOne<Principal>().WithMany().HasForeignKey(r => r.OwnerId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Reviews.ReviewInstance>(e =>
        {
            e.HasKey(i => i.Id);
            e.Property(i => i.Version).IsConcurrencyToken();
            e.HasIndex(i => new { i.ReviewId, i.Number }).IsUnique();
            e.HasIndex(i => new { i.Status, i.EndsAt });
            e.HasIndex(i => i.ReminderAt);
            e.HasIndex(i => i.ApplyAt);
            e.HasOne<Reviews.AccessReview>().WithMany().HasForeignKey(i => i.ReviewId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Reviews.ReviewItem>(e =>
        {
            e.HasKey(i => i.Id);
            e.Property(i => i.PrincipalName).HasMaxLength(100);
            e.Property(i => i.ViaGroupName).HasMaxLength(100);
            e.Property(i => i.RoleName).HasMaxLength(100);
            e.Property(i => i.Scope).HasMaxLength(ScopePath.MaxLength);
            e.Property(i => i.RecommendationReason).HasMaxLength(200);
            e.Property(i => i.DecidedByName).HasMaxLength(100);
            e.Property(i => i.DecisionReason).HasMaxLength(500);
            e.Property(i => i.OutcomeDetail).HasMaxLength(1000);
            e.Property(i => i.Version).IsConcurrencyToken();
            e.HasIndex(i => new { i.InstanceId, i.Id });
            e.HasIndex(i => i.AssignmentId);
            e.HasOne<Reviews.ReviewInstance>().WithMany().HasForeignKey(i => i.InstanceId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Reviews.ReviewItemReviewer>(e =>
        {
            e.HasKey(r => new { r.ItemId, r.Stage, r.ReviewerId });
            e.HasIndex(r => new { r.ReviewerId, r.InstanceId });
            e.HasOne<Reviews.ReviewItem>().WithMany().HasForeignKey(r => r.ItemId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Reviews.ReviewDecision>(e =>
        {
            e.HasKey(d => d.Id);
            e.Property(d => d.Reason).HasMaxLength(500);
            e.Property(d => d.ReviewerName).HasMaxLength(100);
            e.HasIndex(d => new { d.ItemId, d.Stage }).IsUnique();
            e.HasIndex(d => new { d.InstanceId, d.ReviewerId });
            e.HasOne<Reviews.ReviewItem>().WithMany().HasForeignKey(d => d.ItemId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Alerts.AlertSettingsRecord>(e =>
        {
            e.HasKey(a => a.Id);
            e.Property(a => a.Id).ValueGeneratedNever();
            e.Property(a => a.Version).IsConcurrencyToken();
        });

        modelBuilder.Entity<Notifications.OutboxMessage>(e =>
        {
            e.HasKey(m => m.Id);
            e.Property(m => m.Destination).HasMaxLength(320);
            e.Property(m => m.ClaimedBy).HasMaxLength(100);
            e.Property(m => m.LastError).HasMaxLength(1000);

            // The dispatcher's query: what is due, oldest first.
            e.HasIndex(m => new { m.Status, m.NextAttemptAt });
            e.HasIndex(m => m.RequestId);
            e.HasIndex(m => new { m.RecipientId, m.Status });
        });

        modelBuilder.Entity<Notifications.DeliveryAttempt>(e =>
        {
            e.HasKey(a => a.Id);
            e.Property(a => a.Error).HasMaxLength(1000);
            e.Property(a => a.Instance).HasMaxLength(100);
            e.HasIndex(a => a.MessageId);
            e.HasOne<Notifications.OutboxMessage>().WithMany().HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Notifications.NotificationPreference>(e =>
        {
            e.HasKey(p => p.PrincipalId);
            e.HasOne<Principal>().WithMany().HasForeignKey(p => p.PrincipalId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<UsedChallenge>(e =>
        {
            e.HasKey(c => c.Id);
            e.Property(c => c.Id).ValueGeneratedNever();
            e.HasIndex(c => c.ExpiresAt);
        });
    }

    /// <summary>DateTimeOffset as UTC ticks, exact in both directions.</summary>
    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        value => value.UtcTicks,
        ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

    private static readonly ValueConverter<RoleSettings, string> SettingsConverter = new(
        settings => JsonSerializer.Serialize(settings, ElevateJson.Options),
        json => JsonSerializer.Deserialize<RoleSettings>(json, ElevateJson.Options)!);

    private static readonly ValueComparer<RoleSettings> SettingsComparer = new(
        (a, b) => JsonSerializer.Serialize(a, ElevateJson.Options) == JsonSerializer.Serialize(b, ElevateJson.Options),
        s => JsonSerializer.Serialize(s, ElevateJson.Options).GetHashCode(StringComparison.Ordinal),
        s => JsonSerializer.Deserialize<RoleSettings>(JsonSerializer.Serialize(s, ElevateJson.Options), ElevateJson.Options)!);
}
