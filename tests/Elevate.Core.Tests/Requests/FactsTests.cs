using Elevate.Core.Assignments;
using Elevate.Core.Requests;

namespace Elevate.Core.Tests.Requests;

/// <summary>The baseline every rule test varies: each builder's facts are accepted, so a rejection proves the variation.</summary>
public sealed class FactsTests
{
    public static TheoryData<string> Builders =>
    [
        nameof(Facts.SelfActivate),
        nameof(Facts.SelfDeactivate),
        nameof(Facts.SelfExtendActivation),
        nameof(Facts.SelfExtendAssignment),
        nameof(Facts.SelfRenew),
        nameof(Facts.AdminAssign) + ":" + nameof(AssignmentKind.Active),
        nameof(Facts.AdminAssign) + ":" + nameof(AssignmentKind.Eligible),
        nameof(Facts.AdminUpdate),
        nameof(Facts.AdminExtend),
        nameof(Facts.AdminRemove),
    ];

    [Theory]
    [MemberData(nameof(Builders))]
    public void Each_builder_gives_facts_that_the_rules_accept(string builder)
    {
        var facts = builder switch
        {
            nameof(Facts.SelfActivate) => Facts.SelfActivate(),
            nameof(Facts.SelfDeactivate) => Facts.SelfDeactivate(),
            nameof(Facts.SelfExtendActivation) => Facts.SelfExtendActivation(),
            nameof(Facts.SelfExtendAssignment) => Facts.SelfExtendAssignment(),
            nameof(Facts.SelfRenew) => Facts.SelfRenew(),
            "AdminAssign:Active" => Facts.AdminAssign(AssignmentKind.Active),
            "AdminAssign:Eligible" => Facts.AdminAssign(AssignmentKind.Eligible),
            nameof(Facts.AdminUpdate) => Facts.AdminUpdate(),
            nameof(Facts.AdminExtend) => Facts.AdminExtend(),
            nameof(Facts.AdminRemove) => Facts.AdminRemove(),
            _ => throw new ArgumentOutOfRangeException(nameof(builder)),
        };

        Verdict.Accepted(RequestRules.Evaluate(facts));
    }
}
