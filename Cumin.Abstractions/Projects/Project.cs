namespace Cumin.Projects;

/// <summary>Travels as <c>owner</c>, <c>editor</c>, <c>viewer</c>.</summary>
[GenerateSerializer, Alias("cumin.project-role")]
public enum ProjectRole
{
    Viewer,
    Editor,
    Owner,
}

/// <summary>A project as one of its members sees it (<see cref="Role"/> is theirs).</summary>
[GenerateSerializer, Immutable, Alias("cumin.project")]
public sealed record ProjectView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Description,
    [property: Id(3)] string OwnerId,
    [property: Id(4)] ProjectRole Role,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset UpdatedAt);

[GenerateSerializer, Immutable, Alias("cumin.project-draft")]
public sealed record ProjectDraft(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Description);

/// <summary>A partial update: null members stay as they are.</summary>
[GenerateSerializer, Immutable, Alias("cumin.project-patch")]
public sealed record ProjectPatch(
    [property: Id(0)] string? Name,
    [property: Id(1)] string? Description);

[GenerateSerializer, Immutable, Alias("cumin.member")]
public sealed record Member(
    [property: Id(0)] string UserId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Email,
    [property: Id(3)] ProjectRole Role);

/// <summary>
/// Every member's role, as a project hands it to the task grains that answer reads without asking it each time.
/// The project tells each of them about every later change, so a remembered membership is never out of date.
/// </summary>
[GenerateSerializer, Immutable, Alias("cumin.project-membership")]
public sealed record ProjectMembership([property: Id(0)] IReadOnlyDictionary<string, ProjectRole> Roles)
{
    /// <summary>The role of <paramref name="userId"/>, or null when they are not a member.</summary>
    public ProjectRole? RoleOf(string userId) => Roles.TryGetValue(userId, out var role) ? role : null;
}

/// <summary>The bounds of API.md for projects, shared by the API's validation and the grains' own checks.</summary>
public static class ProjectLimits
{
    public const int NameMax = 200;
    public const int DescriptionMax = 2000;

    /// <summary>Members of one project, the owner included.</summary>
    public const int MembersMax = 500;

    /// <summary>Tasks of one project.</summary>
    public const int TasksMax = 100_000;

    /// <summary>Labels of one project.</summary>
    public const int LabelsMax = 100;
}
