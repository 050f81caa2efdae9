using Cumin.Grains.Board;

namespace Cumin.Grains.Tests;

/// <summary>Fractional indexing as the board relies on it: ordinal order, room between any two, short keys where it matters.</summary>
public sealed class RanksTests
{
    [Fact]
    public void Appending_increments_and_stays_short_for_a_hundred_thousand_tasks()
    {
        string? last = null;
        for (var i = 0; i < 100_000; i++)
        {
            var next = Ranks.Between(last, null);
            Assert.True(last is null || string.CompareOrdinal(last, next) < 0, $"{next} after {last}");
            last = next;
        }

        Assert.True(last!.Length <= 4, last);
    }

    [Fact]
    public void Between_any_two_ranks_lies_a_third()
    {
        var random = new Random(7);
        var ranks = new List<string> { Ranks.First };
        for (var i = 0; i < 5_000; i++)
        {
            var at = random.Next(ranks.Count + 1);
            var rank = Ranks.Between(at == 0 ? null : ranks[at - 1], at == ranks.Count ? null : ranks[at]);
            ranks.Insert(at, rank);
        }

        Assert.Equal(ranks.Order(StringComparer.Ordinal), ranks);
        Assert.Equal(ranks.Count, ranks.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ranks, rank => Assert.True(Ranks.IsValid(rank), rank));
    }

    [Fact]
    public void Repeated_inserts_at_one_spot_grow_a_character_about_every_six()
    {
        var low = "a0";
        var high = "a1";
        var rank = high;
        for (var i = 0; i < 60; i++)
        {
            rank = Ranks.Between(low, rank);
        }

        Assert.InRange(rank.Length, 8, 16);
    }

    [Fact]
    public void Spread_gives_short_ordered_ranks_between_its_bounds()
    {
        var spread = Ranks.Spread("a0", "a0V", 50);
        Assert.Equal(50, spread.Count);
        Assert.Equal(spread.Order(StringComparer.Ordinal), spread);
        Assert.All(spread, r => Assert.True(string.CompareOrdinal("a0", r) < 0 && string.CompareOrdinal(r, "a0V") < 0, r));
        Assert.True(spread.Max(r => r.Length) <= 5);
        Assert.Equal(["a0", "a1", "a2"], Ranks.Spread(null, null, 3));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("a00")]
    [InlineData("!!")]
    [InlineData("b0")]
    [InlineData("A00000000000000000000000000")]
    public void Strings_that_are_not_ranks_are_refused(string rank) => Assert.False(Ranks.IsValid(rank));

    [Fact]
    public void Ranks_sort_below_zero_too()
    {
        var ranks = new List<string> { Ranks.First };
        for (var i = 0; i < 200; i++)
        {
            ranks.Insert(0, Ranks.Between(null, ranks[0]));
        }

        Assert.Equal(ranks.Order(StringComparer.Ordinal), ranks);
        Assert.All(ranks, rank => Assert.True(Ranks.IsValid(rank), rank));
    }
}
