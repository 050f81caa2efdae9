using System.Numerics;

namespace Cumin.Lambdas.Aggregation;

/// <summary>A task record reduced to what the counts need: which task, how new, and its status afterwards (null: deleted).</summary>
public readonly record struct TaskChange(string ProjectId, string TaskId, BigInteger SequenceNumber, string? NewStatus);

/// <summary>A REMOVE record of the projects table.</summary>
public readonly record struct ProjectRemoval(string ProjectId, BigInteger SequenceNumber);

/// <summary>What applying a batch did, for logs and tests, and the counts it changed (for <c>counts.updated</c>).</summary>
public readonly record struct BatchOutcome(int Applied, int Stale, int OfDeletedProjects, int ProjectsRemoved)
{
    public IReadOnlyList<CountsSnapshot> Counts { get; init; } = [];
}

/// <summary>
/// A project's counts as a batch's transaction left them, with a version that grows with every change of them
/// (the transaction's id), so a reader that gets two out of order keeps the newer.
/// </summary>
public sealed record CountsSnapshot
{
    public required string ProjectId { get; init; }

    public required int Todo { get; init; }

    public required int InProgress { get; init; }

    public required int Done { get; init; }

    public required long Version { get; init; }
}
