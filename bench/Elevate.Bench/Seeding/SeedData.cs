using Elevate.Core.Assignments;
using Elevate.Core.Audit;
using Elevate.Core.Common;
using Elevate.Core.Principals;
using Elevate.Core.Roles;
using Elevate.Core.Tokens;

namespace Elevate.Bench.Seeding;

/// <summary>A role as the seeder needs it.</summary>
public sealed record SeedRole(Guid Id, string Name);

/// <summary>
/// The generated data set, as Elevate's own entities: users in 1-3 groups each, eligibilities for users and groups
/// (every activator's first one is for the activation role at /prod), active assignments (activations made from
/// eligibilities, administrator grants to users and groups), and tokens for the activators and the checker.
/// Deterministic for a given shape and clock.
/// </summary>
public sealed class SeedData
{
    private readonly Random _random = new(20261127);
    private readonly DateTimeOffset _now;
    private readonly Guid _administratorId;

    private SeedData(DateTimeOffset now, Guid administratorId)
    {
        _now = Clock.Truncate(now);
        _administratorId = administratorId;
    }

    public List<Principal> Users { get; } = [];

    public List<Principal> Groups { get; } = [];

    public Principal Checker { get; private set; } = null!;

    public List<GroupMembership> Memberships { get; } = [];

    public List<ApiToken> Tokens { get; } = [];

    public List<Assignment> Eligible { get; } = [];

    public List<Assignment> Active { get; } = [];

    public IEnumerable<Principal> Principals => Users.Concat(Groups).Append(Checker);

    public IEnumerable<Assignment> Assignments => Eligible.Concat(Active);

    public static SeedData Generate(SeedShape shape, IReadOnlyList<SeedRole> roles, SeedRole activationRole, Guid administratorId, DateTimeOffset now)
    {
        var data = new SeedData(now, administratorId);
        data.AddPrincipals(shape);
        data.AddEligibilities(shape, roles, activationRole);
        data.AddActiveAssignments(shape, roles);
        return data;
    }

    /// <summary>The audit records an administrator's API calls would have left for all of it.</summary>
    public IEnumerable<AuditRecord> AuditRecords(IEnumerable<SeedRole> roles)
    {
        var names = new AssignmentAudit();
        foreach (var principal in Principals)
        {
            names.Know(principal.Id, principal.Name);
            var action = principal.Kind switch
            {
                PrincipalKind.User => "user.created",
                PrincipalKind.Group => "group.created",
                PrincipalKind.ServiceAccount => "service_account.created",
            };
            yield return new AuditRecord(action)
            {
                PrincipalId = principal.Id,
                PrincipalName = principal.Name,
                Details = AuditDetails.Of(new { principal.DisplayName, principal.Email }),
            };
        }

        foreach (var role in roles)
        {
            names.KnowRole(role.Id, role.Name);
        }

        names.KnowRole(BuiltInRoles.IdOf(BuiltInRole.AccessChecker), BuiltInRoles.NameOf(BuiltInRole.AccessChecker));
        var principalNames = Principals.ToDictionary(p => p.Id, p => p.Name);
        foreach (var token in Tokens)
        {
            yield return new AuditRecord("token.created")
            {
                PrincipalId = token.PrincipalId,
                PrincipalName = principalNames[token.PrincipalId],
                Details = AuditDetails.Of(new { tokenId = token.Id, tokenName = token.Name, token.Prefix, token.ExpiresAt }),
            };
        }

        foreach (var assignment in Assignments)
        {
            yield return names.Record(assignment.Origin == AssignmentOrigin.Activation ? "assignment.activated" : "assignment.created", assignment, assignment.CreatedByRequestId);
        }
    }

    private void AddPrincipals(SeedShape shape)
    {
        for (var i = 0; i < shape.Users; i++)
        {
            var name = SeedShape.UserName(i);
            Users.Add(NewPrincipal(PrincipalKind.User, name, $"User {i}", $"{name}@bench.example"));
        }

        for (var i = 0; i < shape.Groups; i++)
        {
            Groups.Add(NewPrincipal(PrincipalKind.Group, SeedShape.GroupName(i), $"Group {i}", null));
        }

        Checker = NewPrincipal(PrincipalKind.ServiceAccount, SeedShape.CheckerName, "Benchmark access checker", null);
        foreach (var user in Users)
        {
            var count = 1 + _random.Next(3);
            foreach (var group in Enumerable.Range(0, count).Select(_ => Groups[_random.Next(Groups.Count)]).DistinctBy(g => g.Id))
            {
                Memberships.Add(new GroupMembership { GroupId = group.Id, MemberId = user.Id, AddedAt = user.CreatedAt });
            }
        }

        foreach (var holder in Users.Take(shape.Activators).Append(Checker))
        {
            Tokens.Add(NewToken(holder));
        }
    }

    private void AddEligibilities(SeedShape shape, IReadOnlyList<SeedRole> roles, SeedRole activationRole)
    {
        for (var i = 0; i < Users.Count; i++)
        {
            var taken = new HashSet<(Guid, string)>();
            if (SeedShape.IsActivator(i, shape))
            {
                // Permanent, so an activation of any allowed length fits inside it.
                Eligible.Add(NewEligibility(Users[i], activationRole, SeedShape.ActivationEligibilityScope, permanent: true));
                taken.Add((activationRole.Id, SeedShape.ActivationEligibilityScope));
            }

            AddDistinctEligibilities(Users[i], roles, SeedShape.EligibleAssignmentsPerUser - taken.Count, taken);
        }

        foreach (var group in Groups)
        {
            AddDistinctEligibilities(group, roles, SeedShape.EligibleAssignmentsPerGroup, []);
        }
    }

