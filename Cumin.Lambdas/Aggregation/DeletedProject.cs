using System.Numerics;

namespace Cumin.Lambdas.Aggregation;

/// <summary>
/// A project whose REMOVE record has been applied (table <c>aggregator_deleted_projects</c>). The tasks and
/// projects tables stream separately, so a deleted project's task records may arrive after its own REMOVE;
/// this marker makes them change nothing instead of re-creating counts. Markers outlive the 24-hour stream
/// retention by a margin and are then purged.
/// </summary>
public sealed class DeletedProject
{
    public required string ProjectId { get; set; }

    public BigInteger SequenceNumber { get; set; }

    public DateTimeOffset DeletedAt { get; set; }
}
