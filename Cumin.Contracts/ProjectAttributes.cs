namespace Cumin;

/// <summary>
/// The attributes of a project item in the <c>projects</c> table (pk project id), as the grain storage writes the
/// project's state (camelCase names), for the stream functions that read its images.
/// </summary>
public static class ProjectAttributes
{
    public const string Id = "id";
    public const string Name = "name";

    /// <summary>Left out, or NULL, when there is none.</summary>
    public const string Description = "description";

    public const string OwnerId = "ownerId";
    public const string CreatedAt = "createdAt";
    public const string UpdatedAt = "updatedAt";

    /// <summary>The user whose change this item's image records (the project edited, a member added or removed).</summary>
    public const string UpdatedBy = "updatedBy";

    /// <summary>A list (L) of maps, one per member: <see cref="MemberAttributes"/>.</summary>
    public const string Members = "members";
}

/// <summary>The attributes of one member, a map in the project item's <see cref="ProjectAttributes.Members"/> list.</summary>
public static class MemberAttributes
{
    public const string UserId = "userId";
    public const string Name = "name";
    public const string Email = "email";

    /// <summary>One of <see cref="ProjectRoleNames"/>.</summary>
    public const string Role = "role";

    public const string AddedAt = "addedAt";
    public const string AddedBy = "addedBy";
}

/// <summary>The attributes of one label, a map in the labels item's <see cref="LabelAttributes.Labels"/> list.</summary>
public static class LabelEntryAttributes
{
    public const string Id = "id";
    public const string Name = "name";

    /// <summary><c>#rrggbb</c>.</summary>
    public const string Color = "color";
}
