using System.Numerics;

namespace Cumin.Lambdas.Aggregation;

/// <summary>A task record reduced to what the counts need: which task, how new, and its status afterwards (null: deleted).</summary>
public readonly record struct TaskChange(string ProjectId, string TaskId, BigInteger SequenceNumber, string? NewStatus);

/// <summary>A REMOVE record of the projects table.</summary>
public readonly record struct ProjectRemoval(string ProjectId, BigInteger SequenceNumber);

/// <summary>What applying a batch did, for logs and tests.</summary>
public readonly record struct BatchOutcome(int Applied, int Stale, int OfDeletedProjects, int ProjectsRemoved);
