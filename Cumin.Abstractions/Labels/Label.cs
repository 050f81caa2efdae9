namespace Cumin.Labels;

/// <summary>A label of a project: a name unique in the project regardless of case, and a colour <c>#rrggbb</c>.</summary>
[GenerateSerializer, Immutable, Alias("cumin.label")]
public sealed record Label(
    [property: Id(0)] string Id,
    [property: Id(1)] string ProjectId,
    [property: Id(2)] string Name,
    [property: Id(3)] string Color);

/// <summary>A partial update of a label: null members stay as they are.</summary>
[GenerateSerializer, Immutable, Alias("cumin.label-patch")]
public sealed record LabelPatch(
    [property: Id(0)] string? Name,
    [property: Id(1)] string? Color);

public static class LabelLimits
{
    public const int NameMax = 50;

    /// <summary>API.md's colour: <c>#rrggbb</c>, hexadecimal digits in either case.</summary>
    public const string ColorPattern = "^#[0-9A-Fa-f]{6}$";

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    public static bool IsColor(string? color) =>
        color is { Length: 7 } && color[0] == '#' && !color.AsSpan(1).ContainsAnyExcept(HexDigits);
}
