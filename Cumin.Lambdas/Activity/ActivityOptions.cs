using Microsoft.Extensions.Options;

namespace Cumin.Lambdas.Activity;

/// <summary>Configuration section <c>Cumin:Activity</c>: how much of a project's activity is kept.</summary>
public sealed class ActivityOptions
{
    public const string SectionName = "Cumin:Activity";

    /// <summary>
    /// The newest entries kept per project; older ones are deleted in steps of a tenth of this (so a project holds at
    /// most 1.1 times as many). A deleted project's entries go with it.
    /// </summary>
    public int MaxEntriesPerProject { get; set; } = 10_000;
}

public sealed class ActivityOptionsValidator : IValidateOptions<ActivityOptions>
{
    public ValidateOptionsResult Validate(string? name, ActivityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.MaxEntriesPerProject is < 10 or > 1_000_000
            ? ValidateOptionsResult.Fail($"{ActivityOptions.SectionName}:MaxEntriesPerProject must be 10 to 1,000,000, not {options.MaxEntriesPerProject}.")
            : ValidateOptionsResult.Success;
    }
}
