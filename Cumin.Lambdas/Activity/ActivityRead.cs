namespace Cumin.Lambdas.Activity;

/// <summary>What one stream record means for the activity: entries, a project removed, nothing, or a malformed record.</summary>
internal sealed record ActivityRead(IReadOnlyList<ActivityEntry> Entries, ActivityProjectRemoval? Removal = null, string? Malformed = null)
{
    public static ActivityRead Nothing { get; } = new([]);

    public static ActivityRead Bad(string reason) => new([], null, reason);
}