    private void AddDistinctEligibilities(Principal holder, IReadOnlyList<SeedRole> roles, int count, HashSet<(Guid, string)> taken)
    {
        while (count > 0)
        {
            var role = roles[_random.Next(roles.Count)];
            var scope = SeedShape.RandomAssignmentScope(_random);
            if (taken.Add((role.Id, scope)))
            {
                Eligible.Add(NewEligibility(holder, role, scope, permanent: _random.Next(100) < 70));
                count--;
            }
        }
    }

    private void AddActiveAssignments(SeedShape shape, IReadOnlyList<SeedRole> roles)
    {
        var roleIds = roles.Select(r => r.Id).ToHashSet();
        var openActivations = new HashSet<(Guid, Guid, string)>();
        var perUser = SeedShape.EligibleAssignmentsPerUser;
        while (Active.Count < shape.UserActivations)
        {
            var user = _random.Next(Users.Count);
            var eligibility = Eligible[(user * perUser) + _random.Next(perUser)];
            if (!roleIds.Contains(eligibility.RoleId))
            {
                continue; // the activation role's /prod/payments stays free for the activation benchmark
            }

            var scope = eligibility.Scope.Count(c => c == '/') < 3 && eligibility.Scope != "/" && _random.Next(2) == 0
                ? $"{eligibility.Scope}/{SeedShape.Components[_random.Next(SeedShape.Components.Length)]}"
                : eligibility.Scope;
            if (openActivations.Add((eligibility.PrincipalId, eligibility.RoleId, scope)))
            {
                var startsAt = _now - TimeSpan.FromMinutes(_random.Next(120));
                Active.Add(NewAssignment(AssignmentKind.Active, AssignmentOrigin.Activation, eligibility.PrincipalId, eligibility.RoleId, scope, startsAt,
                    _now + TimeSpan.FromHours(12) + TimeSpan.FromMinutes(_random.Next(720)), eligibility.Id));
            }
        }

        for (var i = 0; i < shape.UserAdministratorGrants; i++)
        {
            var role = roles[_random.Next(roles.Count)];
            Active.Add(NewAssignment(AssignmentKind.Active, AssignmentOrigin.Administrator, Users[_random.Next(Users.Count)].Id, role.Id,
                SeedShape.RandomAssignmentScope(_random), _now - TimeSpan.FromDays(1 + _random.Next(365)), null, null));
        }

        for (var i = 0; i < shape.GroupGrants; i++)
        {
            var role = roles[_random.Next(roles.Count)];
            DateTimeOffset? endsAt = _random.Next(2) == 0 ? null : _now + TimeSpan.FromDays(30 + _random.Next(150));
            Active.Add(NewAssignment(AssignmentKind.Active, AssignmentOrigin.Administrator, Groups[_random.Next(Groups.Count)].Id, role.Id,
                SeedShape.RandomAssignmentScope(_random), _now - TimeSpan.FromDays(1 + _random.Next(365)), endsAt, null));
        }

        Active.Add(NewAssignment(AssignmentKind.Active, AssignmentOrigin.Administrator, Checker.Id, BuiltInRoles.IdOf(BuiltInRole.AccessChecker), "/",
            _now - TimeSpan.FromDays(1), null, null));
    }

    private Principal NewPrincipal(PrincipalKind kind, string name, string displayName, string? email)
    {
        var createdAt = _now - TimeSpan.FromDays(366 + _random.Next(365));
        return new Principal
        {
            Id = Ids.New(createdAt),
            Kind = kind,
            Name = name,
            NormalizedName = Principal.Normalize(name),
            DisplayName = displayName,
            Email = email,
            CreatedAt = createdAt,
        };
    }

    private ApiToken NewToken(Principal holder)
    {
        var secret = SeedShape.TokenSecret(holder.Name);

        // Used from this machine before: a request records its use with one UPDATE (at most once a minute per token)
        // instead of auditing a first use, which is what a long-lived token does on most requests.
        return new ApiToken
        {
            Id = Ids.New(_now),
            PrincipalId = holder.Id,
            Name = "bench",
            Prefix = secret[..Secrets.PrefixShown],
            SecretHash = Secrets.Hash(secret),
            CreatedAt = _now - TimeSpan.FromDays(1),
            CreatedById = _administratorId,
            ExpiresAt = _now + TimeSpan.FromDays(90),
            LastUsedAt = _now - TimeSpan.FromDays(1),
            LastUsedFrom = "127.0.0.1",
        };
    }

    private Assignment NewEligibility(Principal holder, SeedRole role, string scope, bool permanent)
    {
        var startsAt = _now - TimeSpan.FromDays(1 + _random.Next(365));
        DateTimeOffset? endsAt = permanent ? null : _now + TimeSpan.FromDays(30 + _random.Next(335));
        return NewAssignment(AssignmentKind.Eligible, AssignmentOrigin.Administrator, holder.Id, role.Id, scope, startsAt, endsAt, null);
    }

    private static Assignment NewAssignment(
        AssignmentKind kind, AssignmentOrigin origin, Guid principalId, Guid roleId, string scope, DateTimeOffset startsAt, DateTimeOffset? endsAt, Guid? eligibilityId) => new()
        {
            Id = Ids.New(startsAt),
            Kind = kind,
            Origin = origin,
            PrincipalId = principalId,
            RoleId = roleId,
            Scope = scope,
            StartsAt = startsAt,
            EndsAt = endsAt,
            Status = AssignmentStatus.Active,
            EligibilityId = eligibilityId,

            // The request rows behind seeded assignments are not loaded (nothing the benchmarks measure reads them).
            CreatedByRequestId = Ids.New(startsAt),
            CreatedAt = startsAt,
        };
}
