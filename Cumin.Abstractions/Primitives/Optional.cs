namespace Cumin.Primitives;

/// <summary>
/// A member of a partial update that may be left out (<see cref="IsSet"/> false: unchanged) or given, where a given
/// <see langword="null"/> clears it: API.md's PATCH rules, which a nullable alone cannot tell apart.
/// </summary>
[GenerateSerializer, Immutable, Alias("cumin.optional`1")]
public readonly record struct Optional<T>(
    [property: Id(0)] bool IsSet,
    [property: Id(1)] T Value)
{
    public static Optional<T> Unset => default;

    public static Optional<T> Of(T value) => new(true, value);

    /// <summary>The given value, or <paramref name="current"/> when none was given.</summary>
    public T Or(T current) => IsSet ? Value : current;
}
