using Cumin.Lambdas.LocalRunner;
using Cumin.Lambdas.LocalRunner.DynamoDbStreams;
using Cumin.Lambdas.Streams;

namespace Cumin.Lambdas.Tests.LocalRunner;

/// <summary>Which shards the runner reads next (DynamoDB Local never splits shards, so this is checked alone).</summary>
public sealed class ShardLineageTests
{
    private static Shard Shard(string id, string? parent = null) => new() { ShardId = id, ParentShardId = parent };

    private static string[] Start(Shard[] shards, string[] finished, string[]? reading = null) =>
        [.. TableStreamPoller.ShardsToStart(shards, finished.ToHashSet(), (reading ?? []).ToHashSet()).Select(s => s.ShardId)];

    [Fact]
    public void Child_shard_waits_until_its_parent_is_finished()
    {
        Shard[] shards = [Shard("parent"), Shard("child-1", "parent"), Shard("child-2", "parent")];

        Assert.Equal(["parent"], Start(shards, []));
        Assert.Empty(Start(shards, [], reading: ["parent"]));
        Assert.Equal(["child-1", "child-2"], Start(shards, ["parent"]));
    }

    [Fact]
    public void Child_of_a_trimmed_parent_starts_at_once() =>
        Assert.Equal(["orphan", "root"], Start([Shard("orphan", "trimmed-away"), Shard("root")], []));

    [Fact]
    public void Finished_and_running_shards_are_not_started_again() =>
        Assert.Equal(["c"], Start([Shard("a"), Shard("b"), Shard("c", "a")], finished: ["a"], reading: ["b"]));

    [Theory]
    [InlineData(1, 200)]
    [InlineData(2, 400)]
    [InlineData(4, 1600)]
    [InlineData(30, 10_000)]
    public void Retry_delay_doubles_up_to_the_maximum(int attempt, int expectedMilliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), new EventSourceRunnerOptions().RetryDelayFor(attempt));

    [Fact]
    public void Options_validator_rejects_a_batch_size_GetRecords_would_refuse()
    {
        var result = new EventSourceRunnerOptionsValidator().Validate(null, new EventSourceRunnerOptions { BatchSize = 5000 });

        Assert.True(result.Failed);
        Assert.Contains("BatchSize", result.FailureMessage, StringComparison.Ordinal);
    }
}
