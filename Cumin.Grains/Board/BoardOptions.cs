namespace Cumin.Grains.Board;

/// <summary>Configuration section <c>Cumin:Board</c>: how a project answers its board from memory.</summary>
public sealed class BoardOptions
{
    public const string Section = "Cumin:Board";

    /// <summary>
    /// Tasks one list request may look at before it answers with what it found and a cursor: bounds the work of a
    /// filter that matches little (a page may then be short, even empty, with a next cursor).
    /// </summary>
    public int ScanLimit { get; set; } = 10_000;
}

/// <summary>Bounds of what a board holds in memory.</summary>
public static class BoardLimits
{
    /// <summary>
    /// The longest description a board keeps in memory (characters). Longer ones, up to the 5,000 a task may have, are
    /// read back from storage for the page that shows them (one batch read per page): most descriptions are short,
    /// and this keeps a task's cost in memory bounded by a few kilobytes.
    /// </summary>
    public const int DescriptionKept = 500;
}
