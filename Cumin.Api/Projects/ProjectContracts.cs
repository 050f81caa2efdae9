using System.ComponentModel.DataAnnotations;
using Cumin.Api.Auth;
using Cumin.Projects;

namespace Cumin.Api.Projects;

public sealed record CreateProjectRequest
{
    [Required, StringLength(ProjectLimits.NameMax, MinimumLength = 1)]
    public string? Name { get; init; }

    [StringLength(ProjectLimits.DescriptionMax)]
    public string? Description { get; init; }
}

public sealed record UpdateProjectRequest
{
    [StringLength(ProjectLimits.NameMax, MinimumLength = 1)]
    public string? Name { get; init; }

    [StringLength(ProjectLimits.DescriptionMax)]
    public string? Description { get; init; }
}

public sealed record AddMemberRequest
{
    [Required, StrictEmail, StringLength(254)]
    public string? Email { get; init; }

    [Required]
    public ProjectRole? Role { get; init; }
}

/// <summary>Per-status counts of a project's tasks, as aggregated into PostgreSQL.</summary>
public sealed record StatusCounts(long Todo, long InProgress, long Done)
{
    public static StatusCounts Zero { get; } = new(0, 0, 0);

    public long Total => Todo + InProgress + Done;
}

public sealed record ProjectResponse(
    string Id,
    string Name,
    string? Description,
    string OwnerId,
    ProjectRole Role,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    StatusCounts? Counts)
{
    /// <param name="counts">Null while the aggregated store cannot be reached (API.md: the rest is still given).</param>
    public static ProjectResponse From(ProjectView view, StatusCounts? counts) =>
        new(view.Id, view.Name, view.Description, view.OwnerId, view.Role, view.CreatedAt, view.UpdatedAt, counts);
}

public sealed record ProjectList(IReadOnlyList<ProjectResponse> Items);

public sealed record MemberResponse(string UserId, string Name, string Email, ProjectRole Role)
{
    public static MemberResponse From(Member member) => new(member.UserId, member.Name, member.Email, member.Role);
}

public sealed record MemberList(IReadOnlyList<MemberResponse> Items);
