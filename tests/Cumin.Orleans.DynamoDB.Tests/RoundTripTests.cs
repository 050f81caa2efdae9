using Amazon.DynamoDBv2.Model;
using Orleans;
using Orleans.Runtime;

namespace Cumin.Orleans.DynamoDB.Tests;

/// <summary>States of awkward shapes written through the provider to DynamoDB Local and read back unchanged.</summary>
[Collection(StorageClusterCollection.Name)]
public sealed class RoundTripTests(StorageCluster fixture)
{
    [Fact]
    public async Task Numbers_strings_and_empty_containers_survive_the_round_trip()
    {
        var state = new AwkwardState
        {
            SmallestInt = int.MinValue,
            LargestLong = long.MaxValue,
            WideDecimal = 79228162514264337593543950335m,
            Tenth = 0.1,
            Tiny = 1e-7,
            Huge = 1e20,
            Empty = string.Empty,
            Unicode = "ünïcödé \"quoted\" \\ 雪 🍀",
            Missing = null,
            NoItems = [],
            NoEntries = [],
            Entries = new Dictionary<string, int> { ["a b"] = 1, ["etag"] = 2, ["pk"] = 3 },
            Nested = [[1, 2], [], [3]],
            Id = Guid.NewGuid(),
            At = new DateTimeOffset(2025, 11, 24, 20, 15, 30, 123, TimeSpan.FromHours(2)),
        };
        var grainId = GrainId.Create("awkward", Guid.NewGuid().ToString("N"));

        await fixture.Storage.WriteStateAsync("awkward", grainId, new GrainState<AwkwardState>(state));
        var read = new GrainState<AwkwardState>();
        await fixture.Storage.ReadStateAsync("awkward", grainId, read);

        Assert.True(read.RecordExists);
        Assert.NotNull(read.State);
        Assert.Equivalent(state, read.State, strict: true);
        Assert.Equal(state.At, read.State.At);
        Assert.Equal(state.At.Offset, read.State.At.Offset);
    }

    [Fact]
    public async Task State_that_is_not_an_object_is_kept_in_a_value_attribute()
    {
        var grainId = GrainId.Create("counter", Guid.NewGuid().ToString("N"));
        List<int> numbers = [3, 1, 4, 1, 5];

        await fixture.Storage.WriteStateAsync("numbers", grainId, new GrainState<List<int>>(numbers));
        var read = new GrainState<List<int>>();
        await fixture.Storage.ReadStateAsync("numbers", grainId, read);
        var item = (await fixture.DynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = fixture.DefaultTable,
            Key = new Dictionary<string, AttributeValue> { ["pk"] = new() { S = grainId.ToString() }, ["sk"] = new() { S = "numbers" } },
            ConsistentRead = true,
        })).Item;

        Assert.Equal(numbers, read.State);
        Assert.Equal(["3", "1", "4", "1", "5"], item["value"].L.Select(x => x.N));
    }

    [Fact]
    public async Task Reading_a_state_never_written_gives_a_fresh_default_state()
    {
        var read = new GrainState<AwkwardState>(new AwkwardState { Empty = "left over" }, "7");

        await fixture.Storage.ReadStateAsync("awkward", GrainId.Create("awkward", Guid.NewGuid().ToString("N")), read);

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.NotNull(read.State);
        Assert.Equal(string.Empty, read.State.Empty);
    }

    public sealed class AwkwardState
    {
        public int SmallestInt { get; set; }
        public long LargestLong { get; set; }
        public decimal WideDecimal { get; set; }
        public double Tenth { get; set; }
        public double Tiny { get; set; }
        public double Huge { get; set; }
        public string Empty { get; set; } = string.Empty;
        public string Unicode { get; set; } = string.Empty;
        public string? Missing { get; set; }
        public List<string> NoItems { get; set; } = [];
        public Dictionary<string, string> NoEntries { get; set; } = [];
        public Dictionary<string, int> Entries { get; set; } = [];
        public List<List<int>> Nested { get; set; } = [];
        public Guid Id { get; set; }
        public DateTimeOffset At { get; set; }
    }
}
