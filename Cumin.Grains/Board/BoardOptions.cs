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
