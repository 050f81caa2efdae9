using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.LocalRunner;

/// <summary>Configuration section <c>Cumin:Runner</c>: how the local runner mirrors a Lambda event-source mapping.</summary>
public sealed class EventSourceRunnerOptions
{
    public const string SectionName = "Cumin:Runner";

    /// <summary>Wait between GetRecords calls on a shard that returned less than a full batch.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Records per GetRecords call and per invocation (Lambda's BatchSize; at most 1000).</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How often a stream is described again to find new shards (a closed shard also triggers it).</summary>
    public TimeSpan DescribeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a table that does not exist yet, or has no stream, is looked for again.</summary>
    public TimeSpan TableWaitInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Retries of a failing record before it is skipped (Lambda's MaximumRetryAttempts; -1: retry forever).</summary>
    public int MaximumRetryAttempts { get; set; } = 5;

    /// <summary>First wait before a retry; doubles with every attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Apply the EF Core migrations when the runner starts.</summary>
    public bool MigrateOnStart { get; set; } = true;

    internal TimeSpan RetryDelayFor(int attempt)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 20));
        return TimeSpan.FromTicks((long)Math.Min(MaxRetryDelay.Ticks, RetryDelay.Ticks * factor));
    }
}

public sealed class EventSourceRunnerOptionsValidator : IValidateOptions<EventSourceRunnerOptions>
{
    public ValidateOptionsResult Validate(string? name, EventSourceRunnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.BatchSize is < 1 or > 1000)
        {
            failures.Add($"{EventSourceRunnerOptions.SectionName}:BatchSize must be 1..1000 (GetRecords' limit), not {options.BatchSize}.");
        }

        if (options.PollInterval <= TimeSpan.Zero)
        {
            failures.Add($"{EventSourceRunnerOptions.SectionName}:PollInterval must be positive.");
        }

        if (options.DescribeInterval <= TimeSpan.Zero || options.TableWaitInterval <= TimeSpan.Zero)
        {
            failures.Add($"{EventSourceRunnerOptions.SectionName}:DescribeInterval and TableWaitInterval must be positive.");
        }

        if (options.MaximumRetryAttempts < -1)
        {
            failures.Add($"{EventSourceRunnerOptions.SectionName}:MaximumRetryAttempts must be -1 (forever) or more.");
        }

        if (options.RetryDelay < TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay)
        {
            failures.Add($"{EventSourceRunnerOptions.SectionName}:RetryDelay must be 0 or more and MaxRetryDelay at least RetryDelay.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
