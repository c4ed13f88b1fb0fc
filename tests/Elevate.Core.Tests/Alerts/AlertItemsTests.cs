using Elevate.Core.Alerts;

namespace Elevate.Core.Tests.Alerts;

/// <summary>Reading the first few of an alert's stored items gives exactly the first ones of the whole list.</summary>
public sealed class AlertItemsTests
{
    private static SecurityAlert WithItems(int count) => new()
    {
        Items = SecurityAlert.WriteItems(Enumerable.Range(0, count).Select(i => new AlertItem($"key-{i}", Guid.NewGuid(), $"user{i}", Guid.NewGuid(), "db-admin", "/prod", Guid.NewGuid(), $"detail \"{i}\""))),
    };

    [Theory]
    [InlineData(0, 5, 0)]
    [InlineData(3, 5, 3)]
    [InlineData(5, 5, 5)]
    [InlineData(500, 5, 5)]
    [InlineData(500, 0, 0)]
    public void The_first_items_are_the_start_of_the_full_list(int stored, int most, int expected)
    {
        var alert = WithItems(stored);

        var first = alert.ReadItems(most);

        Assert.Equal(expected, first.Count);
        Assert.Equal(alert.ReadItems().Take(most), first);
    }

    [Fact]
    public void An_empty_or_missing_list_reads_as_no_items()
    {
        Assert.Empty(new SecurityAlert { Items = "[]" }.ReadItems(5));
        Assert.Empty(new SecurityAlert { Items = "null" }.ReadItems(5));
    }
}
