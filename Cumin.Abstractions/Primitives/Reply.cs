namespace Cumin.Primitives;

/// <summary>How a grain call ended. Expected failures travel as values, not exceptions (cheaper, and exact for HTTP).</summary>
public enum Outcome
{
    Ok,

    /// <summary>The thing does not exist or the caller may not see it (no existence leak).</summary>
    NotFound,

    /// <summary>The caller may see it but their role does not allow the action.</summary>
    Forbidden,

    /// <summary>A uniqueness rule failed (e-mail registered, member present) or the request contradicts the state.</summary>
    Conflict,

    /// <summary>The expected version is not the current one.</summary>
    PreconditionFailed,

    /// <summary>Credentials or tokens were not accepted.</summary>
    Unauthorized,

    /// <summary>A rule of the domain rejected the input (for example removing the owner).</summary>
    Invalid,

    /// <summary>A bound of API.md's Limits table would be passed (projects per user, members, tasks, labels, comments).</summary>
    LimitReached,

    /// <summary>The caller has as many of something in flight as they may (exports pending or running); retry later.</summary>
    TooManyRequests,
}

/// <summary>A grain's answer: an outcome, the value when it is <see cref="Outcome.Ok"/>, and a human-readable detail otherwise.</summary>
[GenerateSerializer, Immutable, Alias("cumin.reply`1")]
public sealed record Reply<T>(
    [property: Id(0)] Outcome Outcome,
    [property: Id(1)] T? Value,
    [property: Id(2)] string? Detail = null)
{
    public bool IsOk => Outcome == Outcome.Ok;

    public static Reply<T> Ok(T value) => new(Outcome.Ok, value);

    public static Reply<T> Fail(Outcome outcome, string detail) => new(outcome, default, detail);

    /// <summary>A limit of API.md's table was reached; <paramref name="limit"/> names it for the caller.</summary>
    public static Reply<T> Limit(string limit) => new(Outcome.LimitReached, default, limit);

    public Reply<TOther> As<TOther>() => new(Outcome, default, Detail);
}
