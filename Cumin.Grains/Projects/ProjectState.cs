using Cumin.Projects;

namespace Cumin.Grains.Projects;

/// <summary>A project as stored in the <c>projects</c> table (pk project id). Task ids are not kept here: a project's
/// tasks are its partition of the <c>tasks</c> table, which has no 400 KB item limit.</summary>
public sealed class ProjectState
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string? Description { get; set; }

    public string OwnerId { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<MemberState> Members { get; set; } = [];
}

/// <summary>A member with the name and e-mail they had when added, so listing members needs no other grain.</summary>
public sealed class MemberState
{
    public string UserId { get; set; } = "";

    public string Name { get; set; } = "";

    public string Email { get; set; } = "";

    public ProjectRole Role { get; set; }

    public DateTimeOffset AddedAt { get; set; }

    public Member ToMember() => new(UserId, Name, Email, Role);
}
