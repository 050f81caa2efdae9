using System.Text.Json.Serialization;
using Orleans;

namespace Cumin.Orleans.DynamoDB.Tests.Grains;

public enum WorkStatus
{
    Todo,
    InProgress,
    Done,
}

public enum WorkPriority
{
    Low,
    Medium,
    High,
}

/// <summary>Shaped like the real task state: strings, enums, a timestamp, a number, a list and a nested object.</summary>
[GenerateSerializer, Alias("dynamo-tests.TaskRecord")]
public sealed record TaskRecord
{
    [Id(0)] public string Id { get; init; } = string.Empty;
    [Id(1)] public string ProjectId { get; init; } = string.Empty;
    [Id(2)] public string Title { get; init; } = string.Empty;
    [Id(3)] public string? Description { get; init; }
    [Id(4)] public WorkStatus Status { get; init; }
    [Id(5)] public WorkPriority Priority { get; init; }
    [Id(6)] public DateTimeOffset CreatedAt { get; init; }
    [Id(7)] public int Version { get; init; }
    [Id(8)] public List<string> Tags { get; init; } = [];
    [Id(9)] public Estimate? Estimate { get; init; }
    [Id(10)] public string? Body { get; init; }
}

[GenerateSerializer, Alias("dynamo-tests.Estimate")]
public sealed record Estimate
{
    [Id(0)] public double Hours { get; init; }
    [Id(1)] public string? Reviewer { get; init; }
    [Id(2)] public List<int> Checkpoints { get; init; } = [];
    [Id(3)] public bool Approved { get; init; }
}

[GenerateSerializer, Alias("dynamo-tests.ProfileRecord")]
public sealed record ProfileRecord
{
    [Id(0)] public string DisplayName { get; init; } = string.Empty;
    [Id(1)] public int Logins { get; init; }
}

[GenerateSerializer, Alias("dynamo-tests.NoteRecord")]
public sealed record NoteRecord
{
    [Id(0)] public string Text { get; init; } = string.Empty;
}

/// <summary>A state whose property would overwrite the provider's etag attribute.</summary>
public sealed class EtagShadowingState
{
    [JsonPropertyName("etag")]
    public string Revision { get; set; } = string.Empty;
}

/// <summary>What a grain reports about its persistent state, and which activation reports it.</summary>
[GenerateSerializer, Alias("dynamo-tests.StoredState`1")]
public sealed record StoredState<T>(
    [property: Id(0)] T State,
    [property: Id(1)] string? ETag,
    [property: Id(2)] bool RecordExists,
    [property: Id(3)] Guid ActivationId);
