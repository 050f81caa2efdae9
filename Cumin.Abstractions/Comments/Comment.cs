namespace Cumin.Comments;

/// <summary>A comment on a task; only its author edits it, its author or the project's owner deletes it.</summary>
[GenerateSerializer, Immutable, Alias("cumin.comment")]
public sealed record Comment(
    [property: Id(0)] string Id,
    [property: Id(1)] string TaskId,
    [property: Id(2)] string AuthorId,
    [property: Id(3)] string Body,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset UpdatedAt);

/// <summary>A page of a task's comments, oldest first; <see cref="NextCursor"/> is null on the last page.</summary>
[GenerateSerializer, Immutable, Alias("cumin.comment-page")]
public sealed record CommentPage(
    [property: Id(0)] IReadOnlyList<Comment> Items,
    [property: Id(1)] string? NextCursor);

public static class CommentLimits
{
    public const int BodyMax = 10_000;
}
