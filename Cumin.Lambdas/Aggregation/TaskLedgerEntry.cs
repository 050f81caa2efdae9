using System.Numerics;

namespace Cumin.Lambdas.Aggregation;

/// <summary>
/// The aggregator's idempotency ledger, one row per task (table <c>aggregator_task_ledger</c>): the newest stream
/// record applied for the task and the status the counts hold for it. A record not newer than
/// <see cref="LastSequenceNumber"/> changes nothing. Keeping the counted status (rather than trusting a record's
/// OldImage) is what keeps counts exact when records arrive out of order: a late older record is skipped, and
/// the next newer one moves the task from what is actually counted to its new status.
/// </summary>
public sealed class TaskLedgerEntry
{
    public required string ProjectId { get; set; }

    public required string TaskId { get; set; }

    /// <summary>numeric(40,0): sequence numbers have up to 40 decimal digits and compare numerically.</summary>
    public BigInteger LastSequenceNumber { get; set; }

    /// <summary>The wire name (<c>todo</c>, <c>in_progress</c>, <c>done</c>), or null once the task is deleted.</summary>
    public string? CountedStatus { get; set; }
}
