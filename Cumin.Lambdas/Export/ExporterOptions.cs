using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Export;

/// <summary>
/// Configuration section <c>Cumin:Exports</c>, plus <see cref="QueueName"/> from <c>Cumin:Notifications:QueueName</c>.
/// </summary>
public sealed class ExporterOptions
{
    public const string SectionName = "Cumin:Exports";

    public const string QueueNameKey = "Cumin:Notifications:QueueName";

    public const int MinPartSize = 5 * 1024 * 1024;

    /// <summary>The bucket the CSV files go to; objects are <c>exports/{userId}/{exportId}.csv</c>.</summary>
    public string Bucket { get; set; } = "cumin-exports";

    /// <summary>How long the presigned download URL stays valid (API.md: one hour unless configured otherwise).</summary>
    public TimeSpan UrlLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Size of each multipart-upload part, and so of the one buffer an export holds: memory does not grow with the
    /// number of tasks. S3 wants at least 5 MiB for every part but the last; fauxqs refuses bodies over about 11 MiB.
    /// </summary>
    public int PartSize { get; set; } = 6 * 1024 * 1024;

    /// <summary>The SQS queue for completion messages (<c>Cumin:Notifications:QueueName</c>).</summary>
    public string QueueName { get; set; } = "cumin-notifications";

    /// <summary>
    /// Create the bucket and the queue when missing. Null (default): only when an S3 endpoint override is set, that is
    /// in local runs; in AWS they are provisioned with the function and its role has no right to create them.
    /// </summary>
    public bool? CreateMissing { get; set; }
}

public sealed class ExporterOptionsValidator : IValidateOptions<ExporterOptions>
{
    public ValidateOptionsResult Validate(string? name, ExporterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Bucket))
        {
            failures.Add($"{ExporterOptions.SectionName}:Bucket must be set.");
        }

        if (string.IsNullOrWhiteSpace(options.QueueName))
        {
            failures.Add($"{ExporterOptions.QueueNameKey} must be set.");
        }

        if (options.UrlLifetime <= TimeSpan.Zero || options.UrlLifetime > TimeSpan.FromDays(7))
        {
            failures.Add($"{ExporterOptions.SectionName}:UrlLifetime must be positive and at most 7 days (SigV4's limit).");
        }

        if (options.PartSize is < ExporterOptions.MinPartSize or > 64 * 1024 * 1024)
        {
            failures.Add($"{ExporterOptions.SectionName}:PartSize must be 5 MiB to 64 MiB, not {options.PartSize}.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
